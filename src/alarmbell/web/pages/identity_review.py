"""Page data for the identity review queue: groups of pairs, and one pair side by side.

A records officer decides from this page alone, so it shows what they would otherwise look up:
the two records with every difference marked in words, who each record belongs to now (their
agencies, events, household and alert level), and why the pair is here in sentences built from
those same values (presentation/identity_words.py). MASH analysts, who may open it, see everything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from alarmbell.alerts import alerts_for
from alarmbell.chronology import build_chronology
from alarmbell.identity import PENDING, ReviewItem, get_item, list_items, pending_count, record_rows
from alarmbell.presentation import (
    FIELDS,
    FieldComparison,
    HeldIdentifier,
    OneAgency,
    Side,
    agency_label,
    compare,
    contribution_sentence,
    level_label,
    level_words,
    long_date,
    percent,
    prior_sentence,
    reason,
    short_level_words,
    shown_value,
    total_sentence,
    weight_words,
)
from alarmbell.storage.tables import PersonRecordRow
from alarmbell.web.pages.identity_weights_svg import Bar, render_weights_svg
from alarmbell.web.pages.person import HouseholdRow, household_rows

STATUSES = ("pending", "unqueued", "accepted", "rejected", "closed")
STATUS_LABELS = {
    "pending": "Waiting for a decision",
    "unqueued": "Not queued (the queue was full)",
    "accepted": "Accepted",
    "rejected": "Rejected",
    "closed": "Closed (linked since)",
}


@dataclass(frozen=True, slots=True)
class RecordSide:
    agency: str
    source_id: str
    person_id: int | None
    name: str
    dob: str


@dataclass(frozen=True, slots=True)
class ReviewRow:
    id: int
    probability: str
    status: str
    why: str
    differs: str
    left: RecordSide
    right: RecordSide


@dataclass(frozen=True, slots=True)
class ReviewGroup:
    """Pairs whose records may all be one person: decided together, as a records officer would."""

    title: str
    name: str
    records: int
    people: int
    rows: tuple[ReviewRow, ...]


@dataclass(frozen=True, slots=True)
class ReviewListPage:
    groups: tuple[ReviewGroup, ...]
    pending: int
    status: str
    status_label: str
    statuses: tuple[tuple[str, str], ...]
    done: str


@dataclass(frozen=True, slots=True)
class HeldRecord:
    agency: str
    source_id: str
    dob: str
    identifiers: str


@dataclass(frozen=True, slots=True)
class PersonContext:
    """Who a record belongs to now: what a records officer checks before joining two people."""

    person_id: int
    name: str
    records: tuple[HeldRecord, ...]
    agencies: tuple[str, ...]
    events: int
    household: tuple[HouseholdRow, ...]
    level: str
    #: Every NHS number and UPN on their records (listed under `records` on the page).
    identifiers: tuple[HeldIdentifier, ...]


@dataclass(frozen=True, slots=True)
class Weight:
    title: str
    level: str
    weight: str
    words: str
    sentence: str


@dataclass(frozen=True, slots=True)
class ReviewItemPage:
    row: ReviewRow
    fields: tuple[FieldComparison, ...]
    contexts: tuple[PersonContext | None, PersonContext | None]
    reason: tuple[str, ...]
    probability: str
    prior: str
    weights: tuple[Weight, ...]
    total: str
    match_weight: str
    model_version: str
    decided: str
    chart_svg: str
    group: ReviewGroup | None


def _raw(record: PersonRecordRow) -> dict[str, str | None]:
    return {name: getattr(record, name) for name, _ in FIELDS}


def _side(record: PersonRecordRow, person: int | None) -> RecordSide:
    name = " ".join(n for n in (record.given_name, record.family_name) if n) or "No name recorded"
    dob = shown_value("dob", record.dob) or "date of birth not recorded"
    return RecordSide(agency_label(record.agency), record.source_id, person, name, dob)


def _why(item: ReviewItem) -> str:
    """The list's short reason: the kind of doubt, naming no field (the list shows few of them),
    and whether both records come from one agency (which a records officer would not assume)."""
    note = item.review.note or ""
    if note.startswith("would link, but"):
        why = "Would link, but a safety check stopped it"
    elif note == "uncertain band":
        why = "The model was not sure"
    else:
        why = "A difference the model may not overlook"
    if item.left.agency == item.right.agency:
        return f"{why}; both records come from {agency_label(item.left.agency)}"
    return why


def _one_agency(item: ReviewItem, unique_agencies: frozenset[str]) -> OneAgency | None:
    if item.left.agency != item.right.agency:
        return None
    ids = (item.left.source_id, item.right.source_id)
    return OneAgency(agency_label(item.left.agency), ids, item.left.agency in unique_agencies)


def _row(item: ReviewItem) -> ReviewRow:
    r = item.review
    fields = compare(_raw(item.left), _raw(item.right))
    differs = [f.label + (f" ({f.note})" if f.note else "") for f in fields if f.differs]
    return ReviewRow(
        id=r.id,
        probability=percent(r.probability),
        status=r.status,
        why=_why(item),
        differs=", ".join(differs) or "Nothing recorded on both differs",
        left=_side(item.left, item.left_person),
        right=_side(item.right, item.right_person),
    )


def _person_key(item: ReviewItem, left: bool) -> tuple[str, int]:
    person = item.left_person if left else item.right_person
    record = item.review.record_a_id if left else item.review.record_b_id
    return ("person", person) if person is not None else ("record", record)


def group_items(items: Sequence[ReviewItem]) -> list[list[ReviewItem]]:
    """Items joined through a shared person (or record), in the queue's order of their best pair."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(key: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for item in items:
        parent[find(_person_key(item, True))] = find(_person_key(item, False))
    groups: dict[tuple[str, int], list[ReviewItem]] = {}
    for item in items:
        groups.setdefault(find(_person_key(item, True)), []).append(item)
    return list(groups.values())


def _group(items: Sequence[ReviewItem]) -> ReviewGroup:
    records = {r.id: r for item in items for r in (item.left, item.right)}
    people = {_person_key(item, side) for item in items for side in (True, False)}
    names = Counter(f"{r.given_name or ''} {r.family_name or ''}".strip() for r in records.values())
    name = names.most_common(1)[0][0] or "Unnamed records"
    count = len(records)
    title = f"{name}: {count} records that may be one person"
    return ReviewGroup(title, name, count, len(people), tuple(_row(i) for i in items))


def build_review_list(session: Session, *, status: str = "pending", done: str = "") -> ReviewListPage:
    chosen = status if status in STATUSES else "pending"
    items = list_items(session, status=chosen, limit=200)
    groups = tuple(_group(g) for g in group_items(items))
    statuses = tuple((s, STATUS_LABELS[s]) for s in STATUSES)
    return ReviewListPage(
        groups, pending_count(session), chosen, STATUS_LABELS[chosen], statuses, done_message(done)
    )


def done_message(done: str) -> str:
    """The redirect's `accepted-9` as a sentence; anything else (a hand-typed URL) as nothing."""
    decision, _, item = done.partition("-")
    if not item.isdigit():
        return ""
    if decision == "accepted":
        return f"Decision recorded: item {item} accepted, the two records are now one person."
    if decision == "rejected":
        return f"Decision recorded: item {item} rejected, the two records will never be linked."
    return ""


def _identifiers(record: PersonRecordRow) -> tuple[HeldIdentifier, ...]:
    held = []
    for field in ("nhs_number", "upn"):
        value = getattr(record, field)
        if value:
            held.append(
                HeldIdentifier(
                    field, shown_value(field, value), agency_label(record.agency), record.source_id
                )
            )
    return tuple(held)


def _held_record(record: PersonRecordRow) -> HeldRecord:
    ids = _identifiers(record)
    words = "; ".join(("NHS number " if i.kind == "nhs_number" else "UPN ") + i.value for i in ids)
    dob = shown_value("dob", record.dob) or "date of birth not recorded"
    return HeldRecord(agency_label(record.agency), record.source_id, dob, words or "no NHS number or UPN")


def person_context(session: Session, person_id: int | None) -> PersonContext | None:
    """The person a record belongs to now, or None for a record linked to no one."""
    chronology = build_chronology(session, person_id) if person_id is not None else None
    if chronology is None or person_id is None:
        return None
    rows = record_rows(session, person_id)
    alerts = alerts_for(session, person_id)
    return PersonContext(
        person_id=person_id,
        name=chronology.display_name,
        records=tuple(_held_record(r) for r in rows),
        agencies=tuple(sorted({agency_label(r.agency) for r in rows})),
        events=sum(1 for e in chronology.entries if e.is_own),
        household=household_rows(session, person_id),
        level=level_label(alerts[-1].level) if alerts else "No alert",
        identifiers=tuple(i for r in rows for i in _identifiers(r)),
    )


def _reason_side(context: PersonContext | None, record: PersonRecordRow) -> Side:
    """Whom the reason names for one side, and the identifiers it may quote (all on the page)."""
    if context is None:
        return Side(f"the {agency_label(record.agency)} record {record.source_id}", _identifiers(record))
    return Side(f"{context.name} (person {context.person_id})", context.identifiers)


def _weights(parts: Sequence[dict[str, object]]) -> tuple[Weight, ...]:
    out = []
    for part in parts[1:]:  # the first is the prior, explained in its own sentence
        title, level, weight = str(part["field"]), str(part["level"]), float(str(part["weight"]))
        sentence = contribution_sentence(title, level, weight)
        out.append(Weight(title, level_words(level), f"{weight:+.1f}", weight_words(weight), sentence))
    return tuple(out)


def build_review_item(
    session: Session, review_id: int, *, unique_id_agencies: Iterable[str] = ()
) -> ReviewItemPage:
    """`unique_id_agencies` (setting ALARMBELL_UNIQUE_ID_AGENCIES): for a pair of one such
    agency's records (queued before it declared), the page says what the agency declared."""
    item = get_item(session, review_id)
    r = item.review
    fields = compare(_raw(item.left), _raw(item.right))
    contexts = person_context(session, item.left_person), person_context(session, item.right_person)
    sides = (
        _reason_side(contexts[0], item.left),
        _reason_side(contexts[1], item.right),
    )
    parts = r.contributions
    prior = float(parts[0]["weight"]) if parts else 0.0
    bars = [Bar(p["field"], short_level_words(p["level"]), float(p["weight"])) for p in parts[1:]]
    bars.insert(0, Bar("Starting odds", "before any field", prior))
    return ReviewItemPage(
        row=_row(item),
        fields=fields,
        contexts=contexts,
        reason=reason(
            r.note or "",
            fields,
            sides,
            probability=r.probability,
            one_agency=_one_agency(item, frozenset(unique_id_agencies)),
        ),
        probability=percent(r.probability),
        prior=prior_sentence(prior),
        weights=_weights(parts),
        total=total_sentence(r.match_weight, r.probability),
        match_weight=f"{r.match_weight:+.1f}",
        model_version=r.model_version,
        decided=_decided(item),
        chart_svg=render_weights_svg(bars, total=r.match_weight, probability=r.probability),
        group=_group_of(session, item),
    )


def _decided(item: ReviewItem) -> str:
    r = item.review
    if not (r.decided_at and r.decided_by):
        return ""
    return f"{r.status} by {r.decided_by} on {long_date(r.decided_at)}: {r.reason}"


def _group_of(session: Session, item: ReviewItem) -> ReviewGroup | None:
    """The pending pairs this one shares a person with, if any: the rest of its group."""
    if item.review.status != PENDING:
        return None
    for members in group_items(list_items(session, status=PENDING, limit=200)):
        if len(members) > 1 and any(m.review.id == item.review.id for m in members):
            return _group(members)
    return None
