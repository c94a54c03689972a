"""Assembling a chronology from rows already read: the one home for the per-child view and rescore.

`build_chronology` reads one person's rows with a few queries; `alerts.rescore` reads a whole
share of the population in two streaming queries. Both select events with `event_columns()`
and hand the rows here, so the two paths cannot drift apart (they had: rescore's entries lost
the author and the date precision that the per-child view showed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
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
#: Another child of the household, with the rows of every event naming that child.
ChildEvents = tuple[HouseholdMember, Iterable[Sequence[Any]]]

#: How an adult is related to the child when the adult's other children share the child's home.
PARENTAL_KINDS: frozenset[str] = frozenset(
    {"mother", "father", "step_parent", "mother_partner", "father_partner", "carer"}
)


#: What a child is to a parental adult, seen from the adult (`identity.people._inverse`).
_CHILD_OF_PARENT: frozenset[str] = frozenset("child_of_" + kind for kind in PARENTAL_KINDS)


def parental_adults(own: Iterable[tuple[int, str]]) -> set[int]:
    """The person's parents and their partners (whose other children share the home)."""
    return {other for other, kind in own if kind in PARENTAL_KINDS}


def household_children(
    person_id: int,
    own: Iterable[tuple[int, str]],
    adults: Mapping[int, Iterable[tuple[int, str]]],
) -> list[int]:
    """The other children of the person's household, in id order.

    `own` is the person's relations as (other person, what the other is to the person);
    `adults` the same for each of the person's parents and their partners. A household child is
    one recorded as a sibling, or as a child of one of those adults (a half- or step-sibling the
    agencies never linked to the child directly). Both chronology builders call this, so the
    per-child view and the batch rescore find the same children.
    """
    found = {other for other, kind in own if kind == "sibling"}
    for adult in parental_adults(own):
        found.update(child for child, kind in adults.get(adult, ()) if kind in _CHILD_OF_PARENT)
    found.discard(person_id)
    return sorted(found)


def other_child_member(person: PersonView, other: PersonView) -> HouseholdMember:
    """A household child, `twin` when both dates of birth are known and the same."""
    twin = person.dob is not None and person.dob == other.dob
    return HouseholdMember(
        other.person_id, "twin" if twin else "sibling", other.display_name, other.role, dob=other.dob
    )


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
    person: PersonView,
    own_rows: Iterable[Sequence[Any]],
    adults: Iterable[AdultEvents],
    children: Iterable[ChildEvents] = (),
) -> Chronology:
    """The person's own events, then each household adult's (own entries win a shared event),
    then the facts derived from the household (a new adult appearing), in time order; and the
    other household children's own events (`_other_child_entries`)."""
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
    children = list(children)
    apart = _other_child_entries(entries, children)
    ordered = sorted(entries.values(), key=_order)
    return Chronology(
        person_id=person.person_id,
        display_name=person.display_name,
        role=person.role,
        dob=person.dob,
        records=person.records,
        entries=tuple(ordered),
        household=tuple(household),
        other_children=tuple(member for member, _ in children),
        other_child_entries=tuple(sorted(apart, key=_order)),
    )


def _order(entry: ChronologyEntry) -> tuple[Any, ...]:
    return (entry.occurred_at, entry.recorded_at, entry.agency, entry.source_id)


def _other_child_entries(
    entries: dict[RecordKey, ChronologyEntry], children: Iterable[ChildEvents]
) -> list[ChronologyEntry]:
    """Mark the entries of events another household child was a subject of; return the rest.

    An event already in the chronology (a parent took the sibling to hospital and is named on
    it) is marked in place, unless the person was a subject of it too (then it is their own). An
    event naming only the other child is returned, to be kept apart from the chronology's
    entries.
    """
    apart: dict[RecordKey, ChronologyEntry] = {}
    for member, rows in children:
        for entry in entries_from_rows(rows, relation=member.relation, adult=None):
            if entry.involvement != "subject" or entry.key in apart:
                continue
            known = entries.get(entry.key)
            if known is None:
                apart[entry.key] = replace(entry, other_child=member.person_id)
            elif known.other_child is None and not (known.is_own and known.involvement == "subject"):
                entries[entry.key] = replace(known, other_child=member.person_id)
    return list(apart.values())


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
