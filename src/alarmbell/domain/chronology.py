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
    `other_child` is set when another child of the household (`Chronology.other_children`) was
    a subject of the event and this chronology's person was not: a sibling's injury, say. Such
    an event reaches the chronology through an adult named on it (then `relation` is that
    adult's) or through the other child alone (`Chronology.other_child_entries`, with
    `relation` the child's: ``sibling`` or ``twin``). Only indicators that ask for another
    child's events (`whose: household_child` or `twin`) read it as theirs.
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
    #: The person id of another household child who was a subject of this event (see above).
    other_child: int | None = None

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

    @property
    def is_adults(self) -> bool:
        """A household adult's event: not the person's own, and not only another child's."""
        return self.relation is not None and not (
            self.other_child is not None and self.adult_person_id is None
        )


@dataclass(frozen=True, slots=True)
class HouseholdMember:
    person_id: int
    relation: str
    display_name: str
    role: str
    joined_at: datetime | None = None
    #: Known for household children (`Chronology.other_children`): the policy reads their age.
    dob: date | None = None


@dataclass(frozen=True, slots=True)
class Chronology:
    """Entries are sorted by (occurred_at, recorded_at, agency, source_id).

    `other_children` are the other children of the household (siblings, and other children of
    the person's parents and their partners); `other_child_entries` their own events that name
    no one already in the chronology. Those are kept apart from `entries`, so the chronology a
    practitioner reads stays the child's and the household adults'; the policy reads both
    (`policy_entries`), because a sibling's abusive injury is a warning for a baby at home
    (Lindberg et al., Pediatrics 2012).
    """

    person_id: int
    display_name: str
    role: str
    dob: date | None
    records: tuple[RecordKey, ...]
    entries: tuple[ChronologyEntry, ...]
    household: tuple[HouseholdMember, ...] = field(default=())
    other_children: tuple[HouseholdMember, ...] = field(default=())
    other_child_entries: tuple[ChronologyEntry, ...] = field(default=())

    @property
    def policy_entries(self) -> tuple[ChronologyEntry, ...]:
        """`entries` and `other_child_entries`, in the same order: what the policy reads."""
        if not self.other_child_entries:
            return self.entries
        both = [*self.entries, *self.other_child_entries]
        return tuple(sorted(both, key=lambda e: (e.occurred_at, e.recorded_at, e.agency, e.source_id)))

    def other_child(self, person_id: int) -> HouseholdMember | None:
        return next((m for m in self.other_children if m.person_id == person_id), None)

    @property
    def agencies(self) -> tuple[str, ...]:
        return tuple(sorted({e.agency for e in self.entries}))
