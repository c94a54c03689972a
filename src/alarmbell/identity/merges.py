"""Merging and unmerging people, reversibly: links are ended and added, never deleted or edited.

A merge ends every active link of the merged person and adds the same records to the survivor
(the ended links keep `ended_reason`, the person row keeps `merged_into`). An unmerge reads that
history back: it ends the survivor's links to the records that came from the merged person and
links them to their old person id again, so ids that were shown to anyone still mean the same.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from alarmbell.domain.errors import ServiceError
from alarmbell.identity.serial import hold_identity_lock
from alarmbell.storage.evaluation_due import mark_records_due
from alarmbell.storage.tables import Person, PersonLink


def merge_reason(source: int, target: int) -> str:
    """The `ended_reason` a merge writes; unmerge finds the moved links by it."""
    return f"person {source} merged into person {target}"


def merge_people(
    session: Session,
    source: int,
    target: int,
    *,
    decided_by: str,
    evidence: str,
    now: datetime | None = None,
) -> int:
    """Move every active link of person `source` to `target`; returns how many moved."""
    hold_identity_lock(session)
    now = now or datetime.now(UTC)
    links = session.scalars(
        select(PersonLink).where(PersonLink.person_id == source, PersonLink.ended_at.is_(None))
    ).all()
    for link in links:
        link.ended_at = now
        link.ended_reason = merge_reason(source, target)
        session.add(
            PersonLink(
                person_record_id=link.person_record_id,
                person_id=target,
                method="merge",
                evidence=evidence,
                probability=link.probability,
                decided_by=decided_by,
                created_at=now,
            )
        )
    session.execute(update(Person).where(Person.id == source).values(merged_into=target))
    session.flush()
    mark_records_due(session.connection(), (link.person_record_id for link in links))
    return len(links)


class UnmergeError(ServiceError):
    """The person was never merged, or nothing of the merge is left to undo."""


def records_merged_away(session: Session, source: int) -> list[int]:
    """Record ids whose link to `source` was ended by a merge (the records to give back)."""
    person = session.get(Person, source)
    if person is None or person.merged_into is None:
        raise UnmergeError(f"person {source} was not merged into anyone: nothing to unmerge")
    reason = merge_reason(source, person.merged_into)
    query = select(PersonLink.person_record_id).where(
        PersonLink.person_id == source, PersonLink.ended_reason == reason
    )
    return sorted(set(session.scalars(query)))


def unmerge_person(session: Session, source: int, *, decided_by: str, reason: str) -> tuple[int, list[int]]:
    """Give person `source` its records back; returns (the person they left, the record ids)."""
    hold_identity_lock(session)
    records = records_merged_away(session, source)
    now = datetime.now(UTC)
    current = session.scalars(
        select(PersonLink).where(PersonLink.person_record_id.in_(records), PersonLink.ended_at.is_(None))
    ).all()
    if not current:
        raise UnmergeError(f"the records merged away from person {source} are no longer linked")
    left = current[0].person_id
    for link in current:
        link.ended_at = now
        link.ended_reason = f"unmerged: person {source} restored ({reason})"
        session.add(
            PersonLink(
                person_record_id=link.person_record_id,
                person_id=source,
                method="unmerge",
                evidence=f"restored to person {source} by unmerge: {reason}",
                probability=None,
                decided_by=decided_by,
                created_at=now,
            )
        )
    session.execute(update(Person).where(Person.id == source).values(merged_into=None))
    session.flush()
    kept = session.scalars(
        select(PersonLink.person_record_id).where(PersonLink.person_id == left, PersonLink.ended_at.is_(None))
    )
    mark_records_due(session.connection(), [*records, *kept])  # both people's chronologies changed
    return left, records
