"""CSV reading for the agency CSV formats: rows with their file line numbers, cells checked precisely.

Every error names the column as the file's own header spells it and says what was expected;
the line is the line in the file where the row starts (a quoted cell may span lines).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO

from alarmbell.domain.plausible import event_date_problem, event_range_text
from alarmbell.ingest.base import FieldError, ParsedLine, SourceProgress
from alarmbell.ingest.convert import Record, RecordSink, rejected

_UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_CELL = re.compile(r'(?:^|,)("(?:[^"]|"")*"|[^,]*)')
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})
DATE_EXPECTED = "a date as YYYY-MM-DD or DD/MM/YYYY"


def column_key(header: str) -> str:
    """`Body Map Site` and `body_map_site` are the same column: exports vary in spelling."""
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


@dataclass(frozen=True)
class Row:
    """One CSV record: its cells by column key, where it starts in the file, and its raw bytes."""

    line_no: int
    cells: dict[str, str]
    names: dict[str, str]
    raw: bytes
    problem: FieldError | None = None

    def name(self, key: str) -> str:
        """The column as the file's header spells it, for messages."""
        return self.names.get(key, key)

    def text(self, key: str, *, required: bool = False, expected: str = "a value") -> str | None:
        value = self.cells.get(key, "").strip()
        if value:
            return value
        if required:
            raise FieldError(self.name(key), "empty", expected)
        return None

    def required(self, key: str, expected: str = "a value") -> str:
        value = self.text(key, required=True, expected=expected)
        assert value is not None
        return value

    def date(self, key: str, *, required: bool = False) -> str | None:
        value = self.text(key, required=required, expected=DATE_EXPECTED)
        return None if value is None else parse_date(value, self.name(key))

    def moment(self, date_key: str, time_key: str | None = None, *, required: bool = True) -> str | None:
        """A date column, with an optional separate time column, as an ISO date or date-time."""
        day = self.date(date_key, required=required)
        clock = self.text(time_key) if time_key else None
        if day is None or clock is None:
            return day
        match = _TIME.match(clock)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise FieldError(self.name(time_key or ""), f"{clock!r}", "a time as HH:MM (24-hour)")
        return f"{day}T{int(match.group(1)):02d}:{match.group(2)}:{match.group(3) or '00'}"

    def integer(self, key: str, *, required: bool = True, minimum: int = 0) -> int | None:
        value = self.text(key, required=required, expected="a whole number")
        if value is None:
            return None
        if not value.isascii() or not value.isdigit():
            raise FieldError(self.name(key), f"{value!r}", f"a whole number, {minimum} or more")
        number = int(value)
        if number < minimum:
            raise FieldError(self.name(key), f"{number}", f"a whole number, {minimum} or more")
        return number

    def yes_no(self, key: str) -> bool | None:
        value = self.text(key)
        if value is None:
            return None
        folded = value.lower()
        if folded in YES:
            return True
        if folded in NO:
            return False
        raise FieldError(self.name(key), f"{value!r}", "Yes or No (or Y/N; blank when not known)")

    def upn(self, key: str = "upn", *, required: bool = True) -> str | None:
        value = self.text(key, required=required, expected="the pupil's 13-character UPN")
        return None if value is None else well_formed_upn(value, self.name(key))


def parse_date(value: str, column: str) -> str:
    """ISO or UK day-first dates; exports from English systems use both."""
    uk = _UK_DATE.match(value)
    iso = _ISO_DATE.match(value)
    if uk:
        parts = (int(uk.group(3)), int(uk.group(2)), int(uk.group(1)))
    elif iso:
        parts = (int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    else:
        raise FieldError(column, f"{value!r}", DATE_EXPECTED)
    try:
        day = date(*parts)
    except ValueError:
        raise FieldError(column, f"{value!r} is not a real calendar date", DATE_EXPECTED) from None
    problem = event_date_problem(datetime(day.year, day.month, day.day))
    if problem is not None:
        raise FieldError(column, f"{value!r} is {problem}", event_range_text())
    return day.isoformat()


def well_formed_upn(value: str, column: str) -> str:
    """The UPN in capitals, or an error when it is not 13 characters of a UPN's shape.

    Its check letter is not enforced here: a UPN that fails it is kept with a warning and never
    keys or matches the record (validate.py), the same in every format. The adapter keys the
    pupil by something else (school_concerns.pupil_key).
    """
    upn = value.strip().upper()
    if not _UPN_SHAPE.match(upn):
        raise FieldError(
            column, f"{value!r}", "13 characters: a check letter, 11 digits, then a digit or letter"
        )
    return upn


class _Lines:
    """Feeds csv.reader one decoded line at a time and remembers the raw bytes of the current record."""

    def __init__(self, handle: IO[bytes], progress: SourceProgress | None) -> None:
        self.handle = handle
        self.progress = progress
        self.raw: list[bytes] = []
        self.bad_encoding = False
        self.first = True

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self.handle)
        if self.progress is not None:
            self.progress.done_bytes += len(line)
        self.raw.append(line)
        if self.first:
            self.first = False
            line = line.removeprefix(b"\xef\xbb\xbf")
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            self.bad_encoding = True
            return line.decode("utf-8", errors="replace")

    def take(self) -> tuple[bytes, bool]:
        raw, bad = b"".join(self.raw), self.bad_encoding
        self.raw, self.bad_encoding = [], False
        return raw, bad


def read_rows(path: Path, *, progress: SourceProgress | None = None) -> Iterator[Row]:
    """Rows of a CSV file after its header; a row with a structural problem carries it in `problem`."""
    with path.open("rb") as handle:
        lines = _Lines(handle, progress)
        reader = csv.reader(lines)
        header = next(reader, None)
        lines.take()
        if header is None:
            return
        keys = [column_key(h) for h in header]
        names = dict(zip(keys, (h.strip() for h in header), strict=True))
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # the reader starts afresh on the next line
                raw, _ = lines.take()
                line_no, start = start, reader.line_num + 1
                yield Row(line_no, {}, names, raw, unreadable_row(str(error), raw, header))
                continue
            raw, bad = lines.take()
            line_no, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            yield Row(line_no, dict(zip(keys, cells, strict=False)), names, raw, _shape(cells, keys, bad))


def unreadable_row(reason: str, raw: bytes, header: list[str]) -> FieldError:
    """What the csv module could not read, said so that the sender can fix the export."""
    if "field larger than field limit" in reason:
        limit = csv.field_size_limit()
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        cells = [m.group(1) for m in _CELL.finditer(text)]
        big = next((i for i, cell in enumerate(cells) if len(cell) > limit), None)
        column = header[big].strip() if big is not None and big < len(header) else "(line)"
        size = f"a cell of {len(cells[big]):,} characters" if big is not None else "a cell too long"
        return FieldError(column, size, f"at most {limit:,} characters in a cell")
    if "new-line character seen in unquoted field" in reason:
        return FieldError(
            "(line)",
            "a carriage return (CR) inside a cell without quotes",
            "each row on one line, or quotes around a cell that holds a line break",
        )
    return FieldError("(line)", f"not readable as CSV: {reason}", "comma-separated cells, one row per line")


def _shape(cells: list[str], keys: list[str], bad_encoding: bool) -> FieldError | None:
    if bad_encoding:
        return FieldError("(line)", "bytes that are not UTF-8", "UTF-8 text; re-export the file as UTF-8")
    if len(cells) > len(keys):
        return FieldError(
            "(line)", f"{len(cells)} cells but the header has {len(keys)} columns", "one cell per column"
        )
    return None


def missing_columns(row: Row, required: tuple[str, ...]) -> FieldError | None:
    """A required column absent from the header: every row is rejected with the same message."""
    absent = [key for key in required if key not in row.names]
    if not absent:
        return None
    return FieldError(
        absent[0],
        "column missing from the header (line 1)",
        "a header with the columns " + ", ".join(required),
    )


def when(value: str) -> datetime:
    """For ordering only: an ISO date or date-time from `Row.moment`."""
    return datetime.fromisoformat(value if "T" in value else value + "T00:00:00")


SEXES_IN = {
    "m": "M",
    "male": "M",
    "f": "F",
    "female": "F",
    "x": "X",
    "indeterminate": "X",
    "u": "U",
    "unknown": "U",
    "not known": "U",
}


def sex(row: Row, key: str) -> str | None:
    """Sex or gender as exports spell it (M, Male, F, Female...) mapped to the format's M/F/X/U."""
    value = row.text(key)
    if value is None:
        return None
    mapped = SEXES_IN.get(value.lower())
    if mapped is None:
        raise FieldError(row.name(key), f"{value!r}", "M, F, X or U (or Male, Female, Unknown)")
    return mapped


class RowAdapter:
    """A CSV format whose every row stands alone: one row in, a few records out."""

    name: str = ""
    suffixes: tuple[str, ...] = ()
    required: tuple[str, ...] = ()

    def read(
        self, path: Path, *, agency: str | None, progress: SourceProgress | None = None
    ) -> Iterator[ParsedLine]:
        sink = RecordSink(agency)
        for row in read_rows(path, progress=progress):
            problem = row.problem or missing_columns(row, self.required)
            if problem is not None:
                yield rejected(row.line_no, problem, row.raw)
                continue
            try:
                records = self.convert(row)
            except FieldError as error:
                yield rejected(row.line_no, error, row.raw)
                continue
            yield from sink.unit([(row.line_no, r) for r in records], line_no=row.line_no, raw=row.raw)

    def convert(self, row: Row) -> list[Record]:
        """The records one row stands for; raise FieldError naming the column on a bad cell."""
        raise NotImplementedError
