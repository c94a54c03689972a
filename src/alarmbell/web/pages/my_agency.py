"""A practitioner's start page: the concerns they recorded, and their agency's children with alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.audit import entries_by
from alarmbell.identity import view
from alarmbell.presentation import short_date
from alarmbell.storage.tables import EventRecordRow
from alarmbell.web.concern_choices import form_kind_label

#: How many of the user's own concerns the page lists (newest first).
CONCERN_LIMIT = 50


@dataclass(frozen=True, slots=True)
class RecordedConcern:
    person_id: int
    name: str
    what: str
    occurred_label: str
    recorded_at: datetime
    recorded_label: str
    #: The user may not open the child's page now (web.scoping.scoped_concerns): no name, no link.
    restricted: bool = False


def concerns_recorded_by(
    session: Session, actor: str, *, limit: int = CONCERN_LIMIT
) -> tuple[RecordedConcern, ...]:
    """The concerns this user recorded through the form, newest first, from the audit log.

    The audit entry names the child and the event key; the event itself gives what and when.
    A concern whose child has since been merged shows under the person id recorded at the time.
    """
    found: list[RecordedConcern] = []
    for entry in entries_by(session, actor=actor, action="concern.record", limit=limit):
        if entry.subject_id is None or not entry.subject_id.isdigit():
            continue
        person_id = int(entry.subject_id)
        person = view(session, person_id)
        event = session.scalars(
            select(EventRecordRow)
            .where(
                EventRecordRow.agency == str(entry.detail.get("agency", "")),
                EventRecordRow.source_id == str(entry.detail.get("event", "")),
            )
            .order_by(EventRecordRow.version.desc())
            .limit(1)
        ).first()
        found.append(
            RecordedConcern(
                person_id=person_id,
                name=person.display_name if person else "Person no longer on record",
                # As the form offered it and the confirmation said it, not the exchange's name.
                what=form_kind_label(event.kind) if event else "Concern",
                occurred_label=short_date(event.occurred_at) if event else "",
                recorded_at=entry.at,
                recorded_label=short_date(entry.at),
            )
        )
    return tuple(found)
