"""Two intakes evaluating one child at once store the child's alerts once, and each routes only
the alerts it stored itself.

Evaluation takes no lock (it would stall every other writer), so an intake can evaluate a child
while another intake stores and commits the same child's alerts. Before, the first intake had
read what was stored before that commit and stored every alert a second time (found by running
two `alarmbell ingest` commands at once: 288 alerts, each twice). The race is reproduced here
exactly: the other intake runs, and commits, from the first one's progress callback, after the
first has evaluated the child and before it stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from alarmbell.alerts.service import live_people, refresh_alerts
from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file
from alarmbell.policy import default_policy
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import AlertRow, TriageEvent, TriageItem
from alarmbell.triage.alert_work import RaisedAndRouted, refresh_and_route
from alarmbell.triage.config import TriageConfig
from tests.alerts.test_crash_safety import full_evaluation, stored_alerts
from tests.helpers import event, person, write_jsonl

POLICY = default_policy()
NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


@pytest.fixture
def store(store_settings: Settings, tmp_path: Path) -> Iterator[Engine]:
    """A store holding one infant with a fracture after domestic abuse at home: alerts to raise."""
    rows = [
        person("C1", agency="health", dob="2024-06-01", sex="M"),
        person("C1", agency="police", dob="2024-06-01", sex="M"),
        event("D1", ["C1"], agency="police", occurred_at="2024-09-01", attrs={"children_present": True}),
        event(
            "F1",
            ["C1"],
            agency="health",
            kind="ed_attendance",
            occurred_at="2024-10-01",
            attrs={"injury": "fracture", "site": "forearm"},
        ),
    ]
    engine = make_engine(store_settings)
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "child.jsonl", rows))
    with session_scope(engine) as session:
        link_people(session)
    yield engine
    engine.dispose()


def _once(run: Callable[[], object]) -> Callable[[int], None]:
    """A progress callback that runs `run` the first time it is called."""
    done: list[object] = []

    def progress(_: int) -> None:
        if not done:
            done.append(run())

    return progress


def test_an_intake_that_evaluated_before_another_committed_stores_no_alert_twice(store: Engine) -> None:
    with session_scope(store) as session:
        people = live_people(session)
    other: list[int] = []

    def other_intake() -> None:
        with session_scope(store) as session:
            other.append(refresh_alerts(session, policy=POLICY, person_ids=people))

    with session_scope(store) as session:
        late = refresh_alerts(session, policy=POLICY, person_ids=people, progress=_once(other_intake))

    assert other[0] > 0
    assert late == 0
    assert stored_alerts(store) == full_evaluation(store)


def test_each_intake_routes_only_the_alerts_it_stored(store: Engine) -> None:
    config = TriageConfig()
    other: list[RaisedAndRouted] = []

    def other_intake() -> None:
        with session_scope(store) as session:
            other.append(refresh_and_route(session, policy=POLICY, config=config, now=NOW, everyone=True))

    with session_scope(store) as session:
        late = refresh_and_route(
            session, policy=POLICY, config=config, now=NOW, everyone=True, progress=_once(other_intake)
        )

    assert other[0].created > 0 and len(other[0].routed.opened) == 1
    assert (late.created, late.routed.opened, late.routed.updated) == (0, (), ())
    with session_scope(store) as session:
        items = session.scalar(select(func.count()).select_from(TriageItem))
        events = session.scalar(select(func.count()).select_from(TriageEvent))
        alerts = session.scalar(select(func.count()).select_from(AlertRow))
    assert items == 1
    assert alerts == other[0].created
    with session_scope(store) as session:  # what one intake alone leaves: nothing more
        again = refresh_and_route(session, policy=POLICY, config=config, now=NOW, everyone=True)
    assert (again.created, again.routed.opened, again.routed.updated) == (0, (), ())
    with session_scope(store) as session:
        assert session.scalar(select(func.count()).select_from(TriageEvent)) == events
