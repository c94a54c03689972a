"""What was done with each alert: a later alert added to the child's open item shares its decision.

Routing adds a child's later alerts to the one open work item (triage.alert_work), so deciding the
item answers all of them; the review must not report those later alerts as never decided.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from alarmbell.review.responses import alert_responses
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import Person
from alarmbell.triage import TriageConfig, decide
from alarmbell.triage.alert_work import open_alert_item, route_new_alerts
from tests.stored_alerts import store_alert

MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def test_a_later_alert_on_an_item_is_answered_by_the_items_decision(engine: Engine) -> None:
    with session_scope(engine) as session:
        person = Person(created_at=MONDAY)
        session.add(person)
        session.flush()
        first = store_alert(session, person.id, "amber", MONDAY)
        later = store_alert(session, person.id, "red", MONDAY + timedelta(hours=1))
        session.flush()
        route_new_alerts(session, after_id=0, config=TriageConfig(), now=MONDAY + timedelta(hours=1))
        item = open_alert_item(session, person.id)
        assert item is not None
        decided_at = MONDAY + timedelta(hours=5)
        decide(session, item_id=item.id, by="Sam Reid", decision="assessment", rationale="Assess.",
               now=decided_at)  # fmt: skip
        found = alert_responses(session, person.id, MONDAY + timedelta(days=3))
        for alert in (first, later):
            assert [r.at for r in found[alert.id] if r.decision] == [decided_at], alert.id
