"""Reading people: their source records, how they are related, and how to show them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import groupby

from sqlalchemy import and_, or_, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from alarmbell.domain.records import RecordKey, agreed
from alarmbell.domain.timeparse import age_in_years, dob_to_date
from alarmbell.domain.vocabulary import HOUSEHOLD_ADULT_KINDS
from alarmbell.storage.tables import Person, PersonLink, PersonRecordRow, RelationshipRecordRow

#: Record rows read at a time when building views: a population's rows (194,000 at 50,000
#: children) all loaded as ORM objects before any view was made held several hundred MB at once.
VIEW_ROWS = 2_000


@dataclass(frozen=True, slots=True)
class PersonView:
    person_id: int
    display_name: str
    dob: date | None
    role: str
    records: tuple[RecordKey, ...]
    agencies: tuple[str, ...]
    #: "M" or "F" as most of the records give it; None when none says.
    sex: str | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """`other` is `kind` of this person: Relation(other=7, kind="mother") means 7 is the mother."""

    other: int
    kind: str
    agency: str


def resolve(session: Session, person_id: int) -> int | None:
    """Follow merges to the current id; None if the person does not exist."""
    seen: set[int] = set()
    current: int | None = person_id
    while current is not None and current not in seen:
        seen.add(current)
        row = session.get(Person, current)
        if row is None:
            return None
        if row.merged_into is None:
            return current
        current = row.merged_into
    return current


def merged_ids(session: Session, person_id: int) -> list[int]:
    """The person and everyone merged into them (through any chain of merges), in id order.

    What was recorded about a person before a merge (their alerts' work items) keeps their old
    id, so that an unmerge gives it back; whatever shows or routes the survivor's work reads it
    under every id merged into them, or it is on no page and a second item opens beside it."""
    found, frontier = {person_id}, [person_id]
    while frontier:
        query = select(Person.id).where(Person.merged_into.in_(frontier))
        frontier = [i for i in session.scalars(query) if i not in found]
        found.update(frontier)
    return sorted(found)


def survivors(session: Session) -> dict[int, int]:
    """Every person merged into another -> the person they now belong to (through any chain of
    merges), for reading in bulk what was recorded under either id as one person's."""
    query = select(Person.id, Person.merged_into).where(Person.merged_into.is_not(None))
    merged = {person_id: into for person_id, into in session.execute(query) if into is not None}
    found: dict[int, int] = {}
    for person_id in merged:
        seen, current = {person_id}, merged[person_id]
        while current in merged and merged[current] not in seen:  # a cycle would be a bad store
            seen.add(current)
            current = merged[current]
        found[person_id] = current
    return found


def ids_of_one_person(session: Session, person_id: int) -> list[int]:
    """Every id this person's records have been shown under: the id asked about, whom it was
    merged into, and everyone merged into them. Who viewed a child, asked by any of these, is
    the viewings of all of them: the merged-away id's page showed the same child's records."""
    current = resolve(session, person_id) or person_id
    return sorted({person_id, *merged_ids(session, current)})


def record_rows(session: Session, person_id: int) -> list[PersonRecordRow]:
    query = (
        select(PersonRecordRow)
        .join(PersonLink, PersonLink.person_record_id == PersonRecordRow.id)
        .where(PersonLink.person_id == person_id, PersonLink.ended_at.is_(None))
        .order_by(PersonRecordRow.agency, PersonRecordRow.source_id)
    )
    return list(session.scalars(query))


def all_views(session: Session) -> list[PersonView]:
    """Every linked person's view, in person order, from one query (population-wide paths)."""
    return list(_views_where(session).values())


def views_by_agency(session: Session, person_ids: Iterable[int], agency: str | None) -> dict[int, PersonView]:
    """People as `agency`'s own records give them (name, date of birth, role), from one query:
    the whole record's choice is a vote across agencies, and another agency's spelling or date
    is theirs to show. A person the agency holds no record of is left out."""
    wanted = sorted(set(person_ids))
    if not wanted or agency is None:
        return {}
    return _views_where(session, PersonLink.person_id.in_(wanted), PersonRecordRow.agency == agency)


def _views_where(session: Session, *conditions: ColumnElement[bool]) -> dict[int, PersonView]:
    """person id -> view, in person order, from the current records that meet `conditions`."""
    query = (
        select(PersonLink.person_id, PersonRecordRow)
        .join(PersonLink, PersonLink.person_record_id == PersonRecordRow.id)
        .where(PersonLink.ended_at.is_(None), *conditions)
        .order_by(PersonLink.person_id, PersonRecordRow.agency, PersonRecordRow.source_id)
    )
    rows = session.execute(query.execution_options(yield_per=VIEW_ROWS))
    return {
        person_id: view_from_rows(person_id, [row[1] for row in group])
        for person_id, group in groupby(rows, key=lambda row: row[0])
    }


def person_ids_for_records(session: Session, keys: list[RecordKey]) -> dict[RecordKey, int]:
    if not keys:
        return {}
    query = (
        select(PersonRecordRow.agency, PersonRecordRow.source_id, PersonLink.person_id)
        .join(PersonLink, PersonLink.person_record_id == PersonRecordRow.id)
        .where(
            PersonLink.ended_at.is_(None),
            tuple_(PersonRecordRow.agency, PersonRecordRow.source_id).in_(keys),
        )
    )
    return {(a, s): p for a, s, p in session.execute(query)}


def view(session: Session, person_id: int, *, at: datetime | None = None) -> PersonView | None:
    rows = record_rows(session, person_id)
    if not rows:
        return None
    return view_from_rows(person_id, rows, at=at)


def view_from_rows(person_id: int, rows: list[PersonRecordRow], *, at: datetime | None = None) -> PersonView:
    """The person as their records give them, from rows in (agency, source_id) order with the
    record columns read here and `batch_id`, which load is newest (every reader selects them)."""
    display = agreed_name(rows) or f"Person {person_id}"
    dobs = Counter(r.dob for r in rows if r.dob and len(r.dob) == 10)
    dob = dob_to_date(dobs.most_common(1)[0][0]) if dobs else None
    return PersonView(
        person_id=person_id,
        display_name=display,
        dob=dob,
        role=_role(rows, dob, at or datetime.now(UTC)),
        records=tuple((r.agency, r.source_id) for r in rows),
        agencies=tuple(sorted({r.agency for r in rows})),
        sex=recorded_sex(rows),
    )


def recorded_sex(rows: list[PersonRecordRow]) -> str | None:
    counts = Counter(r.sex for r in rows if r.sex in ("M", "F"))
    return counts.most_common(1)[0][0] if counts else None


def agreed_name(rows: list[PersonRecordRow]) -> str | None:
    """The name most of the records give; of names given equally often, the newest record's.

    One agency's typo, even in its newest record, does not rename a person the other records
    agree on. A tie goes to the record of the latest load (batch), not to whichever agency's
    name sorts first. Records sent in one load carry no order in time, so among those the first
    in agency order is taken, as it always was: `rows` reversed, then sorted by batch (stably),
    puts it last, where `agreed` looks for the newest.
    """
    named = [r for r in reversed(rows) if r.given_name and r.family_name]
    named.sort(key=lambda r: r.batch_id or 0)
    return agreed([f"{r.given_name} {r.family_name}" for r in named])


def _role(rows: list[PersonRecordRow], dob: date | None, at: datetime) -> str:
    hints = Counter(r.role_hint for r in rows if r.role_hint)
    if hints:
        return hints.most_common(1)[0][0]
    if dob is not None:
        return "child" if age_in_years(dob, at) < 18 else "adult"
    return "unknown"


def relations(session: Session, person_id: int) -> list[Relation]:
    """Every relationship any agency recorded between this person and another linked person."""
    own = [(r.agency, r.source_id) for r in record_rows(session, person_id)]
    if not own:
        return []
    rel = RelationshipRecordRow
    conditions = [
        or_(
            and_(rel.agency == a, rel.to_source_id == s),
            and_(rel.agency == a, rel.from_source_id == s),
        )
        for a, s in own
    ]
    rows = list(session.scalars(select(rel).where(or_(*conditions))))
    ends = {(r.agency, r.from_source_id) for r in rows} | {(r.agency, r.to_source_id) for r in rows}
    people = person_ids_for_records(session, sorted(ends))
    own_set = set(own)
    out: list[Relation] = []
    for r in rows:
        source, target = (r.agency, r.from_source_id), (r.agency, r.to_source_id)
        if target in own_set and source in people and people[source] != person_id:
            out.append(Relation(other=people[source], kind=r.kind, agency=r.agency))
        elif source in own_set and target in people and people[target] != person_id:
            out.append(Relation(other=people[target], kind=_inverse(r.kind), agency=r.agency))
    return out


def _inverse(kind: str) -> str:
    """If A is B's mother, B is A's child; siblings and household members are symmetric."""
    return kind if kind in ("sibling", "household_member", "other") else "child_of_" + kind


def household_adults(session: Session, person_id: int) -> dict[int, str]:
    """Adults whose events bear on this person's chronology: person id -> their relation."""
    adults: dict[int, str] = {}
    for relation in relations(session, person_id):
        if relation.kind in HOUSEHOLD_ADULT_KINDS:
            adults.setdefault(relation.other, relation.kind)
    return adults


def link_history(session: Session, person_id: int) -> list[str]:
    """Every link this person has held, oldest first, ended ones included: the audit of identity."""
    query = (
        select(PersonLink, PersonRecordRow.agency, PersonRecordRow.source_id)
        .join(PersonRecordRow, PersonRecordRow.id == PersonLink.person_record_id)
        .where(PersonLink.person_id == person_id)
        .order_by(PersonLink.created_at, PersonLink.id)
    )
    lines = []
    for link, agency, source_id in session.execute(query):
        state = f"ended {link.ended_at:%Y-%m-%d %H:%M} ({link.ended_reason})" if link.ended_at else "active"
        lines.append(
            f"{link.created_at:%Y-%m-%d %H:%M}  {agency}:{source_id}  {link.method}  by {link.decided_by}  "
            f"[{state}]  {link.evidence or ''}"
        )
    return lines
