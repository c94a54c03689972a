"""Every amber or red alert becomes owned work: one open item per child, updated by later alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.alerts.service import newest_alert_id
from alarmbell.storage.tables import Person, TriageEvent, TriageItem
from alarmbell.triage import refresh_items
from alarmbell.triage.alert_work import route_new_alerts
from alarmbell.triage.timescales import alert_decision_due
from tests.stored_alerts import store_alert

from .conftest import CONFIG

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _person(session: Session) -> int:
    person = Person(created_at=MONDAY)
    session.add(person)
    session.flush()
    return person.id


def _items(session: Session) -> list[TriageItem]:
    return list(session.scalars(select(TriageItem).order_by(TriageItem.id)))


def test_a_red_alert_opens_a_mash_item_due_in_one_working_day(session: Session) -> None:
    child = _person(session)
    before = newest_alert_id(session)
    alert = store_alert(session, child, "red", MONDAY)
    routed = route_new_alerts(session, after_id=before, config=CONFIG, now=MONDAY + timedelta(minutes=1))
    [item] = _items(session)
    assert routed.opened == (item.id,) and routed.updated == ()
    assert (item.kind, item.team, item.timescale, item.alert_level) == ("alert", "MASH", "alert_red", "red")
    assert item.source_key == f"alert:{alert.id}" and item.person_id == child
    assert item.opened_at == MONDAY
    assert item.due_at == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # Tuesday 17:00 in England (GMT)
    assert "1 working day" in item.harm_source


def test_green_alerts_are_not_work(session: Session) -> None:
    child = _person(session)
    store_alert(session, child, "green", MONDAY)
    assert route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY).opened == ()
    assert _items(session) == []


def test_a_later_alert_updates_the_open_item_and_a_rise_tightens_its_clock(session: Session) -> None:
    child = _person(session)
    store_alert(session, child, "amber", MONDAY)
    route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY)
    [item] = _items(session)
    assert item.due_at == alert_decision_due("amber", MONDAY, CONFIG.alert_working_days)  # Thursday
    mark = newest_alert_id(session)
    tuesday = MONDAY + timedelta(days=1)
    red = store_alert(session, child, "red", tuesday, explanation="New evidence: a fracture")
    routed = route_new_alerts(session, after_id=mark, config=CONFIG, now=tuesday)
    assert routed.opened == () and routed.updated == (item.id,)
    [item] = _items(session)
    assert item.alert_level == "red" and item.title.startswith("Red alert")
    assert item.due_at == datetime(2026, 12, 2, 17, 0, tzinfo=UTC)  # one working day from Tuesday
    assert item.harm_days == CONFIG.alert_harm_days["red"]
    assert item.harm_source.startswith("A red alert") and "within 1 working day" in item.harm_source
    events = session.scalars(select(TriageEvent).where(TriageEvent.kind == "new_evidence")).all()
    assert [e.detail["alert_id"] for e in events] == [red.id]
    assert events[0].detail["explanation"] == "New evidence: a fracture"
    # Deciding closes the item; the next alert opens a new one.
    item.status = "decided"
    store_alert(session, child, "red", tuesday + timedelta(days=7))
    route_new_alerts(session, after_id=red.id, config=CONFIG, now=tuesday + timedelta(days=7))
    assert len(_items(session)) == 2


def test_an_alert_from_records_that_arrived_late_starts_its_clock_when_raised(session: Session) -> None:
    child = _person(session)
    store_alert(session, child, "red", datetime(2011, 1, 31, tzinfo=UTC))
    route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY)
    [item] = _items(session)
    assert item.opened_at == MONDAY and item.due_at > MONDAY
    assert "31 Jan 2011" in item.harm_source and "after that time had passed" in item.harm_source


def test_refresh_routes_only_alerts_that_have_no_work_yet(session: Session) -> None:
    first, second = _person(session), _person(session)
    store_alert(session, first, "red", MONDAY)
    route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY)
    store_alert(session, first, "red", MONDAY + timedelta(hours=2))  # stored but not routed (say, a crash)
    store_alert(session, second, "amber", MONDAY)
    summary = refresh_items(session, config=CONFIG, now=MONDAY + timedelta(hours=3))
    assert summary.created["alert"] == 1  # the second child's; the first child's went on his item
    assert refresh_items(session, config=CONFIG, now=MONDAY + timedelta(hours=4)).total == 0
    assert len(_items(session)) == 2
