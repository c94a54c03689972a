"""Decisions taken on a child's alert work count for the child after a merge.

Work opened about a person keeps their id when they are merged into another (an unmerge gives it
back). The policy's bound on re-notification read decisions by the current person id only, so a
decision taken under the merged-away id was ignored after the merge: the alert the MASH had decided was
raised again as new for the survivor at their next evaluation (and opened work again), and new
evidence after the decision was taken as joining that reopened item instead of raising an alert.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from alarmbell.alerts import alerted_people, alerts_for, overrides_for_person
from alarmbell.alerts.decided import decided_moments
from alarmbell.alerts.overrides import override_alert
from alarmbell.identity.review import merge
from alarmbell.ingest.service import ingest_lines
from alarmbell.policy import default_policy
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import AlertRow, Person, PersonLink, PersonRecordRow, TriageItem
from alarmbell.triage import decide, link_and_refresh

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
WHY = "Strategy discussion held with the police; the child was seen at home."


def _ingest(engine: Engine, *lines: dict[str, Any]) -> None:
    ingest_lines(engine=engine, source="t", lines=[json.dumps(line).encode() for line in lines])


def _person_of(engine: Engine, agency: str, source_id: str) -> int:
    with session_scope(engine) as session:
        query = (
            select(PersonLink.person_id)
            .join(PersonRecordRow, PersonRecordRow.id == PersonLink.person_record_id)
            .where(
                PersonRecordRow.agency == agency,
                PersonRecordRow.source_id == source_id,
                PersonLink.ended_at.is_(None),
            )
        )
        return int(session.scalars(query).one())


def _injury(agency: str, source_id: str, child: str, day: str) -> dict[str, Any]:
    return {
        "type": "event",
        "agency": agency,
        "source_id": source_id,
        "kind": "injury_presentation",
        "occurred_at": day,
        "subjects": [child],
        "attrs": {"injury": "bruise", "site": "face", "explanation": "unexplained"},
    }


def _alerts(engine: Engine, person_id: int) -> list[tuple[str, date]]:
    """(level, day raised) of the alerts stored under `person_id`."""
    with session_scope(engine) as session:
        query = select(AlertRow.level, AlertRow.raised_at).where(AlertRow.person_id == person_id)
        return [(level, at.date()) for level, at in session.execute(query.order_by(AlertRow.raised_at))]


def test_a_decision_under_the_merged_away_id_counts_for_the_survivor(
    engine: Engine, store_settings: Settings
) -> None:
    policy = default_policy()
    baby = {"type": "person", "agency": "health", "source_id": "C1", "given_name": "Maisie"}
    baby |= {"family_name": "Harker", "dob": "2026-05-14"}
    _ingest(engine, baby, _injury("health", "E1", "C1", "2026-11-02"))
    link_and_refresh(engine, settings=store_settings, policy=policy, now=NOW)
    merged_away = _person_of(engine, "health", "C1")
    assert _alerts(engine, merged_away) == [("red", date(2026, 11, 2))]  # an injury to a baby
    with session_scope(engine) as session:
        item = session.scalars(select(TriageItem).where(TriageItem.person_id == merged_away)).one()
        decide(
            session, item_id=item.id, by="Sam Reid", decision="strategy_discussion", rationale=WHY, now=NOW
        )
        decided_at = item.decided_at
        [alert_id] = session.scalars(select(AlertRow.id).where(AlertRow.person_id == merged_away))
        why = "Seen with the strategy discussion; the bruise was from a nursery fall, confirmed."
        override_alert(session, alert_id=alert_id, by="Kiran Shah", reason=why, now=NOW, manager=True)

    # The same child, known to the police by another name: a person of their own until merged.
    known = {"type": "person", "agency": "police", "source_id": "P1", "given_name": "Daisy"}
    known |= {"family_name": "Okoro", "dob": "2026-05-14"}
    _ingest(engine, known)
    link_and_refresh(engine, settings=store_settings, policy=policy, now=NOW)
    survivor = _person_of(engine, "police", "P1")
    assert survivor != merged_away
    with session_scope(engine) as session:
        merge(session, merged_away, survivor, by="Ana Patel", reason="the same child, known by two names")
    with session_scope(engine) as session:
        assert decided_moments(session, [survivor]) == {survivor: (decided_at,)}
        assert decided_moments(session)[survivor] == (decided_at,)
        assert merged_away not in decided_moments(session)

    # The next evaluation of the child: the alert the MASH decided is not raised again as new.
    link_and_refresh(engine, settings=store_settings, policy=policy, now=NOW, everyone=True)
    assert _alerts(engine, survivor) == []
    with session_scope(engine) as session:
        open_items = session.scalars(select(TriageItem.id).where(TriageItem.status == "open")).all()
        assert open_items == []
        # It stays the survivor's alert, on their page, with the override made before the merge.
        [alert] = alerts_for(session, survivor)
        assert (alert.person_id, alert.level) == (merged_away, "red")
        assert overrides_for_person(session, survivor)[alert.id].decided_by == "Kiran Shah"
        # And on the list of children with alerts, under the survivor (the other id has no page).
        listed = [(p.person_id, p.level, p.alerts) for p in alerted_people(session)]
        assert listed == [(survivor, "red", 1)]
        mine = select(Person.id).where(Person.id == survivor)
        assert [p.person_id for p in alerted_people(session, among=mine)] == [survivor]

    # Another injury after the decision: the picture has moved on, so the child's alert rings again.
    _ingest(engine, _injury("health", "E2", "C1", "2026-12-01"))
    link_and_refresh(engine, settings=store_settings, policy=policy, now=NOW + timedelta(days=2))
    assert _alerts(engine, survivor) == [("red", date(2026, 12, 1))]
