"""The seeded scenario's alert items name children at the level their title gives."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from alarmbell.alerts.service import alerted_people
from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_lines
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import PersonLink, TriageItem
from alarmbell.triage import load_displacement_scenario
from tests.stored_alerts import store_alert

from .conftest import CONFIG

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


NAMES = ("Amelia", "Oliver", "Isla", "Noah", "Ava", "Leo", "Mia", "Jack")
SURNAMES = ("Hart", "Quinn")


def _children(engine: Engine) -> list[int]:
    """Sixteen children, each recorded once by health (different names and birthdays), linked."""
    lines = [
        {
            "type": "person",
            "agency": "health",
            "source_id": f"H{n}",
            "given_name": NAMES[n % 8],
            "family_name": SURNAMES[n // 8],
            "dob": f"20{15 + n % 8}-0{1 + n // 8}-1{n % 8}",
        }
        for n in range(16)
    ]
    ingest_lines(engine=engine, source="t", lines=[json.dumps(line).encode() for line in lines])
    with session_scope(engine) as session:
        link_people(session)
        return sorted(set(session.scalars(select(PersonLink.person_id))))


def test_an_amber_item_names_an_amber_child_and_a_red_item_a_red_child(engine: Engine) -> None:
    """The queue titled red children's items "Amber alert" (the scenario took every child from
    the red ones), so a manager read a red child as amber."""
    children = _children(engine)
    assert len(children) == 16
    with session_scope(engine) as session:
        for n, person_id in enumerate(children):
            store_alert(session, person_id, "red" if n % 2 else "amber", NOW - timedelta(days=10 + n))
    with session_scope(engine) as session:
        _check_levels(session)


def _check_levels(session: Session) -> None:
    level_of = {p.person_id: p.level for p in alerted_people(session)}
    load_displacement_scenario(session, now=NOW, config=CONFIG)
    items = session.scalars(
        select(TriageItem).where(TriageItem.kind == "alert", TriageItem.person_id.is_not(None))
    ).all()
    levels = {item.alert_level for item in items}
    assert levels == {"red", "amber"}
    for item in items:
        assert item.person_id is not None
        assert level_of[item.person_id] == item.alert_level, item.title
