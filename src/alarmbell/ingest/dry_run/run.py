"""The dry run: the adapter's records, validated as ingest validates them, compared read-only.

Counts follow ingest/service.py exactly: a record whose content hash equals the stored one, one
of its older stored versions (record_history), or an earlier copy in the same file is unchanged,
any other valid record is accepted (new or a new version), a person record naming its `feed` is
compared with that feed's stored copy (feeds.py), and an event naming a person record neither the
file nor the store holds would be held. The store is opened read only
(storage/db.read_only_engine), so a bug here cannot write to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from sqlalchemy import Engine

from alarmbell.domain.timeparse import local_moment
from alarmbell.ingest.base import AdapterRegistry, ParsedLine, RejectedLine, SourceProgress, ValidRecord
from alarmbell.ingest.birth_order import BirthOrder
from alarmbell.ingest.dry_run.coverage import coverage_of
from alarmbell.ingest.dry_run.model import FileCheck, IdentifierProblem, is_identifier
from alarmbell.storage.person_feeds import feed_copies
from alarmbell.storage.source_records import existing_people, stored_hashes, superseded_hashes

CHUNK = 5000
#: Identifier problems listed one by one; beyond this they are only counted.
LISTED = 200
RecordKey = tuple[str, str, str]  # record type (or "feed:<name>" for a feed's copy), agency, source_id


def check_file(
    *,
    path: Path,
    registry: AdapterRegistry,
    engine: Engine | None,
    agency: str | None = None,
    format_name: str | None = None,
    progress: SourceProgress | None = None,
) -> FileCheck:
    """Check one file. `engine`: the store opened read only, or None when there is none.

    Raises LookupError, as ingest does, when the format cannot be told.
    """
    adapter = registry.for_path(path, format_name)
    result = FileCheck(path=str(path), format_name=adapter.name)
    result.coverage = coverage_of(path, adapter.name)
    parsed = adapter.read(path, agency=agency, progress=progress)
    # Nothing is written, so nothing forgotten could be read back: every date of birth is kept
    # (with no store, the file's own are the only ones known).
    checked = BirthOrder(engine, forgets=False).checked(parsed)
    _Tally(result, engine).run(checked)
    return result


@dataclass
class _Tally:
    result: FileCheck
    engine: Engine | None
    latest: dict[RecordKey, str] = field(default_factory=dict)
    #: Older versions, stored or earlier in the file, of records (not of feed copies, which
    #: are compared with the feed's current copy only, as feeds.py does).
    older: dict[RecordKey, set[str]] = field(default_factory=dict)
    people: set[tuple[str, str]] = field(default_factory=set)
    waiting: dict[tuple[str, str], set[tuple[str, str]]] = field(default_factory=dict)

    def run(self, items: Iterable[ParsedLine]) -> None:
        chunk: list[ValidRecord] = []
        for item in items:
            if isinstance(item, ValidRecord):
                chunk.append(item)
                if len(chunk) >= CHUNK:
                    self._records(chunk)
                    chunk = []
            elif isinstance(item, RejectedLine):
                self._rejected(item)
            else:
                self._problem(item.line_no, item.field, item.problem, rejected=False)
        self._records(chunk)
        self._held()

    def _at(self, line_no: int) -> str:
        return f"{self.result.path}:{line_no}"

    def _rejected(self, line: RejectedLine) -> None:
        self.result.rejected += 1
        for field_name, problem in ((line.field, line.problem), *line.also):
            self._problem(line.line_no, field_name, problem, rejected=True)

    def _problem(self, line_no: int, field_name: str, problem: str, *, rejected: bool) -> None:
        at = self._at(line_no)
        (self.result.errors if rejected else self.result.warnings).add(at, field_name, problem)
        if is_identifier(field_name):
            self.result.identifier_count += 1
            if len(self.result.identifiers) < LISTED:
                self.result.identifiers.append(IdentifierProblem(at, field_name, problem, rejected))

    def _records(self, chunk: list[ValidRecord]) -> None:
        if not chunk:
            return
        keyed = [(_key(r), r) for r in chunk]
        stored = self._stored([k for k, _ in keyed if k not in self.latest])
        for key, record in keyed:
            before = self.latest.get(key, stored.get(key))
            if before == record.content_hash or record.content_hash in self.older.get(key, ()):
                self.result.unchanged += 1
            else:
                self.result.accepted += 1
                if before is not None and not key[0].startswith("feed:"):
                    self.older.setdefault(key, set()).add(before)
                self.latest[key] = record.content_hash
            self._note(record)

    def _note(self, record: ValidRecord) -> None:
        counts = self.result.records
        counts[record.record_type] = counts.get(record.record_type, 0) + 1
        if record.record_type == "person":
            self.people.add((record.agency, record.source_id))
            self.waiting.pop((record.agency, record.source_id), None)
        elif record.record_type == "event":
            self.result.note_event_day(local_moment(record.row["occurred_at"]).date())
            for person, _ in record.parties:
                if (record.agency, person) not in self.people:
                    self.waiting.setdefault((record.agency, person), set()).add(
                        (record.agency, record.source_id)
                    )

    def _stored(self, keys: list[RecordKey]) -> dict[RecordKey, str]:
        if self.engine is None or not keys:
            return {}
        found: dict[RecordKey, str] = {}
        with self.engine.connect() as connection:
            for kind in {k[0] for k in keys}:
                wanted = [(a, s) for t, a, s in keys if t == kind]
                if kind.startswith("feed:"):
                    copies = feed_copies(connection, wanted)
                    feed = kind.removeprefix("feed:")
                    found |= {(kind, *k): c[feed].content_hash for k, c in copies.items() if feed in c}
                else:
                    found |= {(kind, *k): h for k, h in stored_hashes(connection, kind, wanted).items()}
                    for k, hashes in superseded_hashes(connection, kind, wanted).items():
                        self.older.setdefault((kind, *k), set()).update(hashes)
        return found

    def _held(self) -> None:
        missing = set(self.waiting) - self.people
        if missing and self.engine is not None:
            with self.engine.connect() as connection:
                missing -= existing_people(connection, missing)
        self.result.held = len({event for person in missing for event in self.waiting[person]})


def _key(record: ValidRecord) -> RecordKey:
    """A person record naming its feed is compared with that feed's copy, as feeds.py does."""
    if record.record_type == "person" and '"feed":' in record.row["payload"]:
        feed = orjson.loads(record.row["payload"]).get("feed")
        if isinstance(feed, str) and feed:
            return (f"feed:{feed}", record.agency, record.source_id)
    return (record.record_type, record.agency, record.source_id)
