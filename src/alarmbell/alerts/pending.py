"""Refreshing the alerts of everyone due, whichever run left them due.

An intake used to evaluate only the people its own batch touched, so a run killed after its
records were committed (or an API call that failed after committing) left those people never
evaluated: the re-run found every record unchanged and evaluated nobody. Now every intake (CLI,
API, form), `link` and `rescore` ends by evaluating all people marked due in the store
(storage/evaluation_due.py), and takes the marks off in the same transaction as the alerts.
A crash before that commit leaves the marks; evaluating someone twice stores nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session, aliased

from alarmbell.alerts.service import evaluate_and_store, live_people
from alarmbell.domain.alerts import EvidenceUpdate
from alarmbell.policy import Policy
from alarmbell.storage.evaluation_due import clear_due, due_marks
from alarmbell.storage.tables import EvaluationDue, PersonLink, PersonRecordRow, RelationshipRecordRow

SLICE = 500


@dataclass(frozen=True, slots=True)
class DueWork:
    """The due rows read (to take off once evaluated) and the people they call for."""

    marks: tuple[int, ...]
    people: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DueRefresh:
    people: int
    created: int
    #: The highest alert id before this refresh's own (None if it stored none): see StoredAlerts.
    after_id: int | None = None


def take_due(session: Session) -> DueWork:
    """The people marked due, and everyone related to them (a child sees their adults' events)."""
    marks = due_marks(session.connection())
    if not marks:
        return DueWork((), ())
    marked = marked_people(session, marks)
    return DueWork(tuple(marks), tuple(sorted(marked | related_people(session, marked))))


def marked_people(session: Session, marks: list[int]) -> set[int]:
    """Live people holding a due record. Records not linked yet are skipped: linking marks them."""
    due, record, link = EvaluationDue, PersonRecordRow, PersonLink
    query = (
        select(due.id, link.person_id)
        .select_from(due)
        .join(record, and_(record.agency == due.agency, record.source_id == due.source_id))
        .join(link, and_(link.person_record_id == record.id, link.ended_at.is_(None)))
        .where(due.id.between(marks[0], marks[-1]))
    )
    taken = set(marks)  # not the rows in between that another refresh holds
    return {person for mark, person in session.execute(query) if mark in taken}


def related_people(session: Session, people: Iterable[int]) -> set[int]:
    """Everyone a relationship record joins to one of `people`, seen from either end."""
    found: set[int] = set()
    for part in _slices(sorted(people)):
        for near, far in (("from_source_id", "to_source_id"), ("to_source_id", "from_source_id")):
            found.update(session.scalars(_relations_query(part, near, far)))
    return found


def _relations_query(people: list[int], near: str, far: str) -> Select[int]:
    rel = RelationshipRecordRow
    rec_a, rec_b = aliased(PersonRecordRow), aliased(PersonRecordRow)
    link_a, link_b = aliased(PersonLink), aliased(PersonLink)
    return (
        select(link_b.person_id)
        .distinct()
        .select_from(link_a)
        .join(rec_a, rec_a.id == link_a.person_record_id)
        .join(rel, and_(rel.agency == rec_a.agency, getattr(rel, near) == rec_a.source_id))
        .join(rec_b, and_(rec_b.agency == rel.agency, rec_b.source_id == getattr(rel, far)))
        .join(link_b, and_(link_b.person_record_id == rec_b.id, link_b.ended_at.is_(None)))
        .where(link_a.person_id.in_(people), link_a.ended_at.is_(None))
    )


def refresh_due_alerts(
    session: Session,
    *,
    policy: Policy,
    everyone: bool = False,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
    updates: list[EvidenceUpdate] | None = None,
) -> DueRefresh:
    """Evaluate everyone due (or `everyone`) and take their marks off. The caller commits.

    `total` receives the number of people once known; `progress` one per person evaluated;
    `updates` the new evidence added to open work items instead of alerting (`refresh_alerts`).
    """
    work = take_due(session)
    people = live_people(session) if everyone else list(work.people)
    if total:
        total(len(people))
    stored = evaluate_and_store(session, policy=policy, person_ids=people, progress=progress, updates=updates)
    clear_due(session.connection(), work.marks)
    return DueRefresh(people=len(people), created=stored.created, after_id=stored.after_id)


def _slices(values: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(values), SLICE):
        yield values[start : start + SLICE]


__all__ = ["DueRefresh", "DueWork", "marked_people", "refresh_due_alerts", "related_people", "take_due"]
