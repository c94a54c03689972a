"""Unanswered alarms: alerts with no decision in time, and alerts closed without action then harm."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alarmbell.alerts.overrides import override_alert
from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_lines
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import Person
from alarmbell.triage import decide
from alarmbell.triage.alert_work import open_alert_item, route_new_alerts
from alarmbell.triage.unanswered import report_rows, unanswered_alarms
from tests.stored_alerts import store_alert

from .conftest import CONFIG

MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _child(session: Session) -> int:
    person = Person(created_at=MONDAY)
    session.add(person)
    session.flush()
    return person.id


def test_alerts_without_a_decision_in_time_are_listed_with_who_held_them(session: Session) -> None:
    ignored, late, prompt = _child(session), _child(session), _child(session)
    store_alert(session, ignored, "red", MONDAY, agency="police")
    store_alert(session, late, "amber", MONDAY, agency="education")
    store_alert(session, prompt, "red", MONDAY)
    route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY)
    for child, when in ((late, MONDAY + timedelta(days=10)), (prompt, MONDAY + timedelta(hours=3))):
        item = open_alert_item(session, child)
        assert item is not None
        decide(
            session,
            item_id=item.id,
            by="Sam Reid",
            decision="strategy_discussion",
            rationale="Held.",
            now=when,
        )
    now = MONDAY + timedelta(days=30)
    report = unanswered_alarms(session, config=CONFIG, now=now)
    assert report.alerts == 3
    listed = {o.person_id: o for o in report.unanswered}
    assert set(listed) == {ignored, late}
    assert listed[ignored].status == "No decision" and listed[ignored].held_by.startswith("MASH")
    assert listed[ignored].waited == now - MONDAY
    assert listed[late].status == "Decided late" and listed[late].held_by == "Sam Reid"
    assert report.unanswered_by.by_agency == {"education": 1, "police": 1}
    assert report.unanswered_by.by_month == {"2026-11": 2}
    assert report.unanswered_by.by_team == {"MASH": 2}
    # Before the red's clock ran out (Tuesday 17:00), nothing was unanswered yet.
    assert unanswered_alarms(session, config=CONFIG, now=MONDAY + timedelta(hours=20)).unanswered == ()


def test_new_evidence_alerts_count_as_answered_by_their_items_decision(session: Session) -> None:
    child = _child(session)
    store_alert(session, child, "amber", MONDAY)
    store_alert(session, child, "red", MONDAY + timedelta(hours=1))
    route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY + timedelta(hours=1))
    item = open_alert_item(session, child)
    assert item is not None
    decide(
        session,
        item_id=item.id,
        by="Sam",
        decision="assessment",
        rationale="Assess.",
        now=MONDAY + timedelta(hours=5),
    )
    assert unanswered_alarms(session, config=CONFIG, now=MONDAY + timedelta(days=20)).unanswered == ()


def test_closed_without_action_then_a_fracture_is_listed(engine: Engine) -> None:
    lines = [
        {
            "type": "person",
            "agency": "health",
            "source_id": "C1",
            "given_name": "Amy",
            "family_name": "Lane",
            "dob": "2025-06-01",
        },
        {
            "type": "event",
            "agency": "health",
            "source_id": "E1",
            "kind": "injury_presentation",
            "occurred_at": "2026-12-20",
            "subjects": ["C1"],
            "attrs": {"injury": "fracture", "site": "forearm"},
        },
    ]
    ingest_lines(engine=engine, source="t", lines=[json.dumps(line).encode() for line in lines])
    with session_scope(engine) as session:
        link_people(session)
    with session_scope(engine) as session:
        child = session.query(Person.id).scalar()
        assert child is not None
        closed = store_alert(session, child, "red", MONDAY)
        overridden = store_alert(session, child, "amber", MONDAY - timedelta(days=200))
        route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY)
        item = open_alert_item(session, child)
        assert item is not None
        decide(
            session,
            item_id=item.id,
            by="Sam",
            decision="no_further_action",
            rationale="Mother's explanation accepted.",
            now=MONDAY + timedelta(hours=2),
            manager=True,
        )
        override_alert(
            session,
            alert_id=overridden.id,
            by="Jo",
            reason="Known to services already.",
            now=MONDAY - timedelta(days=199),
        )
        report = unanswered_alarms(session, config=CONFIG, now=MONDAY + timedelta(days=100))
        [harmed] = report.closed_then_harm
        assert harmed.alert_id == closed.id
        assert harmed.followed_by == "fracture (injury presentation) on 20 Dec 2026"
        rows = report_rows(report)
        assert [r["list"] for r in rows].count("closed_then_harm") == 1
        assert all(r["child"] == "Amy Lane" for r in rows)


def test_an_alert_taken_on_but_not_decided_names_who_took_it_on(session: Session) -> None:
    """Acknowledged (and a red's "no further action" proposed) but never decided: the report said
    "held by MASH (nobody took it on)", which was not so; it names the analyst who took it on."""
    from alarmbell.triage import acknowledge

    taken, proposed, ignored = _child(session), _child(session), _child(session)
    for child in (taken, proposed, ignored):
        store_alert(session, child, "red", MONDAY)
    route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY)
    taken_item, proposed_item = open_alert_item(session, taken), open_alert_item(session, proposed)
    assert taken_item is not None and proposed_item is not None
    acknowledge(session, item_id=taken_item.id, by="Ana Patel", now=MONDAY + timedelta(hours=1))
    decide(
        session,
        item_id=proposed_item.id,
        by="Sam Reid",
        decision="no_further_action",
        rationale="Injury explained by nursery accident form; seen alone, no concerns.",
        now=MONDAY + timedelta(hours=2),
    )
    report = unanswered_alarms(session, config=CONFIG, now=MONDAY + timedelta(days=30))
    held = {o.person_id: (o.status, o.held_by) for o in report.unanswered}
    assert held[taken] == ("No decision", "Ana Patel (MASH; taken on, not decided)")
    assert held[proposed] == (
        "No decision",
        "Sam Reid (MASH; closing proposed, no team manager has countersigned it)",
    )
    assert held[ignored] == ("No decision", "MASH (nobody took it on)")
