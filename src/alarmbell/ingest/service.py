"""The ingest service: every intake path (files, API, web form) ends here.

Bulk ingest commits chunk by chunk, so that every good line is kept even when a later line
is bad or the process is stopped, and memory stays flat however large the file is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from queue import Empty, Queue
from typing import Any

from sqlalchemy import Connection, Engine, insert, update

from alarmbell.ingest.base import (
    Adapter,
    AdapterRegistry,
    FieldError,
    ParsedLine,
    RejectedLine,
    SourceProgress,
    ValidRecord,
    Warning_,
)
from alarmbell.ingest.birth_order import BirthOrder
from alarmbell.ingest.feeds import merge_feeds
from alarmbell.ingest.jsonl import JsonLinesAdapter, read_lines, read_records
from alarmbell.storage.dialect import INGEST_CACHE_KIB, dialect_of, dialect_of_engine
from alarmbell.storage.source_records import (
    ChunkOutcome,
    existing_people,
    release_held_events,
    set_held,
    write_chunk,
)
from alarmbell.storage.tables import IngestBatch, QuarantinedLine

Reporter = Callable[[str], None]
#: Called in the transaction that finishes a batch, with its summary: how a caller above this
#: layer (the command line, the web app) writes the batch's audit entry in that transaction.
BatchHook = Callable[[Connection, "IngestSummary"], None]
#: The audit log's action for a batch loaded into the store (one entry per batch, not per line).
BATCH_AUDIT_ACTION = "ingest.batch"


def default_registry(*, workers: int = 0) -> AdapterRegistry:
    """Every built-in format; `workers` parse large JSON Lines files in other processes."""
    registry = AdapterRegistry()
    registry.register(JsonLinesAdapter(workers=workers))
    for adapter in agency_format_adapters():
        registry.register(adapter)
    return registry


def agency_format_adapters() -> list[Adapter]:
    """The agency formats (docs/formats/); imported when a registry is built, not with this module."""
    from alarmbell.ingest.cin_csv import CinCsvAdapter
    from alarmbell.ingest.cin_xml import CinXmlAdapter
    from alarmbell.ingest.csc_contacts import CscContactsAdapter
    from alarmbell.ingest.fhir import FhirBundleAdapter
    from alarmbell.ingest.health_community import HealthCommunityAdapter
    from alarmbell.ingest.health_ed import HealthEdAdapter
    from alarmbell.ingest.health_wnb import HealthWnbAdapter
    from alarmbell.ingest.police_csv import PoliceCsvAdapter
    from alarmbell.ingest.school_attendance import SchoolAttendanceAdapter
    from alarmbell.ingest.school_concerns import SchoolConcernsAdapter

    return [
        FhirBundleAdapter(),
        PoliceCsvAdapter(),
        SchoolConcernsAdapter(),
        SchoolAttendanceAdapter(),
        CinXmlAdapter(),
        CinCsvAdapter(),
        CscContactsAdapter(),
        HealthEdAdapter(),
        HealthCommunityAdapter(),
        HealthWnbAdapter(),
    ]


@dataclass
class IngestSummary:
    source: str
    batch_id: int = 0
    accepted: int = 0
    rejected: int = 0
    unchanged: int = 0
    held: int = 0
    released: int = 0
    warnings: int = 0
    messages: list[str] = field(default_factory=list)

    @property
    def line(self) -> str:
        text = f"{self.accepted} accepted, {self.rejected} rejected, {self.unchanged} unchanged"
        if self.held:
            text += f", {self.held} held"
        return text

    @property
    def audit_subject(self) -> tuple[str, int]:
        return ("ingest_batch", self.batch_id)

    @property
    def audit_detail(self) -> dict[str, Any]:
        """What the audit log keeps of a batch: its id, file name and counts, never line content."""
        return {
            "batch": self.batch_id,
            "source": self.source,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "unchanged": self.unchanged,
            "held": self.held,
            "warnings": self.warnings,
        }


@dataclass
class _Unresolved:
    """Person records that this batch's events name but nobody has sent yet.

    Only unresolved references are kept, plus a bounded set of people known to be present
    (so most chunks need no look-up), so memory does not grow with the file. Everyone in
    `present` is in the store already (notes are taken after a chunk is written), so forgetting
    them costs a look-up, never a result.
    """

    waiting: dict[tuple[str, str], list[tuple[str, int]]] = field(default_factory=dict)
    present: set[tuple[str, str]] = field(default_factory=set)
    #: About one chunk of people (files send people near their events).
    present_limit: int = 20_000

    def note(self, chunk: list[ValidRecord], connection: Connection) -> None:
        arrived = {(r.agency, r.source_id) for r in chunk if r.record_type == "person"}
        if self.waiting:
            for key in arrived:
                self.waiting.pop(key, None)
        events = [r for r in chunk if r.record_type == "event"]
        named = {(r.agency, person) for r in events for person, _ in r.parties}
        unknown = named - arrived - self.present
        present = existing_people(connection, unknown) if unknown else set()
        if len(self.present) > self.present_limit:
            self.present.clear()
        self.present |= arrived | present
        missing = unknown - present
        if not missing:  # the usual chunk: everyone its events name is known
            return
        for r in events:
            for person, _ in r.parties:
                key = (r.agency, person)
                if key in missing:
                    self.waiting.setdefault(key, []).append((r.source_id, r.line_no))


@dataclass
class _Chunk:
    records: list[ValidRecord] = field(default_factory=list)
    keys: set[tuple[str, str, str]] = field(default_factory=set)
    rejected: list[RejectedLine] = field(default_factory=list)
    #: Once this chunk is written, every item of the first `blocks_done` blocks is.
    blocks_done: int = 0

    def __len__(self) -> int:
        return len(self.records) + len(self.rejected)


def ingest_file(
    *,
    engine: Engine,
    path: Path,
    agency: str | None = None,
    format_name: str | None = None,
    registry: AdapterRegistry | None = None,
    chunk_size: int = 20000,
    report: Reporter | None = None,
    progress: SourceProgress | None = None,
    workers: int = 0,
    on_finish: BatchHook | None = None,
) -> IngestSummary:
    """Ingest one file. Each rejected or held line is reported through `report`.

    `workers` > 0 validates large JSON Lines files in that many worker processes. Not the
    default: measured on 2 cores, handing records over cost the writer about what validating
    them in its own process does (docs/scale.md, "Ingesting near the disk's limit").
    `on_finish` runs in the batch's last transaction (the command line audits the file there).
    """
    adapter = (registry or default_registry(workers=workers)).for_path(path, format_name)
    parsed = adapter.read(path, agency=agency, progress=progress)
    return ingest_parsed(
        engine=engine,
        source=str(path),
        parsed=parsed,
        agency=agency,
        chunk_size=chunk_size,
        report=report,
        on_finish=on_finish,
    )


def ingest_lines(
    *,
    engine: Engine,
    source: str,
    lines: Iterable[bytes],
    agency: str | None = None,
    report: Reporter | None = None,
    on_finish: BatchHook | None = None,
) -> IngestSummary:
    """Ingest exchange-format lines already in memory (the HTTP API and web form).

    All in one transaction: a call either stores its good records with its batch finished,
    or, if the database fails part way, nothing at all, so a caller told "failed" can simply
    send again (issue 19: calls reported as failed had committed their records, and their
    batches were never finished). Requests are bounded (web.api.records.MAX_RECORDS).
    """
    parsed = read_lines(iter(lines), agency=agency)
    with engine.begin() as connection:
        return ingest_parsed(
            engine=engine,
            source=source,
            parsed=parsed,
            agency=agency,
            report=report,
            connection=connection,
            on_finish=on_finish,
        )


def ingest_records(
    *,
    engine: Engine,
    source: str,
    records: list[Any],
    repeated: Mapping[int, FieldError] | None = None,
    agency: str | None = None,
    report: Reporter | None = None,
    on_finish: BatchHook | None = None,
) -> IngestSummary:
    """Ingest records already decoded (the HTTP API's JSON body); record N is reported as line N.

    `repeated`: records that had a key twice (strict_json.repeated_keys_by_record).
    """
    parsed = read_records(records, agency=agency, repeated=repeated or {})
    with engine.begin() as connection:  # all or nothing, as ingest_lines
        return ingest_parsed(
            engine=engine,
            source=source,
            parsed=parsed,
            agency=agency,
            report=report,
            connection=connection,
            on_finish=on_finish,
        )


def ingest_parsed(
    *,
    engine: Engine,
    source: str,
    parsed: Iterable[ParsedLine],
    agency: str | None,
    chunk_size: int = 20000,
    report: Reporter | None = None,
    connection: Connection | None = None,
    on_finish: BatchHook | None = None,
) -> IngestSummary:
    """Ingest parsed lines: by default one transaction per chunk; with `connection`, all in
    that connection's transaction (the caller commits). `on_finish` is called once, in the
    transaction that finishes the batch, so what it writes (an audit entry) commits with it."""
    summary = IngestSummary(source=source)
    say = report or (lambda _message: None)
    birth_order = BirthOrder(engine, connection)
    blocks = birth_order.checked_blocks(parsed)
    begin = _Transactions(engine, connection)
    summary.batch_id = _open_batch(begin, source, agency)
    unresolved = _Unresolved()

    def warn(item: Warning_) -> None:
        summary.warnings += 1
        say(f"{source}:{item.line_no}: {item.field}: warning: {item.problem}")

    def reject(item: RejectedLine) -> None:
        for message in item.messages(source):
            say(message)

    if dialect_of_engine(engine).read_ahead:
        blocks = read_ahead(blocks)
    for chunk in _chunks(blocks, chunk_size, warn, reject):
        _flush(begin, chunk, summary, unresolved)
        birth_order.written_through(chunk.blocks_done)
    _finish(begin, summary, unresolved, say, on_finish)
    return summary


def _chunks(
    blocks: Iterable[list[ParsedLine]],
    size: int,
    warn: Callable[[Warning_], None],
    reject: Callable[[RejectedLine], None],
) -> Iterator[_Chunk]:
    """The items of the blocks in chunks of at most `size` lines, each warning and rejection
    reported as it comes.

    A record whose key is already in the chunk (a second version in the same file) ends the
    chunk, so the first version is written first. The hot loop of a bulk load: one type test
    per item, and the chunk's lists held in locals.
    """
    chunk = _Chunk()
    records, keys, count = chunk.records, chunk.keys, 0
    done = 0  # blocks wholly passed: once a chunk is written, so are they (earlier chunks went first)
    for block in blocks:
        for item in block:
            kind = type(item)
            if kind is ValidRecord:
                key = (item.record_type, item.agency, item.source_id)  # type: ignore[union-attr]
                if key in keys:
                    chunk.blocks_done = done
                    yield chunk
                    chunk = _Chunk()
                    records, keys, count = chunk.records, chunk.keys, 0
                keys.add(key)
                records.append(item)  # type: ignore[arg-type]
            elif kind is RejectedLine:
                chunk.rejected.append(item)  # type: ignore[arg-type]
                reject(item)  # type: ignore[arg-type]
            else:
                warn(item)  # type: ignore[arg-type]
                continue
            count += 1
            if count >= size:
                chunk.blocks_done = done
                yield chunk
                chunk = _Chunk()
                records, keys, count = chunk.records, chunk.keys, 0
        done += 1
    chunk.blocks_done = done
    yield chunk


@dataclass(frozen=True)
class _Transactions:
    """Where each step writes: a new transaction per step, or the caller's one connection.

    A new transaction per step is a file's bulk load (rows with COPY on PostgreSQL, and on
    SQLite a page cache of `INGEST_CACHE_KIB`, so that memory does not grow with the store); one
    connection is a bounded request (the API, the web form), whose rows keep executemany.
    """

    engine: Engine
    connection: Connection | None = None

    @property
    def bulk(self) -> bool:
        return self.connection is None

    @contextmanager
    def __call__(self) -> Iterator[Connection]:
        if self.connection is not None:
            yield self.connection
            return
        with (
            self.engine.begin() as connection,
            dialect_of(connection).page_cache(connection, INGEST_CACHE_KIB),
        ):
            yield connection


def read_ahead(blocks: Iterable[list[ParsedLine]], *, depth: int = 8) -> Iterator[list[ParsedLine]]:
    """Parse and validate in a second thread while this one writes, a block at a time.

    SQLite and psycopg release the GIL while the database works, so the two overlap; the
    bounded queue keeps memory flat.
    """
    queue: Queue[list[ParsedLine] | BaseException | None] = Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for block in blocks:
                queue.put(block)
                if stop.is_set():
                    return
            queue.put(None)
        except BaseException as error:  # handed to the consumer, which re-raises it
            queue.put(error)

    worker = threading.Thread(target=produce, name="alarmbell-ingest-reader", daemon=True)
    worker.start()
    try:
        while (block := queue.get()) is not None:
            if isinstance(block, BaseException):
                raise block
            yield block
    finally:
        stop.set()
        while worker.is_alive():
            try:
                queue.get(timeout=0.05)
            except Empty:
                pass
        worker.join()


def _open_batch(begin: _Transactions, source: str, agency: str | None) -> int:
    with begin() as connection:
        result = connection.execute(
            insert(IngestBatch).values(source=source, agency_override=agency, started_at=_now())
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]


def _flush(begin: _Transactions, chunk: _Chunk, summary: IngestSummary, unresolved: _Unresolved) -> None:
    if not len(chunk):
        return
    with begin() as connection:
        records, same_copies = merge_feeds(connection, chunk.records, batch_id=summary.batch_id)
        outcome: ChunkOutcome = write_chunk(
            connection, records, batch_id=summary.batch_id, now=_now(), bulk=begin.bulk
        )
        outcome.unchanged += same_copies
        unresolved.note(chunk.records, connection)
        if chunk.rejected:
            _quarantine(connection, chunk.rejected, summary)
    summary.accepted += outcome.accepted
    summary.unchanged += outcome.unchanged
    summary.rejected += len(chunk.rejected)


def _quarantine(connection: Connection, rejected: list[RejectedLine], summary: IngestSummary) -> None:
    connection.execute(
        insert(QuarantinedLine),
        [
            {
                "batch_id": summary.batch_id,
                "source": summary.source,
                "line_no": line.line_no,
                "field": line.field,
                "problem": line.all_problems,
                "raw": line.raw,
            }
            for line in rejected
        ],
    )


def _finish(
    begin: _Transactions,
    summary: IngestSummary,
    unresolved: _Unresolved,
    say: Reporter,
    on_finish: BatchHook | None,
) -> None:
    missing = sorted(
        (line_no, event_id, agency, person)
        for (agency, person), events in unresolved.waiting.items()
        for event_id, line_no in events
    )
    held_keys = sorted({(agency, event_id) for _, event_id, agency, _ in missing})
    with begin() as connection:
        set_held(connection, held_keys, held=True)
        released = release_held_events(connection)
        for line_no, event_id, agency, person in missing:
            say(
                f"{summary.source}:{line_no}: subjects: event {event_id} names person record "
                f"{person}, which {agency} has not sent; the event is held until that record arrives"
            )
        summary.held = len(held_keys)
        summary.released = len([k for k in released if k not in set(held_keys)])
        if summary.released:
            say(
                f"{summary.source}: {summary.released} held event(s) released: "
                "their person records have arrived"
            )
        connection.execute(
            update(IngestBatch)
            .where(IngestBatch.id == summary.batch_id)
            .values(
                finished_at=_now(),
                accepted=summary.accepted,
                rejected=summary.rejected,
                unchanged=summary.unchanged,
                held=summary.held,
            )
        )
        if on_finish is not None:
            on_finish(connection, summary)


def _now() -> datetime:
    return datetime.now(UTC)
