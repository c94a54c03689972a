"""Quarantined lines read again: listed, and retried once what made them fail is gone.

A rejected line is kept byte for byte with its reason (service._quarantine). Until now nothing
read it again: a line refused for a value the vocabulary has since learnt to read, or whose
record the sender has since corrected, stayed there for ever. A retry sends each exchange-format
line through the same `read_lines` validation and `ingest_parsed` path as a file, with its
batch's `--agency`, under its own file name and line number. In one transaction per page of
lines: the lines that pass are stored (a record already stored is `unchanged`, so a retry is
idempotent) and leave the quarantine, those that still fail stay with their error as read now.

A line whose record a later batch has stored is superseded, not written: storing it would roll
the sender's correction back. It leaves the quarantine, reported. Lines an agency format read
(a CSV row, a FHIR entry, a CIN episode) need their file's header or structure to be read, so
they are left in place, reported: the sender's corrected file is the way to send those again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import orjson
from sqlalchemy import Connection, Engine, delete, func, select, update
from sqlalchemy.orm import Session

from alarmbell.ingest.base import ParsedLine, RejectedLine, ValidRecord
from alarmbell.ingest.jsonl import read_lines
from alarmbell.ingest.service import Reporter, ingest_parsed
from alarmbell.storage.source_records import stored_batches
from alarmbell.storage.tables import IngestBatch, QuarantinedLine

#: Lines read and written per transaction: each page commits its records and its quarantine
#: changes together, and memory stays bounded however many lines wait.
PAGE: Final[int] = 1000
#: File endings of the exchange format (JsonLinesAdapter.suffixes).
EXCHANGE_ENDINGS: Final[tuple[str, ...]] = (".jsonl", ".ndjson")


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    id: int
    batch_id: int
    source: str
    line_no: int
    field: str
    problem: str

    @property
    def message(self) -> str:
        """`FILE:LINE: FIELD: problem`, as ingest reported it; further problems on their own lines."""
        first, *more = self.problem.split("\n")
        return "\n".join([f"{self.source}:{self.line_no}: {self.field}: {first}", *(f"  {m}" for m in more)])


@dataclass
class RetrySummary:
    read: int = 0
    last_id: int = 0
    ingested: int = 0
    still_failing: int = 0
    superseded: int = 0
    left: int = 0
    accepted: int = 0
    unchanged: int = 0
    batches: list[int] = field(default_factory=list)

    def add(self, page: RetrySummary) -> None:
        """Count a page into a whole run's summary."""
        for name in ("read", "ingested", "still_failing", "superseded", "left", "accepted", "unchanged"):
            setattr(self, name, getattr(self, name) + getattr(page, name))
        self.last_id = page.last_id
        self.batches += page.batches

    @property
    def audit_detail(self) -> dict[str, Any]:
        """What the audit log keeps of a page: counts and the batches written, never line content."""
        return {
            "read": self.read,
            "ingested": self.ingested,
            "still_failing": self.still_failing,
            "superseded": self.superseded,
            "left": self.left,
            "batches": self.batches,
        }

    @property
    def line(self) -> str:
        return (
            f"{self.ingested} ingested ({self.accepted} accepted, {self.unchanged} unchanged), "
            f"{self.still_failing} still failing, {self.superseded} superseded, "
            f"{self.left} left for their file to be sent again"
        )


def quarantined(connection: Connection, *, source: str | None = None) -> Iterator[QuarantineEntry]:
    """The quarantined lines, oldest first; `source`: only those of this file (as ingested)."""
    query = select(
        QuarantinedLine.id,
        QuarantinedLine.batch_id,
        QuarantinedLine.source,
        QuarantinedLine.line_no,
        QuarantinedLine.field,
        QuarantinedLine.problem,
    ).order_by(QuarantinedLine.id)
    if source is not None:
        query = query.where(QuarantinedLine.source == source)
    for row in connection.execute(query):
        yield QuarantineEntry(*row)


def quarantine_count(connection: Connection, *, source: str | None = None) -> int:
    query = select(func.count()).select_from(QuarantinedLine)
    if source is not None:
        query = query.where(QuarantinedLine.source == source)
    return int(connection.execute(query).scalar_one())


def retry_page(
    session: Session,
    *,
    after: int = 0,
    source: str | None = None,
    report: Reporter | None = None,
    size: int = PAGE,
) -> RetrySummary | None:
    """Read the next `size` quarantined lines (of `source`) after id `after` again, in the
    caller's transaction (see the module docstring); None when none are left.

    The summary's `last_id` is where the next page starts; the caller loops, committing (and
    auditing) each page, so a stopped retry keeps what its committed pages did."""
    connection = session.connection()
    rows = _page(connection, source, after, size)
    if not rows:
        return None
    summary = RetrySummary(read=len(rows), last_id=rows[-1].id)
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    for (name, agency), group in _by_source(rows).items():
        _retry(engine, connection, name, agency, group, summary, report or (lambda _message: None))
    return summary


def _page(connection: Connection, source: str | None, after: int, size: int) -> list[_Row]:
    q = QuarantinedLine
    query = (
        select(q.id, q.batch_id, q.source, q.line_no, q.field, q.raw, IngestBatch.agency_override)
        .join(IngestBatch, IngestBatch.id == q.batch_id)
        .where(q.id > after)
        .order_by(q.id)
        .limit(size)
    )
    if source is not None:
        query = query.where(q.source == source)
    return [_Row(*row) for row in connection.execute(query)]


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    batch_id: int
    source: str
    line_no: int
    field: str
    raw: bytes
    agency: str | None


def _by_source(rows: list[_Row]) -> dict[tuple[str, str | None], list[_Row]]:
    """Lines of one file and `--agency` go in together, under that file's name."""
    groups: dict[tuple[str, str | None], list[_Row]] = {}
    for row in rows:
        groups.setdefault((row.source, row.agency), []).append(row)
    return groups


def _retry(
    engine: Engine,
    connection: Connection,
    source: str,
    agency: str | None,
    rows: list[_Row],
    summary: RetrySummary,
    say: Reporter,
) -> None:
    passing: list[tuple[_Row, ValidRecord, list[ParsedLine]]] = []
    for row in rows:
        if not exchange_line(source, row.raw):
            summary.left += 1
            say(f"{source}:{row.line_no}: {row.field}: left in quarantine: {_NOT_EXCHANGE}")
            continue
        parsed = list(read_lines([row.raw], agency=agency, first_line=row.line_no))
        outcome = parsed[-1] if parsed else None
        if isinstance(outcome, RejectedLine):
            _still_failing(connection, row, outcome, source, summary, say)
        elif isinstance(outcome, ValidRecord):
            passing.append((row, outcome, parsed))
    fresh = _not_superseded(connection, passing, summary, say)
    _ingest(engine, connection, source, agency, fresh, summary, say)


_NOT_EXCHANGE: Final = (
    "it was read from an agency format, which needs its whole file; send the corrected file again"
)


def exchange_line(source: str, raw: bytes) -> bool:
    """Whether a quarantined line is exchange format, to be read again on its own.

    A line of a JSON Lines file is, whatever it holds; from elsewhere (the API, the web form),
    a JSON object is, unless it is FHIR (`resourceType`, or an entry's `resource`)."""
    if source.lower().endswith(EXCHANGE_ENDINGS):
        return True
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False
    return isinstance(obj, dict) and not ({"resourceType", "resource"} & obj.keys())


def _still_failing(
    connection: Connection,
    row: _Row,
    rejected: RejectedLine,
    source: str,
    summary: RetrySummary,
    say: Reporter,
) -> None:
    """The line stays, with its error as read now (a vocabulary change may have changed it)."""
    connection.execute(
        update(QuarantinedLine)
        .where(QuarantinedLine.id == row.id)
        .values(field=rejected.field[:200], problem=rejected.all_problems)
    )
    summary.still_failing += 1
    for message in rejected.messages(source):
        say(message)


def _not_superseded(
    connection: Connection,
    passing: list[tuple[_Row, ValidRecord, list[ParsedLine]]],
    summary: RetrySummary,
    say: Reporter,
) -> list[tuple[_Row, ValidRecord, list[ParsedLine]]]:
    """Drop (from the quarantine too) the lines whose record a later batch has stored."""
    latest = _stored_batches(connection, [record for _, record, _ in passing])
    kept = []
    for row, record, parsed in passing:
        stored = latest.get((record.record_type, record.agency, record.source_id), 0)
        if stored <= row.batch_id:
            kept.append((row, record, parsed))
            continue
        _leave(connection, [row])
        summary.superseded += 1
        say(
            f"{row.source}:{row.line_no}: {record.record_type} {record.source_id}: superseded: "
            f"batch {stored} stored this record after the line was quarantined; not written, "
            "and out of the quarantine"
        )
    return kept


def _stored_batches(connection: Connection, records: list[ValidRecord]) -> dict[tuple[str, str, str], int]:
    """(type, agency, source_id) -> the batch that stored the record's current version."""
    out: dict[tuple[str, str, str], int] = {}
    for record_type in {r.record_type for r in records}:
        keys = [(r.agency, r.source_id) for r in records if r.record_type == record_type]
        for (agency, source_id), batch in stored_batches(connection, record_type, keys).items():
            out[(record_type, agency, source_id)] = batch or 0
    return out


def _ingest(
    engine: Engine,
    connection: Connection,
    source: str,
    agency: str | None,
    passing: list[tuple[_Row, ValidRecord, list[ParsedLine]]],
    summary: RetrySummary,
    say: Reporter,
) -> None:
    """The lines that now pass, through the ingest path, in this transaction; then out of the quarantine."""
    if not passing:
        return
    parsed = (item for _, _, items in passing for item in items)
    done = ingest_parsed(
        engine=engine, source=source, parsed=parsed, agency=agency, report=say, connection=connection
    )
    _leave(connection, [row for row, _, _ in passing])
    summary.ingested += len(passing)
    summary.accepted += done.accepted
    summary.unchanged += done.unchanged
    summary.batches.append(done.batch_id)


def _leave(connection: Connection, rows: list[_Row]) -> None:
    connection.execute(delete(QuarantinedLine).where(QuarantinedLine.id.in_([r.id for r in rows])))
