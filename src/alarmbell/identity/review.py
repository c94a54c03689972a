"""The review queue and human identity decisions, audited and binding on every later run.

Pairs in the uncertain band (and pairs the model would link but a safety check refused) wait
here for a person to decide. Each decision is an `IdentityDecision` row written in the same
transaction as its effect: accepting merges the two people, rejecting keeps them apart for
good, and an unmerge both restores the old person and rejects the pair so no rule re-joins it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alarmbell.domain.errors import ServiceError
from alarmbell.identity.merges import merge_people, unmerge_person
from alarmbell.identity.model import TrainedModel
from alarmbell.identity.probabilistic import Edge, contributions
from alarmbell.identity.serial import hold_identity_lock
from alarmbell.storage.tables import IdentityDecision, IdentityReview, PersonLink, PersonRecordRow

PENDING, ACCEPTED, REJECTED, CLOSED = "pending", "accepted", "rejected", "closed"
#: A pair the cluster guard refused when the queue was at its budget: kept, counted and listable
#: (`identity review list --status unqueued`), not pending; it can be decided as a pending pair can.
UNQUEUED = "unqueued"
#: Statuses still waiting for a person (decidable, and closed once the records become one person).
OPEN = (PENDING, UNQUEUED)


class ReviewError(ServiceError):
    """A decision that cannot be made as asked (unknown item, already decided, no reason)."""


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def decision_pairs(session: Session) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(accepted, rejected) record pairs: the latest accept or reject of each pair wins."""
    query = (
        select(IdentityDecision.record_a_id, IdentityDecision.record_b_id, IdentityDecision.kind)
        .where(IdentityDecision.kind.in_(("accept", "reject")))
        .order_by(IdentityDecision.id)
    )
    latest: dict[tuple[int, int], str] = {}
    for a, b, kind in session.execute(query):
        if a is not None and b is not None:
            latest[_pair(a, b)] = kind
    accepted = [pair for pair, kind in latest.items() if kind == "accept"]
    rejected = [pair for pair, kind in latest.items() if kind == "reject"]
    return accepted, rejected


def current_people(session: Session, record_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(set(record_ids))
    if not ids:
        return {}
    query = select(PersonLink.person_record_id, PersonLink.person_id).where(
        PersonLink.ended_at.is_(None), PersonLink.person_record_id.in_(ids)
    )
    return {record: person for record, person in session.execute(query)}


def enqueue(
    session: Session, items: list[tuple[Edge, str]], model: TrainedModel, *, status: str = PENDING
) -> int:
    """Add undecided pairs still in different people, with `status` (PENDING, or UNQUEUED for the
    cluster guard's refusals past the review budget); returns how many were added."""
    if not items:
        return 0
    people = current_people(session, [r for edge, _ in items for r in edge.key])
    known = {
        (a, b) for a, b in session.execute(select(IdentityReview.record_a_id, IdentityReview.record_b_id))
    }
    accepted, rejected = decision_pairs(session)
    decided = set(accepted) | set(rejected)
    now = datetime.now(UTC)
    added = 0
    for edge, note in items:
        a, b = edge.key
        if edge.key in known or edge.key in decided or people.get(a) == people.get(b):
            continue
        session.add(_review_row(edge, note, model, now, status))
        known.add(edge.key)
        added += 1
    session.flush()
    return added


def _review_row(edge: Edge, note: str, model: TrainedModel, now: datetime, status: str) -> IdentityReview:
    parts = contributions(edge.pair, model)
    return IdentityReview(
        record_a_id=edge.key[0],
        record_b_id=edge.key[1],
        probability=edge.pair.probability,
        match_weight=edge.pair.match_weight,
        model_version=model.version,
        contributions=[{"field": c.field, "level": c.level, "weight": c.weight} for c in parts],
        note=note,
        status=status,
        created_at=now,
    )


def close_resolved(session: Session) -> int:
    """Pending (or unqueued) items whose two records have since become one person need no decision."""
    rows = session.scalars(select(IdentityReview).where(IdentityReview.status.in_(OPEN))).all()
    people = current_people(session, [r for row in rows for r in (row.record_a_id, row.record_b_id)])
    closed = 0
    for row in rows:
        person = people.get(row.record_a_id)
        if person is not None and person == people.get(row.record_b_id):
            row.status = CLOSED
            row.decided_at = datetime.now(UTC)
            row.reason = f"linked since (both records are person {person})"
            closed += 1
    return closed


@dataclass(frozen=True, slots=True)
class ReviewItem:
    review: IdentityReview
    left: PersonRecordRow
    right: PersonRecordRow
    left_person: int | None
    right_person: int | None


def pending_count(session: Session) -> int:
    query = select(func.count()).select_from(IdentityReview).where(IdentityReview.status == PENDING)
    return int(session.scalar(query) or 0)


def list_items(session: Session, *, status: str | None = PENDING, limit: int = 50) -> list[ReviewItem]:
    """Queue items, most probable first (the likeliest links are the quickest to confirm)."""
    query = select(IdentityReview).order_by(IdentityReview.probability.desc(), IdentityReview.id).limit(limit)
    if status is not None:
        query = query.where(IdentityReview.status == status)
    return [_item(session, row) for row in session.scalars(query)]


def get_item(session: Session, review_id: int) -> ReviewItem:
    row = session.get(IdentityReview, review_id)
    if row is None:
        raise ReviewError(
            f"no review item {review_id} (see `alarmbell identity review list`)", category="not_found"
        )
    return _item(session, row)


def _item(session: Session, row: IdentityReview) -> ReviewItem:
    left = session.get(PersonRecordRow, row.record_a_id)
    right = session.get(PersonRecordRow, row.record_b_id)
    assert left is not None and right is not None
    people = current_people(session, (row.record_a_id, row.record_b_id))
    return ReviewItem(row, left, right, people.get(row.record_a_id), people.get(row.record_b_id))


def _record_decision(
    session: Session,
    kind: str,
    *,
    by: str,
    reason: str,
    pair: tuple[int, int] | None = None,
    people: tuple[int | None, int | None] = (None, None),
    review_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> IdentityDecision:
    if not by.strip() or not reason.strip():
        raise ReviewError("an identity decision needs who made it and why")
    row = IdentityDecision(
        kind=kind,
        record_a_id=pair[0] if pair else None,
        record_b_id=pair[1] if pair else None,
        person_a=people[0],
        person_b=people[1],
        review_id=review_id,
        decided_by=by,
        decided_at=datetime.now(UTC),
        reason=reason,
        detail=detail or {},
    )
    session.add(row)
    session.flush()
    return row


def _open(session: Session, review_id: int) -> ReviewItem:
    item = get_item(session, review_id)
    if item.review.status not in OPEN:
        raise ReviewError(f"review item {review_id} is already {item.review.status}", category="conflict")
    return item


def accept(session: Session, review_id: int, *, by: str, reason: str) -> int:
    """The two records are one person: merge their people (younger id into older); returns it."""
    hold_identity_lock(session)  # read the links as the last identity writer left them
    item = _open(session, review_id)
    pair = (item.review.record_a_id, item.review.record_b_id)
    people = (item.left_person, item.right_person)
    decision = _record_decision(
        session, "accept", by=by, reason=reason, pair=pair, people=people, review_id=review_id
    )
    _close(item.review, ACCEPTED, by, reason)
    if item.left_person is None or item.right_person is None or item.left_person == item.right_person:
        return item.left_person or item.right_person or 0
    survivor, other = sorted((item.left_person, item.right_person))
    evidence = f"review item {review_id} accepted by {by} (decision {decision.id}): {reason}"
    merge_people(session, other, survivor, decided_by=by, evidence=evidence)
    session.flush()
    close_resolved(session)  # the rest of its group, now one person, needs no decision
    return survivor


def reject(session: Session, review_id: int, *, by: str, reason: str) -> None:
    """The two records are different people: never link them, whatever later runs score."""
    item = _open(session, review_id)
    pair = (item.review.record_a_id, item.review.record_b_id)
    _record_decision(
        session,
        "reject",
        by=by,
        reason=reason,
        pair=pair,
        people=(item.left_person, item.right_person),
        review_id=review_id,
    )
    _close(item.review, REJECTED, by, reason)


def _close(row: IdentityReview, status: str, by: str, reason: str) -> None:
    row.status = status
    row.decided_at = datetime.now(UTC)
    row.decided_by = by
    row.reason = reason


def merge(session: Session, source: int, target: int, *, by: str, reason: str) -> None:
    """A person decided two people are one: merge and accept a pair so re-runs keep it."""
    if source == target:
        raise ReviewError(f"person {source} cannot be merged into itself: give two different person ids")
    hold_identity_lock(session)  # read the links as the last identity writer left them
    pair = _representatives(session, source, target)
    _record_decision(session, "merge", by=by, reason=reason, people=(source, target))
    _record_decision(session, "accept", by=by, reason=f"merge: {reason}", pair=pair, people=(source, target))
    merge_people(session, source, target, decided_by=by, evidence=f"merged by {by}: {reason}")


def unmerge(session: Session, source: int, *, by: str, reason: str) -> int:
    """Restore a merged-away person; reject the pairs that joined them so nothing re-joins them."""
    hold_identity_lock(session)  # read the links as the last identity writer left them
    if not by.strip() or not reason.strip():
        raise ReviewError("an identity decision needs who made it and why")
    left, records = unmerge_person(session, source, decided_by=by, reason=reason)
    _record_decision(
        session, "unmerge", by=by, reason=reason, people=(source, left), detail={"records": records}
    )
    for pair in _pairs_to_reject(session, source, left):
        _record_decision(
            session, "reject", by=by, reason=f"unmerge: {reason}", pair=pair, people=(source, left)
        )
    return left


def _representatives(session: Session, a: int, b: int) -> tuple[int, int]:
    people = _records_of(session, a), _records_of(session, b)
    if not people[0] or not people[1]:
        raise ReviewError(f"person {a if not people[0] else b} has no linked records")
    return _pair(people[0][0], people[1][0])


def _records_of(session: Session, person: int) -> list[int]:
    query = select(PersonLink.person_record_id).where(
        PersonLink.person_id == person, PersonLink.ended_at.is_(None)
    )
    return sorted(session.scalars(query))


def _pairs_to_reject(session: Session, source: int, left: int) -> list[tuple[int, int]]:
    """One representative pair, plus every accepted pair that spans the two restored people."""
    mine, theirs = set(_records_of(session, source)), set(_records_of(session, left))
    pairs = {_representatives(session, source, left)} if mine and theirs else set()
    accepted, _ = decision_pairs(session)
    for a, b in accepted:
        if (a in mine and b in theirs) or (a in theirs and b in mine):
            pairs.add((a, b))
    return sorted(pairs)
