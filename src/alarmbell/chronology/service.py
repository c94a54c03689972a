"""Building one person's chronology from the store: their events plus the household adults'.

The queries are here; putting the rows together is `assembly.assemble_chronology`, which the
batch path (`alerts.rescore`) shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, tuple_
from sqlalchemy.orm import Session

from alarmbell.chronology.assembly import AdultEvents, assemble_chronology, event_columns
from alarmbell.domain.chronology import Chronology, HouseholdMember
from alarmbell.domain.records import RecordKey
from alarmbell.identity import household_adults, record_rows, view_from_rows
from alarmbell.storage.tables import EventParty, EventRecordRow


def build_chronology(session: Session, person_id: int, *, at: datetime | None = None) -> Chronology | None:
    """The merged timeline of one person, or None if no record is linked to that id.

    `at` limits it to what had been recorded by then (recorded_at <= at).
    """
    rows = record_rows(session, person_id)
    if not rows:
        return None
    person = view_from_rows(person_id, rows, at=at)
    adults: list[AdultEvents] = []
    for adult_id, relation in sorted(household_adults(session, person_id).items()):
        adult = view_from_rows(adult_id, record_rows(session, adult_id), at=at)
        if adult.role != "child":
            member = HouseholdMember(adult_id, relation, adult.display_name, adult.role)
            adults.append((member, _event_rows(session, adult.records, at=at)))
    return assemble_chronology(person, _event_rows(session, person.records, at=at), adults)


def _event_rows(session: Session, records: Sequence[RecordKey], *, at: datetime | None) -> list[Any]:
    """Every event naming one of these records, as `event_columns()` selects it."""
    if not records:
        return []
    events = EventRecordRow
    query = (
        select(*event_columns())
        .join(
            EventParty,
            and_(EventParty.agency == events.agency, EventParty.event_source_id == events.source_id),
        )
        .where(
            tuple_(EventParty.agency, EventParty.person_source_id).in_(list(records)),
            events.held.is_(False),
        )
    )
    if at is not None:
        query = query.where(events.recorded_at <= at)
    return list(session.execute(query))
