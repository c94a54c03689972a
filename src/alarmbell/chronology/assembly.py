"""Assembling a chronology from rows already read: the one home for the per-child view and rescore.

`build_chronology` reads one person's rows with a few queries; `alerts.rescore` reads a whole
share of the population in two streaming queries. Both select events with `event_columns()`
and hand the rows here, so the two paths cannot drift apart (they had: rescore's entries lost
the author and the date precision that the per-child view showed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import Text, type_coerce

from alarmbell.domain.chronology import Chronology, ChronologyEntry, HouseholdMember
from alarmbell.domain.household_facts import new_adult_facts
from alarmbell.domain.records import RecordKey
from alarmbell.domain.wording import DATE_PRECISIONS
from alarmbell.identity import PersonView
from alarmbell.storage.tables import EventParty, EventRecordRow

#: Where `recorded_at` sits in an event row (rescore reads it before building anything).
RECORDED_AT = 4

#: A household adult of the chronology's person, with the rows of every event naming that adult.
AdultEvents = tuple[HouseholdMember, Iterable[Sequence[Any]]]


def event_columns() -> tuple[Any, ...]:
    """What each reader selects first for an event: agency, source id, kind, occurred, recorded,
    payload (as JSON text, parsed once here) and the party's involvement."""
    events = EventRecordRow
    return (
        events.agency,
        events.source_id,
        events.kind,
        events.occurred_at,
        events.recorded_at,
        type_coerce(events.payload, Text).label("payload"),
        EventParty.involvement,
    )


def assemble_chronology(
    person: PersonView, own_rows: Iterable[Sequence[Any]], adults: Iterable[AdultEvents]
) -> Chronology:
    """The person's own events, then each household adult's (own entries win a shared event),
    then the facts derived from the household (a new adult appearing), in time order."""
    entries: dict[RecordKey, ChronologyEntry] = {
        entry.key: entry for entry in entries_from_rows(own_rows, relation=None, adult=None)
    }
    own_keys = list(entries)
    household: list[HouseholdMember] = []
    adult_entries: dict[int, list[ChronologyEntry]] = {}
    for member, rows in adults:
        household.append(member)
        adult_entries[member.person_id] = entries_from_rows(
            rows, relation=member.relation, adult=member.person_id
        )
        for entry in adult_entries[member.person_id]:
            entries.setdefault(entry.key, entry)
    for fact in new_adult_facts(person.person_id, own_keys, household, adult_entries):
        entries[fact.key] = fact
    ordered = sorted(entries.values(), key=lambda e: (e.occurred_at, e.recorded_at, e.agency, e.source_id))
    return Chronology(
        person_id=person.person_id,
        display_name=person.display_name,
        role=person.role,
        dob=person.dob,
        records=person.records,
        entries=tuple(ordered),
        household=tuple(household),
    )


def entries_from_rows(
    rows: Iterable[Sequence[Any]], *, relation: str | None, adult: int | None
) -> list[ChronologyEntry]:
    """One entry per event; where the person is party twice, the subject involvement wins."""
    best: dict[RecordKey, ChronologyEntry] = {}
    for row in rows:
        key = (row[0], row[1])
        if key in best and best[key].involvement == "subject":
            continue
        best[key] = _entry(row, relation=relation, adult=adult)
    return list(best.values())


def _entry(row: Sequence[Any], *, relation: str | None, adult: int | None) -> ChronologyEntry:
    payload = row[5]
    data: dict[str, Any] = orjson.loads(payload) if isinstance(payload, str | bytes) else payload
    return ChronologyEntry(
        agency=row[0],
        source_id=row[1],
        kind=row[2],
        occurred_at=row[3],
        recorded_at=row[4],
        attrs=data.get("attrs") or {},
        text=data.get("text"),
        involvement=row[6],
        relation=relation,
        adult_person_id=adult,
        author=data.get("author"),
        date_precision=_precision(data.get("date_precision")),
    )


def _precision(value: object) -> str:
    return value if isinstance(value, str) and value in DATE_PRECISIONS else "day"
