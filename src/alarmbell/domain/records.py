"""Exchange-format records as typed, immutable objects.

These are what an agency sent, after validation. They carry no alarmbell identity: linking
them into people is the identity service's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

RecordKey = tuple[str, str]
"""(agency, source_id): the natural key of any source record."""


@dataclass(frozen=True, slots=True)
class PersonRecord:
    agency: str
    source_id: str
    given_name: str | None = None
    family_name: str | None = None
    other_names: tuple[str, ...] = ()
    dob: str | None = None
    sex: str | None = None
    postcode: str | None = None
    address: str | None = None
    nhs_number: str | None = None
    upn: str | None = None
    role_hint: str | None = None

    @property
    def key(self) -> RecordKey:
        return (self.agency, self.source_id)


@dataclass(frozen=True, slots=True)
class RelationshipRecord:
    agency: str
    source_id: str
    from_id: str
    to_id: str
    kind: str

    @property
    def key(self) -> RecordKey:
        return (self.agency, self.source_id)


@dataclass(frozen=True, slots=True)
class EventRecord:
    agency: str
    source_id: str
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    subjects: tuple[str, ...]
    others: tuple[str, ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict)
    text: str | None = None
    author: str | None = None

    @property
    def key(self) -> RecordKey:
        return (self.agency, self.source_id)
