"""Events dated before their subject was born: reported, unless they are pre-birth work.

A referral, an assessment or a child protection conference for an unborn baby is real work
(domain/plausible.py lists those kinds); an ED attendance or a school concern before birth
means a mistyped date, a mistyped date of birth, or an event sent for the wrong child. Which
of these it is cannot be told here, and dates of birth are often wrong in one agency's records
(day and month swapped: synth/noise.py models it, and the benchmark population has 8 such
events in 100,000 records), so the event is kept with a warning naming both dates rather than
refused: refusing would drop a real GP visit because of a typo in the date of birth. The check
needs the subject's date of birth, from a person record earlier in the same input or already in
the store; an event whose subject has no known date of birth is not checked.

Memory: the dates of birth are remembered up to a bound (`REMEMBERED`), then forgotten and read
back from the store when an event names that person again. Only people the writer has stored
can be forgotten: the check runs ahead of the writer by up to a chunk, and a person not yet
written would read back as unknown, losing the warning (`written_through`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from functools import lru_cache
from typing import Final

from sqlalchemy import Connection, Engine

from alarmbell.domain.plausible import PRE_BIRTH_KINDS
from alarmbell.domain.timeparse import dob_to_date
from alarmbell.ingest.base import ParsedLine, ValidRecord, Warning_
from alarmbell.storage.source_records import people_dobs

Key = tuple[str, str]
BLOCK: Final[int] = 2000
#: Dates of birth remembered between blocks (about one chunk of people: files send people near
#: their events); beyond this the written ones are forgotten, and read back when needed.
REMEMBERED: Final[int] = 20_000
#: A time zone can put an event on the day before the birth date in UTC.
SLACK: Final[timedelta] = timedelta(days=1)
ADVICE: Final[str] = (
    "kept; check the event date and the date of birth (only pre-birth work such as maternity care, "
    "referrals, assessments and child protection steps is expected before birth)"
)


Born = tuple[date, str]
"""The first day a (possibly partial) date of birth allows, and the date of birth as sent."""


@lru_cache(maxsize=65536)
def _born(dob: str | None) -> Born | None:
    day = dob_to_date(dob)
    return None if day is None or dob is None else (day - SLACK, dob)


class BirthOrder:
    """`engine`: the store, or None to check against the input's own dates of birth only.
    `connection`: the caller's transaction, when the ingest runs in one (the HTTP API).
    `forgets`: past `REMEMBERED`, forget the people written; False for a check that writes
    nothing, which could read nothing it forgot back, so remembers every date of birth."""

    def __init__(
        self, engine: Engine | None, connection: Connection | None = None, *, forgets: bool = True
    ) -> None:
        self.engine = engine
        self.connection = connection
        self.dobs: dict[Key, Born | None] = {}
        self.bound: int | None = REMEMBERED if forgets else None
        #: Blocks checked so far, and how many of the first of them the writer has stored.
        self.blocks = 0
        self.written = 0
        #: (block, person) of the input's people that may not be written yet, in input order.
        self.unwritten: deque[tuple[int, Key]] = deque()

    def written_through(self, blocks: int) -> None:
        """The writer has stored every item of the first `blocks` blocks (counted from 1, in the
        order `checked_blocks` gave them): their people can be read back from the store."""
        self.written = max(self.written, blocks)

    def checked(self, items: Iterable[ParsedLine]) -> Iterator[ParsedLine]:
        """The items in order, each event before its subject's birth preceded by a warning."""
        for block in self.checked_blocks(items):
            yield from block

    def checked_blocks(self, items: Iterable[ParsedLine]) -> Iterator[list[ParsedLine]]:
        """`checked`, a block of items at a time: a bulk load's writer loops over lists, which
        costs less than resuming a generator per item."""
        block: list[ParsedLine] = []
        append = block.append
        for item in items:
            append(item)
            if len(block) >= BLOCK:
                yield self._block(block)
                block = []
                append = block.append
        yield self._block(block)

    def _block(self, block: list[ParsedLine]) -> list[ParsedLine]:
        self.blocks += 1
        if self.bound is not None:
            self._forget_written()
        dobs, unwritten, forgets, number = self.dobs, self.unwritten, self.bound is not None, self.blocks
        events: list[tuple[int, ValidRecord]] = []
        subjects: set[Key] = set()
        for index, item in enumerate(block):
            if type(item) is not ValidRecord:
                continue
            if item.record_type == "event":
                if item.row["kind"] not in PRE_BIRTH_KINDS:
                    events.append((index, item))
                    parties = item.parties
                    if len(parties) == 1:  # most events: one subject (a lone party is one)
                        subjects.add((item.agency, parties[0][0]))
                    else:
                        agency = item.agency
                        subjects.update((agency, s) for s, part in parties if part == "subject")
            elif item.record_type == "person":
                key = (item.agency, item.source_id)
                dobs[key] = _born(item.row.get("dob"))
                if forgets:
                    unwritten.append((number, key))
        if not events:
            return block
        self._look_up(subjects)
        warnings: list[tuple[int, Warning_]] = []
        for index, event in events:
            parties = event.parties
            if len(parties) == 1:  # the usual case decided inline: at most a dict look-up
                born = dobs.get((event.agency, parties[0][0]))
                if born is None or event.row["occurred_at"].date() >= born[0]:
                    continue
            if warning := self._before_birth(event, dobs):
                warnings.append((index, warning))
        if not warnings:
            return block
        out = block[: warnings[0][0]]
        for (index, warning), (end, _) in zip(warnings, [*warnings[1:], (len(block), None)], strict=True):
            out.append(warning)
            out.extend(block[index:end])
        return out

    def _forget_written(self) -> None:
        """Past the bound, keep only the people not yet written. A writer far behind (more than
        half the bound unwritten) doubles the bound rather than rebuilding every block."""
        unwritten = self.unwritten
        while unwritten and unwritten[0][0] <= self.written:
            unwritten.popleft()
        if self.bound is None or len(self.dobs) <= self.bound:
            return
        dobs = self.dobs
        self.dobs = {key: dobs[key] for _, key in unwritten}
        if len(self.dobs) > self.bound // 2:
            self.bound = 2 * len(self.dobs)

    def _look_up(self, keys: set[Key]) -> None:
        # Not `keys - self.dobs.keys()`: that copies the block's keys, then walks every
        # remembered key (up to REMEMBERED) to discard it, on each block; cProfile at 100MB put
        # 12 s there. This walks only the block's keys.
        unknown = {key for key in keys if key not in self.dobs}
        if not unknown:
            return
        found: dict[Key, str | None] = {}
        if self.connection is not None:
            found = people_dobs(self.connection, unknown)
        elif self.engine is not None:
            with self.engine.connect() as connection:
                found = people_dobs(connection, unknown)
        for key in unknown:
            self.dobs[key] = _born(found.get(key))

    @staticmethod
    def _before_birth(record: ValidRecord, dobs: dict[Key, Born | None]) -> Warning_ | None:
        day = record.row["occurred_at"].date()
        for subject, part in record.parties:
            born = dobs.get((record.agency, subject)) if part == "subject" else None
            if born is not None and day < born[0]:
                return _warning(record, subject, day, born[1])
        return None


def _warning(record: ValidRecord, subject: str, day: date, dob: str) -> Warning_:
    problem = f"{day.isoformat()} is before {subject} was born (date of birth {dob}); {ADVICE}"
    return Warning_(record.line_no, "occurred_at", problem)
