"""A person's merged multi-agency chronology: the input to the early-warning policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from alarmbell.domain.records import RecordKey
from alarmbell.domain.timeparse import local_moment

Involvement = Literal["subject", "other"]


@dataclass(frozen=True, slots=True)
class ChronologyEntry:
    """One event as it bears on the chronology's person.

    `relation` is None for the person's own events; for a household adult's event it names
    how that adult is related to the person (``mother``, ``mother_partner``...).
    `involvement` says whether the person (or that adult) was a subject of the event or
    one of the others involved.
    """

    agency: str
    source_id: str
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    attrs: dict[str, Any]
    text: str | None
    involvement: Involvement
    relation: str | None = None
    adult_person_id: int | None = None
    #: Who recorded it, as the agency sent it (the signed-in user for a concern from the web form).
    author: str | None = None
    #: How precisely `occurred_at` is known: day, month or year (wording.event_date shows it so).
    date_precision: str = "day"

    def __post_init__(self) -> None:
        # Stored in UTC, held in local time: every date-only view and policy window that calls
        # `.date()` then counts Europe/London days. Comparisons are of instants and unchanged.
        occurred = local_moment(self.occurred_at)
        same = self.recorded_at == self.occurred_at
        object.__setattr__(self, "occurred_at", occurred)
        object.__setattr__(self, "recorded_at", occurred if same else local_moment(self.recorded_at))

    @property
    def key(self) -> RecordKey:
        return (self.agency, self.source_id)

    @property
    def is_own(self) -> bool:
        return self.relation is None


@dataclass(frozen=True, slots=True)
class HouseholdMember:
    person_id: int
    relation: str
    display_name: str
    role: str
    joined_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Chronology:
    """Entries are sorted by (occurred_at, recorded_at, agency, source_id)."""

    person_id: int
    display_name: str
    role: str
    dob: date | None
    records: tuple[RecordKey, ...]
    entries: tuple[ChronologyEntry, ...]
    household: tuple[HouseholdMember, ...] = field(default=())

    @property
    def agencies(self) -> tuple[str, ...]:
        return tuple(sorted({e.agency for e in self.entries}))
