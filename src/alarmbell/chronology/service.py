"""Building a chronology: the person's own events plus the events of the adults around them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, tuple_
from sqlalchemy.orm import Session

from alarmbell.domain.chronology import Chronology, ChronologyEntry, HouseholdMember
from alarmbell.domain.household_facts import new_adult_facts
from alarmbell.domain.records import RecordKey
from alarmbell.domain.wording import DATE_PRECISIONS
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
    entries: dict[RecordKey, ChronologyEntry] = {}
    for entry in _events_of(session, list(person.records), relation=None, adult=None, at=at):
        entries[entry.key] = entry
    household: list[HouseholdMember] = []
    adult_entries: dict[int, list[ChronologyEntry]] = {}
    for adult_id, relation in sorted(household_adults(session, person_id).items()):
        adult_rows = record_rows(session, adult_id)
        adult = view_from_rows(adult_id, adult_rows, at=at)
        if adult.role == "child":
            continue
        household.append(HouseholdMember(adult_id, relation, adult.display_name, adult.role))
        adult_entries[adult_id] = _events_of(
            session, list(adult.records), relation=relation, adult=adult_id, at=at
        )
        for entry in adult_entries[adult_id]:
            entries.setdefault(entry.key, entry)
    own_keys = [key for key, entry in entries.items() if entry.is_own]
    for fact in new_adult_facts(person_id, own_keys, household, adult_entries):
        entries[fact.key] = fact
    ordered = sorted(entries.values(), key=lambda e: (e.occurred_at, e.recorded_at, e.agency, e.source_id))
    return Chronology(
        person_id=person_id,
        display_name=person.display_name,
        role=person.role,
        dob=person.dob,
        records=person.records,
        entries=tuple(ordered),
        household=tuple(household),
    )


def _events_of(
    session: Session,
    records: list[RecordKey],
    *,
    relation: str | None,
    adult: int | None,
    at: datetime | None,
) -> list[ChronologyEntry]:
    if not records:
        return []
    events = EventRecordRow
    query = (
        select(
            events.agency,
            events.source_id,
            events.kind,
            events.occurred_at,
            events.recorded_at,
            events.payload,
            EventParty.involvement,
        )
        .join(
            EventParty,
            and_(EventParty.agency == events.agency, EventParty.event_source_id == events.source_id),
        )
        .where(
            tuple_(EventParty.agency, EventParty.person_source_id).in_(records),
            events.held.is_(False),
        )
    )
    if at is not None:
        query = query.where(events.recorded_at <= at)
    best: dict[RecordKey, ChronologyEntry] = {}
    for row in session.execute(query):
        key = (row.agency, row.source_id)
        if key in best and best[key].involvement == "subject":
            continue
        best[key] = _entry(row, relation=relation, adult=adult)
    return list(best.values())


def _entry(row: Any, *, relation: str | None, adult: int | None) -> ChronologyEntry:
    payload: dict[str, Any] = row.payload
    return ChronologyEntry(
        agency=row.agency,
        source_id=row.source_id,
        kind=row.kind,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        attrs=payload.get("attrs") or {},
        text=payload.get("text"),
        involvement=row.involvement,
        relation=relation,
        adult_person_id=adult,
        author=payload.get("author"),
        date_precision=_precision(payload.get("date_precision")),
    )


def _precision(value: object) -> str:
    return value if isinstance(value, str) and value in DATE_PRECISIONS else "day"
