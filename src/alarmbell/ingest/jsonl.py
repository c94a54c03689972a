"""The built-in adapter: agency exchange format v1 as JSON Lines, streamed line by line."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from alarmbell.ingest.base import FieldError, ParsedLine, RejectedLine, SourceProgress, Warning_
from alarmbell.ingest.strict_json import repeated_key
from alarmbell.ingest.validate import validate

#: Below this size a worker process costs more to start than it saves.
PARALLEL_MIN_BYTES = 8 * 1024 * 1024


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
    block: int = 4000,
    depth: int = 4,
) -> Iterator[ParsedLine]:
    """read_lines, in blocks handed to worker processes; results come back in file order."""
    context = get_context("spawn")  # never fork a process that holds database connections
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[list[ParsedLine]]] = deque()
        for first_line, lines in _blocks(handle, block, progress):
            pending.append(pool.submit(parse_block, lines, first_line, agency))
            if len(pending) >= depth * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _blocks(
    handle: BinaryIO, size: int, progress: SourceProgress | None
) -> Iterator[tuple[int, list[bytes]]]:
    first = 1
    while lines := list(islice(handle, size)):
        if progress is not None:
            progress.done_bytes += sum(map(len, lines))
        yield first, lines
        first += len(lines)


def parse_block(lines: list[bytes], first_line: int, agency: str | None) -> list[ParsedLine]:
    """Worker-process entry point: validate a block of lines numbered from `first_line`."""
    return list(read_lines(lines, agency=agency, first_line=first_line))


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
            parsed = RejectedLine(line_no, error.field, _tail(error), raw=_raw(obj))
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
        problem = repeated_key(stripped) or error  # a repeat explains why a field looked wrong
        return RejectedLine(line_no, problem.field, _tail(problem), raw=raw)
    # Every key is followed by a colon and text keeps its colons either way, so a line with more
    # colons than the record as written may repeat a key; only then is it parsed again to find it.
    if stripped.count(b":") > record.row["payload"].count(":") and (repeat := repeated_key(stripped)):
        warnings.clear()
        return RejectedLine(line_no, repeat.field, _tail(repeat), raw=raw)
    return record


def _tail(error: FieldError) -> str:
    return error.problem + (f" (expected {error.expected})" if error.expected else "")


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
