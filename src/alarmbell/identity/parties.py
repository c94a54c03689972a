"""Records an agency named as two different parties of one event: never one person.

Two children named in one referral, the victim and the suspect of one incident: the agency that
recorded the event has said that these are two people, however alike their records look (a
father and son of one name at one address, the father's date of birth not recorded). The
clustering asks before a union that would put two records of one agency into one person
(parties of one event are always records of the event's agency, so a union across agencies, most
of them, never asks). A pair the model would link goes to review with the reason, so a records
officer can still merge them if the agency attached one person twice.

Asked one record at a time, through `event_party`'s primary key (agency, person, event): reading
every pair of parties in the store at once (a self-join with no index by event) took minutes per
linking run on a 20,000-child store.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.storage.tables import EventParty, PersonRecordRow

#: Record ids -> True when one event of their agency names both.
NamedTogether = Callable[[int, int], bool]


def named_together(session: Session) -> NamedTogether:
    """A check, for this linking run, whether two person records are parties of one event; each
    record's events are read once (from the primary key's prefix) and kept for the run."""
    events: dict[int, frozenset[tuple[str, str]]] = {}

    def events_of(record_id: int) -> frozenset[tuple[str, str]]:
        if record_id not in events:
            query = (
                select(EventParty.agency, EventParty.event_source_id)
                .join(
                    PersonRecordRow,
                    (PersonRecordRow.agency == EventParty.agency)
                    & (PersonRecordRow.source_id == EventParty.person_source_id),
                )
                .where(PersonRecordRow.id == record_id)
            )
            events[record_id] = frozenset((agency, event) for agency, event in session.execute(query))
        return events[record_id]

    def check(a: int, b: int) -> bool:
        return not events_of(a).isdisjoint(events_of(b))

    return check
