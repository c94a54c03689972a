"""Households over time: the adults around a child, and when each new one appeared.

An adult belongs to a child's household by a recorded relationship (any agency) or, more
weakly, by sharing the child's full postcode and family name. A parent is there from the
start; any other adult (a mother's partner, a carer, a lodger) "joins" at the first moment the
agencies' records tie them to the child: the earliest recorded event naming both the adult and
the child or one of the child's parents, else the adult's first recorded event. That moment
becomes a derived `new_adult_in_household` fact, shaped like any other chronology entry, which
the policy can weigh (men in the household unknown to agencies recur in serious case reviews).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.orm import Session

from alarmbell.domain.chronology import ChronologyEntry
from alarmbell.domain.records import RecordKey
from alarmbell.domain.vocabulary import HOUSEHOLD_ADULT_KINDS
from alarmbell.identity.people import record_rows, relations, view_from_rows
from alarmbell.storage.tables import EventParty, EventRecordRow, PersonLink, PersonRecordRow

KIND = "new_adult_in_household"
PARENTS = frozenset({"mother", "father"})


@dataclass(frozen=True, slots=True)
class HouseholdAdult:
    person_id: int
    relation: str
    evidence: str  # "relationship" (recorded by an agency) or "shared postcode and family name"


def household_adults_over_time(session: Session, child_id: int) -> list[HouseholdAdult]:
    """Adults linked to the child by a relationship, then adults sharing postcode and surname."""
    found: dict[int, HouseholdAdult] = {}
    for relation in relations(session, child_id):
        if relation.kind in HOUSEHOLD_ADULT_KINDS and relation.other not in found:
            found[relation.other] = HouseholdAdult(relation.other, relation.kind, "relationship")
    for adult in _postcode_adults(session, child_id):
        found.setdefault(adult, HouseholdAdult(adult, "household_member", "shared postcode and family name"))
    return sorted(found.values(), key=lambda a: a.person_id)


def _postcode_adults(session: Session, child_id: int) -> list[int]:
    rows = record_rows(session, child_id)
    keys = {(r.postcode, (r.family_name or "").lower()) for r in rows if r.postcode and r.family_name}
    if not keys:
        return []
    query = (
        select(PersonLink.person_id)
        .join(PersonRecordRow, PersonRecordRow.id == PersonLink.person_record_id)
        .where(
            PersonLink.ended_at.is_(None),
            PersonLink.person_id != child_id,
            PersonRecordRow.role_hint == "adult",
            tuple_(PersonRecordRow.postcode, func.lower(PersonRecordRow.family_name)).in_(sorted(keys)),
        )
        .distinct()
    )
    return sorted(session.scalars(query))


def _first_recorded(session: Session, records: list[RecordKey], others: list[RecordKey]) -> datetime | None:
    """Earliest recorded_at of an event naming one of `records` and (if given) one of `others`."""
    if not records:
        return None
    mine = select(EventParty.agency, EventParty.event_source_id).where(
        tuple_(EventParty.agency, EventParty.person_source_id).in_(records)
    )
    query = select(func.min(EventRecordRow.recorded_at)).where(
        tuple_(EventRecordRow.agency, EventRecordRow.source_id).in_(mine), EventRecordRow.held.is_(False)
    )
    if others:
        theirs = select(EventParty.agency, EventParty.event_source_id).where(
            tuple_(EventParty.agency, EventParty.person_source_id).in_(others)
        )
        query = query.where(and_(tuple_(EventRecordRow.agency, EventRecordRow.source_id).in_(theirs)))
    value = session.scalar(query)
    return value if isinstance(value, datetime) else None


def new_adult_events(session: Session, child_id: int) -> list[ChronologyEntry]:
    """Derived facts "a new adult joined the household", one per non-parent adult, in time order."""
    adults = household_adults_over_time(session, child_id)
    parents = [a.person_id for a in adults if a.relation in PARENTS]
    anchor: list[RecordKey] = [(r.agency, r.source_id) for r in record_rows(session, child_id)]
    for parent in parents:
        anchor += [(r.agency, r.source_id) for r in record_rows(session, parent)]
    out = []
    for adult in adults:
        if adult.relation in PARENTS:
            continue
        entry = _entry(session, child_id, adult, anchor)
        if entry is not None:
            out.append(entry)
    return sorted(out, key=lambda e: (e.occurred_at, e.source_id))


def _entry(
    session: Session, child_id: int, adult: HouseholdAdult, anchor: list[RecordKey]
) -> ChronologyEntry | None:
    rows = record_rows(session, adult.person_id)
    view = view_from_rows(adult.person_id, rows)
    if view.role == "child":
        return None
    records: list[RecordKey] = [(r.agency, r.source_id) for r in rows]
    joined = _first_recorded(session, records, anchor) or _first_recorded(session, records, [])
    if joined is None:
        return None
    label = adult.relation.replace("_", " ")
    return ChronologyEntry(
        agency=rows[0].agency,
        source_id=f"derived:{KIND}:{child_id}:{adult.person_id}",
        kind=KIND,
        occurred_at=joined,
        recorded_at=joined,
        attrs={"adult_person_id": adult.person_id, "relation": adult.relation, "evidence": adult.evidence},
        text=f"{view.display_name} ({label}) first appears in the child's household ({adult.evidence})",
        involvement="subject",
        relation=adult.relation,
        adult_person_id=adult.person_id,
    )
