"""Building one person's chronology from the store: their events, the household adults', and the
other household children's (kept apart, for the policy).

The queries are here; putting the rows together is `assembly.assemble_chronology`, which the
batch path (`alerts.rescore`) shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, tuple_
from sqlalchemy.orm import Session

from alarmbell.chronology.assembly import (
    AdultEvents,
    ChildEvents,
    assemble_chronology,
    event_columns,
    household_children,
    other_child_member,
    parental_adults,
)
from alarmbell.domain.chronology import Chronology, HouseholdMember
from alarmbell.domain.records import RecordKey
from alarmbell.identity import PersonView, household_adults, record_rows, relations, view_from_rows
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
    children = _household_children(session, person, at=at)
    return assemble_chronology(person, _event_rows(session, person.records, at=at), adults, children)


def _household_children(session: Session, person: PersonView, *, at: datetime | None) -> list[ChildEvents]:
    """The other children of the person's household, each with the rows of their events."""
    own = [(r.other, r.kind) for r in relations(session, person.person_id)]
    adults = {a: [(r.other, r.kind) for r in relations(session, a)] for a in parental_adults(own)}
    found: list[ChildEvents] = []
    for child_id in household_children(person.person_id, own, adults):
        child = view_from_rows(child_id, record_rows(session, child_id), at=at)
        found.append((other_child_member(person, child), _event_rows(session, child.records, at=at)))
    return found


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
