"""A new alert on an item whose closing awaits a countersignature makes the proposal lapse.

Before, the new alert joined the item as new evidence, and the team manager's countersignature
then closed the item with it: a red alert that arrived while the closing waited was recorded as
"no further action" on a reason written before it existed, and the unanswered-alarms report
counted it as decided in time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from alarmbell.storage.tables import Person
from alarmbell.triage import TriageError, audit_trail, countersign_decision, decide, get_item
from alarmbell.triage.alert_work import open_alert_item, route_new_alerts
from alarmbell.triage.unanswered import unanswered_alarms
from alarmbell.web.pages.triage_data import build_item_page
from tests.stored_alerts import store_alert

from .conftest import CONFIG

MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
WHY = "Injury explained by nursery accident form; seen alone, no concerns."


def test_a_red_alert_arriving_while_a_closing_waits_makes_it_lapse(session: Session) -> None:
    person = Person(created_at=MONDAY)
    session.add(person)
    session.flush()
    first = store_alert(session, person.id, "red", MONDAY).id
    route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY)
    item = open_alert_item(session, person.id)
    assert item is not None
    decide(session, item_id=item.id, by="Sam Reid", decision="no_further_action", rationale=WHY, now=MONDAY)
    assert get_item(session, item.id).status == "awaiting_countersignature"

    later = MONDAY + timedelta(hours=2)
    second = store_alert(session, person.id, "red", later).id
    route_new_alerts(session, after_id=first, config=CONFIG, now=later)

    row = get_item(session, item.id)
    assert (row.status, row.decision, row.acknowledged_by) == ("acknowledged", None, "Sam Reid")
    with pytest.raises(TriageError, match="no decision awaiting a countersignature"):
        countersign_decision(session, item_id=item.id, by="Kiran Shah", now=later + timedelta(hours=1))
    kinds = [e.kind for e in audit_trail(session, item.id)]
    assert kinds[-2:] == ["new_evidence", "proposal_lapsed"]
    history = {r.kind: r.detail for r in build_item_page(session, item_id=item.id, now=later).audit}
    assert history["proposal lapsed"] == (
        "the closing Sam Reid proposed lapsed, as a red alert arrived after the closing was proposed: "
        "decide again with it in view"
    )
    # Neither alert is decided until someone decides again, with the new one in view.
    report = unanswered_alarms(session, config=CONFIG, now=MONDAY + timedelta(days=5))
    assert {o.alert_id: o.status for o in report.unanswered} == {first: "No decision", second: "No decision"}
