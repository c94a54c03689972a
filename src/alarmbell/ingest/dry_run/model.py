"""What a check found in one file: pure data, rendered as text (text.py) or a page (page.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from alarmbell.ingest.dry_run.coverage import Coverage

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
#: An unquoted value: any word holding three digits or more (a date, a number, an id such as
#: C30002), but not "modulus-23"; and line numbers.
_VALUE = re.compile(r"[^\s,;()]*\d[^\s,;()]*\d[^\s,;()]*\d[^\s,;()]*")
_LINES = re.compile(r"\blines? \d+(?:, \d+)*")
_INDEX = re.compile(r"\[\d+\]")
#: Identifier fields whose check (NHS number modulus 11, UPN check letter) the ingest layer runs.
IDENTIFIER_KEYS: Final[frozenset[str]] = frozenset({"nhsnumber", "upn", "nhs"})


def kind_of(field_name: str, problem: str) -> tuple[str, str]:
    """The (field, kind of problem) errors are grouped by: quoted values and positions blanked out,
    so "'31/02/2024' is not a date" and "'2024-13-01' is not a date" are one kind (every format
    quotes the bad value, but a few messages name a number or date unquoted), as are the same
    problem in `entry[2]` and `entry[7]`."""
    problem = _QUOTED.sub("'…'", problem)
    problem = _INDEX.sub("[n]", _LINES.sub("line …", _VALUE.sub("…", problem)))
    return _INDEX.sub("[n]", field_name), problem


def is_identifier(field_name: str) -> bool:
    last = re.split(r"[.\[\]/]+", field_name.strip(".[]/"))[-1] if field_name else ""
    return re.sub(r"[^a-z]", "", last.lower()) in IDENTIFIER_KEYS


@dataclass
class ErrorKind:
    """One field and kind of problem: how often, and the first place it happened."""

    field: str
    kind: str
    count: int
    example_at: str
    example: str


@dataclass
class Problems:
    """Problems grouped by (field, kind), first example kept; insertion order = file order."""

    kinds: dict[tuple[str, str], ErrorKind] = field(default_factory=dict)

    def add(self, at: str, field_name: str, problem: str) -> None:
        key = kind_of(field_name, problem)
        found = self.kinds.get(key)
        if found is None:
            self.kinds[key] = ErrorKind(key[0], key[1], 1, at, f"{field_name}: {problem}")
        else:
            found.count += 1

    def __iter__(self) -> Iterator[ErrorKind]:
        return iter(self.kinds.values())

    @property
    def total(self) -> int:
        return sum(k.count for k in self.kinds.values())


@dataclass(frozen=True)
class IdentifierProblem:
    at: str
    field: str
    problem: str
    rejected: bool


@dataclass
class StoreView:
    """What "unchanged" was measured against: the store (read only), or nothing."""

    present: bool
    note: str


@dataclass
class FileCheck:
    path: str
    format_name: str
    accepted: int = 0
    rejected: int = 0
    unchanged: int = 0
    held: int = 0
    records: dict[str, int] = field(default_factory=dict)
    errors: Problems = field(default_factory=Problems)
    warnings: Problems = field(default_factory=Problems)
    identifiers: list[IdentifierProblem] = field(default_factory=list)
    identifier_count: int = 0
    first_event: date | None = None
    last_event: date | None = None
    events: int = 0
    coverage: Coverage | None = None

    def note_event_day(self, day: date) -> None:
        self.events += 1
        if self.first_event is None or day < self.first_event:
            self.first_event = day
        if self.last_event is None or day > self.last_event:
            self.last_event = day
