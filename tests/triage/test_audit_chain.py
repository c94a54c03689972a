"""Every change to a work item is in the hash-chained audit log, beside the item's own trail.

docs/security.md promises a tamper-evident audit of every view and decision. Decisions were
chained (tests/triage/test_web.py); an alert becoming owned work, escalations, new evidence and
logged hours were written to `triage_event` only, which anyone with the database can edit
without trace. These tests commit through real stores (SQLite, and PostgreSQL when configured)
and read the chain back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from alarmbell.audit import Actor, verify_audit
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import AlertRow, AuditEntry, Person, TriageEvent, TriageItem
from alarmbell.triage import acknowledge, escalate_overdue, log_time
from alarmbell.triage.alert_work import route_new_alerts

from .conftest import CONFIG, add, alert_item

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _alert(session: Session, level: str, raised: datetime, person_id: int | None = None) -> AlertRow:
    if person_id is None:
        person = Person(created_at=MONDAY)
        session.add(person)
        session.flush()
        person_id = person.id
    row = AlertRow(
        person_id=person_id,
        level=level,
        raised_at=raised,
        rules=["rule"],
        evidence=[["health", "H1"]],
        explanation="Seen at A&E twice; mother says Leo Quill fell downstairs.",
        policy_version="v1",
        created_at=raised,
    )
    session.add(row)
    session.flush()
    return row


def _chained(engine: Engine) -> list[AuditEntry]:
    with session_scope(engine) as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        session.expunge_all()
    return entries


def _verifies(engine: Engine) -> bool:
    with session_scope(engine) as session:
        report = verify_audit(session)
    assert report.ok, report.problems
    return report.ok


def test_an_alert_becoming_work_and_its_new_evidence_are_chained_with_the_system_as_actor(
    engine: Engine,
) -> None:
    with session_scope(engine) as session:
        first = _alert(session, "amber", MONDAY)
        child = first.person_id
        route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY + timedelta(minutes=1))
        later = _alert(session, "red", MONDAY + timedelta(hours=2), person_id=child)
        route_new_alerts(session, after_id=first.id, config=CONFIG, now=MONDAY + timedelta(hours=2))
        item_id = session.scalars(select(TriageItem.id)).one()
    entries = _chained(engine)
    assert [(e.action, e.actor, e.actor_role) for e in entries] == [
        ("triage.created", "alarmbell", "system"),
        ("triage.new_evidence", "alarmbell", "system"),
    ]
    created, evidence = entries
    assert (created.subject_type, created.subject_id) == ("triage_item", str(item_id))
    assert created.detail["person"] == child and created.detail["source"] == f"alert:{first.id}"
    assert created.detail["team"] == "MASH" and created.detail["item_kind"] == "alert"
    assert created.at == MONDAY + timedelta(minutes=1)
    assert evidence.detail["alert_id"] == later.id and evidence.detail["level"] == "red"
    assert all("Quill" not in str(e.detail) for e in entries), "the alert's text stays in the trail"
    assert _verifies(engine)


def test_an_item_rolled_back_leaves_no_audit_entry(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        _alert(session, "red", MONDAY)
        route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY)
        raise RuntimeError("the rescore failed")
    assert _chained(engine) == []


def test_escalations_are_chained_with_the_system_as_actor_and_who_ran_them_by_hand(engine: Engine) -> None:
    start = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        item_id = add(session, alert_item("red", start))  # due at 4 hours, head of service at 6
    with session_scope(engine) as session:
        escalate_overdue(session, config=CONFIG, now=start + timedelta(hours=4))
    with session_scope(engine) as session:
        escalate_overdue(session, config=CONFIG, now=start + timedelta(hours=7), run_by="cli:ana")
    escalated = [e for e in _chained(engine) if e.action == "triage.escalated"]
    steps = [(e.actor, e.actor_role, e.subject_id, e.detail["to"], e.detail.get("run_by")) for e in escalated]
    assert steps == [
        ("alarmbell", "system", str(item_id), "team_manager", None),
        ("alarmbell", "system", str(item_id), "head_of_service", "cli:ana"),
    ]
    assert escalated[1].at == start + timedelta(hours=7)
    assert _verifies(engine)


def test_logged_hours_and_who_took_the_item_on_are_chained(engine: Engine) -> None:
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    ana = Actor("ana", "mash_analyst", "police")
    with session_scope(engine) as session:
        owned = add(session, replace(alert_item("owned", start), owner="Sam Reid"))
        taken = add(session, alert_item("taken", start))
    with session_scope(engine) as session:
        acknowledge(session, item_id=taken, by="ana", now=start + timedelta(hours=1), actor=ana)
        # A person who calls themselves "alarmbell" at the command line is not the system.
        acknowledge(session, item_id=owned, by="alarmbell", now=start + timedelta(hours=1))
        log_time(
            session,
            item_id=taken,
            person="DC Morgan",
            hours=2.5,
            worked_at=start,
            now=start + timedelta(hours=3),
            source="api",
            recorded_by="ana",
            note="Spoke to Leo Quill's aunt at home.",
            actor=ana,
        )
    entries = {(e.action, e.subject_id): e for e in _chained(engine)}
    assert entries[("triage.created", str(owned))].detail["owner"] == "Sam Reid"
    assert entries[("triage.created", str(taken))].detail["owner"] is None
    assert entries[("triage.acknowledged", str(taken))].detail["owner"] == "ana"
    assert entries[("triage.acknowledged", str(owned))].actor_role is None
    logged = entries[("triage.time_logged", str(taken))]
    assert (logged.actor, logged.actor_role, logged.actor_agency) == ("ana", "mash_analyst", "police")
    assert (logged.detail["hours"], logged.detail["worked_by"]) == (2.5, "DC Morgan")
    assert "Quill" not in str(logged.detail), "the note stays in the work log"
    assert _verifies(engine)


def test_every_event_in_an_items_trail_has_its_entry_in_the_chain(engine: Engine) -> None:
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        first = _alert(session, "amber", start)
        route_new_alerts(session, after_id=0, config=CONFIG, now=start)
        _alert(session, "red", start + timedelta(hours=1), person_id=first.person_id)
        route_new_alerts(session, after_id=first.id, config=CONFIG, now=start + timedelta(hours=1))
        other = add(session, alert_item("red", start))
        escalate_overdue(session, config=CONFIG, now=start + timedelta(days=3))
        log_time(session, item_id=other, person="Sam", hours=1, worked_at=start, now=start, source="cli")
    with session_scope(engine) as session:
        trail = Counter((e.kind, str(e.item_id), e.at) for e in session.scalars(select(TriageEvent)))
    chained = Counter((e.action.removeprefix("triage."), e.subject_id, e.at) for e in _chained(engine))
    assert chained == trail and sum(trail.values()) >= 7
    assert _verifies(engine)
