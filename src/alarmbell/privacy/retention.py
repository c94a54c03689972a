"""Retention: find people whose records are past retention, and (only when told) delete them.

A person is past retention when they are older than `retention_age_years` and no agency has
recorded an event naming them for `retention_quiet_years` (docs/security.md, "Retention").
People without a known date of birth are never selected automatically. Deleting removes the
source records an agency sent about them (person records and their history, events naming only
them, relationships), the links and review items built on them, and their alerts and grants.
The person id stays (ids are never reused) and the audit log is kept: it has its own period and
its hash chain must stay whole. Each purge is itself audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, delete, func, or_, select, tuple_
from sqlalchemy.orm import Session

from alarmbell.domain.timeparse import age_in_years
from alarmbell.identity import record_rows, view
from alarmbell.storage.tables import (
    AlertOverride,
    AlertRow,
    BreakGlassGrant,
    EventParty,
    EventRecordRow,
    IdentityDecision,
    IdentityReview,
    Person,
    PersonLink,
    PersonRecordRow,
    RecordHistory,
    RelationshipRecordRow,
    ReviewGrant,
)


@dataclass(frozen=True, slots=True)
class Candidate:
    person_id: int
    age: int
    last_event: date | None


def past_retention(
    session: Session, *, age_years: int, quiet_years: int, now: datetime | None = None
) -> list[Candidate]:
    now = now or datetime.now(UTC)
    found = []
    for person_id in session.scalars(
        select(Person.id).where(Person.merged_into.is_(None)).order_by(Person.id)
    ):
        person = view(session, person_id, at=now)
        if person is None or person.dob is None:
            continue
        age = age_in_years(person.dob, now)
        if age <= age_years:
            continue
        last = _last_event(session, person.records)
        if last is None or age_in_years(last, now) >= quiet_years:
            found.append(Candidate(person_id, int(age), last))
    return found


def _last_event(session: Session, keys: Sequence[tuple[str, str]]) -> date | None:
    query = (
        select(func.max(EventRecordRow.occurred_at))
        .join(
            EventParty,
            and_(
                EventParty.agency == EventRecordRow.agency,
                EventParty.event_source_id == EventRecordRow.source_id,
            ),
        )
        .where(tuple_(EventParty.agency, EventParty.person_source_id).in_(list(keys)))
    )
    value = session.scalar(query)
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date()


def purge_person(session: Session, person_id: int) -> dict[str, int]:
    """Delete what is held about one person (see module docstring); returns rows deleted per table."""
    rows = record_rows(session, person_id)
    record_ids = [r.id for r in rows]
    keys = [(r.agency, r.source_id) for r in rows]
    counts: dict[str, int] = {}

    def run(name: str, statement: object) -> None:
        counts[name] = counts.get(name, 0) + int(session.execute(statement).rowcount or 0)  # type: ignore[call-overload]

    if keys:
        events = _events_only_about(session, keys)
        run(
            "event_party",
            delete(EventParty).where(tuple_(EventParty.agency, EventParty.person_source_id).in_(keys)),
        )
        if events:
            run(
                "event_record",
                delete(EventRecordRow).where(
                    tuple_(EventRecordRow.agency, EventRecordRow.source_id).in_(events)
                ),
            )
            run("record_history", _history("event", events))
        rel = RelationshipRecordRow
        touching = [
            and_(rel.agency == a, or_(rel.from_source_id == s, rel.to_source_id == s)) for a, s in keys
        ]
        run("relationship_record", delete(rel).where(or_(*touching)))
        run("record_history", _history("person", keys))
    if record_ids:
        run(
            "identity_decision",
            delete(IdentityDecision).where(
                or_(
                    IdentityDecision.record_a_id.in_(record_ids), IdentityDecision.record_b_id.in_(record_ids)
                )
            ),
        )
        run(
            "identity_review",
            delete(IdentityReview).where(
                or_(IdentityReview.record_a_id.in_(record_ids), IdentityReview.record_b_id.in_(record_ids))
            ),
        )
        run("person_link", delete(PersonLink).where(PersonLink.person_record_id.in_(record_ids)))
        run("person_record", delete(PersonRecordRow).where(PersonRecordRow.id.in_(record_ids)))
    run("alert_override", delete(AlertOverride).where(AlertOverride.person_id == person_id))
    run("alert", delete(AlertRow).where(AlertRow.person_id == person_id))
    run("break_glass_grant", delete(BreakGlassGrant).where(BreakGlassGrant.person_id == person_id))
    run("review_grant", delete(ReviewGrant).where(ReviewGrant.person_id == person_id))
    return {k: v for k, v in counts.items() if v}


def _events_only_about(session: Session, keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Events naming this person and no one else (shared events stay: they are others' records too)."""
    mine = select(EventParty.agency, EventParty.event_source_id).where(
        tuple_(EventParty.agency, EventParty.person_source_id).in_(keys)
    )
    candidates = {(a, s) for a, s in session.execute(mine)}
    if not candidates:
        return []
    everyone = select(EventParty.agency, EventParty.event_source_id, EventParty.person_source_id).where(
        tuple_(EventParty.agency, EventParty.event_source_id).in_(sorted(candidates))
    )
    own = set(keys)
    shared = {(a, e) for a, e, p in session.execute(everyone) if (a, p) not in own}
    return sorted(candidates - shared)


def _history(record_type: str, keys: list[tuple[str, str]]) -> object:
    return delete(RecordHistory).where(
        RecordHistory.record_type == record_type,
        tuple_(RecordHistory.agency, RecordHistory.source_id).in_(keys),
    )
