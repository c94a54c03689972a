"""The built-in adapter: agency exchange format v1 as JSON Lines, streamed line by line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import orjson

from alarmbell.ingest.base import FieldError, ParsedLine, RejectedLine, SourceProgress, Warning_
from alarmbell.ingest.validate import validate


class JsonLinesAdapter:
    name = "jsonl"
    suffixes: tuple[str, ...] = (".jsonl", ".ndjson")

    def read(
        self, path: Path, *, agency: str | None, progress: SourceProgress | None = None
    ) -> Iterator[ParsedLine]:
        with path.open("rb") as handle:
            yield from read_lines(handle, agency=agency, progress=progress)


def read_lines(
    lines: Iterable[bytes], *, agency: str | None, progress: SourceProgress | None = None
) -> Iterator[ParsedLine]:
    """Validate exchange-format lines; bad lines come back as RejectedLine, never raise."""
    warnings: list[Warning_] = []
    for line_no, raw in enumerate(lines, start=1):
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


def _parse_line(
    raw: bytes, stripped: bytes, line_no: int, agency: str | None, warnings: list[Warning_]
) -> ParsedLine:
    try:
        obj = orjson.loads(stripped)
    except orjson.JSONDecodeError as error:
        return RejectedLine(line_no, *_json_problem(raw, stripped, error), raw=raw)
    try:
        return validate(obj, line_no=line_no, agency_override=agency, warnings=warnings)
    except FieldError as error:
        return RejectedLine(line_no, error.field, _tail(error), raw=raw)


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
