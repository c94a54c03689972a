"""`link_and_refresh`: the one "link identities, then raise and route alerts" every intake ends with."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import InstrumentedAttribute

from alarmbell.ingest.service import ingest_file
from alarmbell.policy import default_policy
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import AlertRow, EvaluationDue, PersonLink, TriageItem
from alarmbell.triage import link_and_refresh

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


class EvaluationStopped(Exception):
    pass


def _count(engine: Engine, column: InstrumentedAttribute[int]) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count(column))) or 0


def test_links_then_raises_and_routes_each_alert_once(
    engine: Engine, store_settings: Settings, demo_case: Path
) -> None:
    ingest_file(engine=engine, path=demo_case)
    policy = default_policy()
    done = link_and_refresh(engine, settings=store_settings, policy=policy, now=NOW)
    assert done.linked.newly_linked > 0 and done.raised.created > 0
    assert done.policy_version == policy.version
    assert _count(engine, AlertRow.id) == done.raised.created
    assert len(done.raised.routed.opened) == _count(engine, TriageItem.id) > 0
    again = link_and_refresh(engine, settings=store_settings, policy=policy, now=NOW)
    assert (again.linked.newly_linked, again.raised.people, again.raised.created) == (0, 0, 0)


def test_links_stay_and_people_stay_due_when_the_evaluation_fails(
    engine: Engine, store_settings: Settings, demo_case: Path
) -> None:
    ingest_file(engine=engine, path=demo_case)
    policy = default_policy()

    def stop(_people: int) -> None:
        raise EvaluationStopped

    with pytest.raises(EvaluationStopped):
        link_and_refresh(engine, settings=store_settings, policy=policy, now=NOW, progress=stop)
    assert _count(engine, PersonLink.id) > 0  # the links committed before the evaluation began
    assert _count(engine, AlertRow.id) == 0 and _count(engine, EvaluationDue.id) > 0
    done = link_and_refresh(engine, settings=store_settings, policy=policy, now=NOW)
    assert done.linked.newly_linked == 0 and done.raised.created > 0  # the next run evaluates them
    assert _count(engine, EvaluationDue.id) == 0
