"""The built-in adapter: agency exchange format v1 as JSON Lines, streamed line by line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO, Final

import orjson

from alarmbell.ingest.base import (
    FieldError,
    ParsedLine,
    RejectedLine,
    SourceProgress,
    ValidRecord,
    Warning_,
)
from alarmbell.ingest.convert import rejected
from alarmbell.ingest.pipeline import ordered_map
from alarmbell.ingest.strict_json import repeated_key
from alarmbell.ingest.validate import validate

#: Below this size a worker process costs more to start than it saves.
PARALLEL_MIN_BYTES = 8 * 1024 * 1024
#: Windows tools (Notepad, PowerShell) start a UTF-8 file with a byte-order mark; the first line
#: is read past it, as RFC 8259 allows and as the CSV formats do.
UTF8_BOM: Final = b"\xef\xbb\xbf"
#: Bytes of whole lines handed to a worker at a time (about 5,000 records).
BLOCK_BYTES = 1 << 20


class JsonLinesAdapter:
    """JSON Lines. With `workers`, large files are parsed and validated in worker processes
    while this process writes to the store, because on 2 cores the two do not overlap in one
    process (sqlite3 holds the GIL while it binds every row)."""

    name = "jsonl"
    suffixes: tuple[str, ...] = (".jsonl", ".ndjson")

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers

    def read(
        self, path: Path, *, agency: str | None, progress: SourceProgress | None = None
    ) -> Iterator[ParsedLine]:
        parallel = self.workers > 0 and path.stat().st_size >= PARALLEL_MIN_BYTES
        with path.open("rb") as handle:
            if parallel:
                yield from read_lines_parallel(handle, agency=agency, progress=progress, workers=self.workers)
            else:
                yield from read_lines(handle, agency=agency, progress=progress)


def read_lines_parallel(
    handle: BinaryIO,
    *,
    agency: str | None,
    progress: SourceProgress | None,
    workers: int,
    block_bytes: int | None = None,
    depth: int = 6,
) -> Iterator[ParsedLine]:
    """read_lines, in blocks of raw bytes handed to worker processes; results in file order.

    The file goes out as whole-line byte blocks and comes back as plain tuples (`pack`), the
    cheapest things to pickle: unpickling dataclasses cost the writer as much as validating.
    `depth` blocks per worker may be in flight (about 2 MB each), so a worker that the
    scheduler held back can catch up.
    """
    blocks = byte_blocks(handle, block_bytes or BLOCK_BYTES, progress)
    tasks = ((data, first_line, agency) for first_line, data in blocks)
    for packed in ordered_map(parse_block, tasks, workers=workers, depth=depth, describe=_lines_from):
        yield from unpack(packed)


def _lines_from(task: tuple[bytes, int, str | None]) -> str:
    return f"the lines from line {task[1]}"


def byte_blocks(handle: BinaryIO, size: int, progress: SourceProgress | None) -> Iterator[tuple[int, bytes]]:
    """(number of the first line, whole lines of about `size` bytes), to the end of the file."""
    first = 1
    while data := handle.read(size):
        data += handle.readline()  # end every block on a line boundary
        if progress is not None:
            progress.done_bytes += len(data)
        yield first, data
        first += data.count(b"\n")


def parse_block(data: bytes, first_line: int, agency: str | None) -> list[Packed]:
    """Worker-process entry point: validate the lines of `data`, numbered from `first_line`.

    BytesIO splits lines exactly as iterating the file does (on newlines only)."""
    return [pack(item) for item in read_lines(BytesIO(data), agency=agency, first_line=first_line)]


#: A ParsedLine as a plain tuple: a ValidRecord's fields, its row as (keys, values) (the first
#: field is its record type), or a tag and a RejectedLine's or Warning_'s fields.
Packed = tuple[Any, ...]
_REJECTED: Final = "(rejected)"
_WARNING: Final = "(warning)"
#: One tuple object per distinct set of row keys, so pickle writes each once per block (a memo
#: reference after that) rather than once per record.
_ROW_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {}


def pack(item: ParsedLine) -> Packed:
    if type(item) is ValidRecord:
        row = item.row
        keys = tuple(row)
        keys = _ROW_KEYS.setdefault(keys, keys)
        return (item.record_type, item.agency, item.source_id, item.content_hash, keys,
                tuple(row.values()), item.line_no, item.parties)  # fmt: skip
    if type(item) is RejectedLine:
        return (_REJECTED, item.line_no, item.field, item.problem, item.raw, item.also)
    assert type(item) is Warning_
    return (_WARNING, item.line_no, item.field, item.problem)


def unpack(packed: list[Packed]) -> Iterator[ParsedLine]:
    """The ParsedLines again. Rows travel as a shared keys tuple and a values tuple: a dict per
    record took twice as long to unpickle as the dict built here."""
    for fields in packed:
        tag = fields[0]
        if tag == _REJECTED:
            yield RejectedLine(*fields[1:])
        elif tag == _WARNING:
            yield Warning_(*fields[1:])
        else:
            record_type, agency, source_id, content_hash, keys, values, line_no, parties = fields
            row = dict(zip(keys, values, strict=True))
            yield ValidRecord(record_type, agency, source_id, content_hash, row, line_no, parties)


def read_lines(
    lines: Iterable[bytes],
    *,
    agency: str | None,
    progress: SourceProgress | None = None,
    first_line: int = 1,
) -> Iterator[ParsedLine]:
    """Validate exchange-format lines; bad lines come back as RejectedLine, never raise."""
    warnings: list[Warning_] = []
    for line_no, raw in enumerate(lines, start=first_line):
        if progress is not None:
            progress.done_bytes += len(raw)
        stripped = raw.strip()
        if line_no == 1 and stripped.startswith(UTF8_BOM):
            stripped = stripped[len(UTF8_BOM) :].strip()
        if not stripped:
            continue
        parsed = _parse_line(raw, stripped, line_no, agency, warnings)
        if warnings:
            yield from warnings
            warnings.clear()
        yield parsed


def read_records(
    records: Iterable[Any], *, agency: str | None, repeated: Mapping[int, FieldError]
) -> Iterator[ParsedLine]:
    """Records already decoded (the HTTP API's JSON body): record N is line N.

    `repeated` holds the records that had a key twice, found in the body before decoding lost it.
    """
    warnings: list[Warning_] = []
    for index, obj in enumerate(records):
        line_no = index + 1
        try:
            if index in repeated:
                raise repeated[index]
            parsed: ParsedLine = validate(obj, line_no=line_no, agency_override=agency, warnings=warnings)
        except FieldError as error:
            warnings.clear()
            parsed = rejected(line_no, error, _raw(obj))
        yield from warnings
        warnings.clear()
        yield parsed


def _raw(obj: Any) -> bytes:
    """The record as quarantined: its JSON, or nothing when it nests too deep to be written."""
    try:
        return orjson.dumps(obj)
    except orjson.JSONEncodeError:
        return b""


def _parse_line(
    raw: bytes, stripped: bytes, line_no: int, agency: str | None, warnings: list[Warning_]
) -> ParsedLine:
    try:
        obj = orjson.loads(stripped)
    except orjson.JSONDecodeError as error:
        return RejectedLine(line_no, *_json_problem(raw, stripped, error), raw=raw)
    try:
        record = validate(obj, line_no=line_no, agency_override=agency, warnings=warnings)
    except FieldError as error:
        warnings.clear()  # a rejected line's warnings (`read 'High' as 'high'`) would only mislead
        problem = repeated_key(stripped) or error  # a repeat explains why a field looked wrong
        return rejected(line_no, problem, raw)
    # Every key is followed by a colon and text keeps its colons either way, so a line with more
    # colons than the record as written may repeat a key; only then is it parsed again to find it.
    if stripped.count(b":") > record.row["payload"].count(":") and (repeat := repeated_key(stripped)):
        warnings.clear()
        return rejected(line_no, repeat, raw)
    return record


def _json_problem(raw: bytes, stripped: bytes, error: Exception) -> tuple[str, str]:
    try:
        stripped.decode("utf-8")
    except UnicodeDecodeError as bad:
        return (
            "(line)",
            f"bytes that are not UTF-8 at byte {bad.start + 1} of the line (expected UTF-8 text; "
            "re-export the file as UTF-8)",
        )
    if not raw.endswith(b"\n"):
        return (
            "(line)",
            "the last line is truncated: the file ends in the middle of a record "
            "(expected a complete JSON object; was the file cut short in transfer?)",
        )
    return ("(line)", f"invalid JSON: {error} (expected one JSON object per line)")
