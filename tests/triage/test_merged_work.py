"""Work opened about a person before a merge is the survivor's: on their page, and new evidence
about them joins it.

Items keep the id they were opened under (an unmerge gives them back). Before, the survivor's
page did not list an item opened under the merged-away id (whose own page is gone), and the
next alert about the survivor opened a second item beside it: one child, two open items, one
of them on no page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.identity.merges import merge_people
from alarmbell.storage.tables import Person, TriageEvent, TriageItem
from alarmbell.triage.alert_work import route_new_alerts
from alarmbell.triage.unanswered import unanswered_alarms
from alarmbell.web.pages.person_work import person_work
from alarmbell.web.pages.triage_data import build_item_page
from tests.stored_alerts import store_alert

from .conftest import CONFIG

MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _person(session: Session) -> int:
    person = Person(created_at=MONDAY)
    session.add(person)
    session.flush()
    return person.id


def test_an_item_opened_before_a_merge_is_the_survivors_and_takes_their_new_evidence(
    session: Session,
) -> None:
    merged_away, survivor = _person(session), _person(session)
    first = store_alert(session, merged_away, "amber", MONDAY).id
    route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY)
    [item] = session.scalars(select(TriageItem)).all()
    assert item.person_id == merged_away

    merge_people(session, merged_away, survivor, decided_by="Ana Patel", evidence="same child")
    later = MONDAY + timedelta(hours=3)
    store_alert(session, survivor, "red", later)
    route_new_alerts(session, after_id=first, config=CONFIG, now=later)

    items = session.scalars(select(TriageItem)).all()
    assert [i.id for i in items] == [item.id], "one child, one open alert item"
    assert item.alert_level == "red"
    kinds = [e.kind for e in session.scalars(select(TriageEvent).where(TriageEvent.item_id == item.id))]
    assert kinds == ["created", "new_evidence"]
    work = person_work(session, survivor, now=later, may_see=lambda _team: True)
    assert [v.page.item.id for v in work.views] == [item.id]
    # The item's page links to the survivor's page, not to the merged-away id's (gone).
    assert build_item_page(session, item_id=item.id, now=later).person_id == survivor


def test_an_alert_raised_before_a_merge_is_reported_as_the_survivors(session: Session) -> None:
    """Unanswered alarms listed an alert raised under a merged-away id against that id, whose
    page is gone, and one person's report (the survivor's) left it out."""
    merged_away, survivor = _person(session), _person(session)
    store_alert(session, merged_away, "red", MONDAY)
    route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY)
    merge_people(session, merged_away, survivor, decided_by="Ana Patel", evidence="same child")
    week_later = MONDAY + timedelta(days=7)

    everyone = unanswered_alarms(session, config=CONFIG, now=week_later)
    assert [o.person_id for o in everyone.unanswered] == [survivor]
    theirs = unanswered_alarms(session, config=CONFIG, now=week_later, person_id=survivor)
    assert [o.person_id for o in theirs.unanswered] == [survivor]
