"""CSV reading for the agency CSV formats: rows with their file line numbers, cells checked precisely.

Every error names the column as the file's own header spells it and says what was expected;
the line is the line in the file where the row starts (a quoted cell may span lines).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from alarmbell.domain.identifiers import upn_check_letter, upn_is_valid
from alarmbell.domain.timeparse import parse_moment
from alarmbell.ingest.base import FieldError, ParsedLine, RejectedLine, RowErrors, SourceProgress, Warning_
from alarmbell.ingest.convert import Record, RecordSink, rejected
from alarmbell.ingest.csv_dates import DATE_EXPECTED, read_date, read_moment, read_time
from alarmbell.ingest.csv_templates import KEYS, TEMPLATES, Column, column_key

_UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_CELL = re.compile(r'(?:^|,)("(?:[^"]|"")*"|[^,]*)')
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})


class Columns(Mapping[str, str]):
    """Values by column, looked up by any spelling of the column (`concern_id`, `Concern ID`)."""

    def __init__(self, by_key: dict[str, str]) -> None:
        self._by_key = by_key

    def __getitem__(self, name: str) -> str:
        return self._by_key[column_key(name)]

    def get(self, name: str, default: Any = None) -> Any:  # hot: every cell of every row
        return self._by_key.get(KEYS.get(name) or column_key(name), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and column_key(name) in self._by_key

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_key)

    def __len__(self) -> int:
        return len(self._by_key)


@dataclass(frozen=True)
class Row:
    """One CSV record: its cells by column, where it starts in the file, and its raw bytes.

    `notices` are warnings about the file found by the time this row was read (its encoding,
    columns the template does not know); the adapter passes them on before the row's records.
    """

    line_no: int
    cells: Mapping[str, str]
    names: Mapping[str, str]
    raw: bytes
    problem: FieldError | None = None
    notices: tuple[Warning_, ...] = ()

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
        return None if value is None else read_date(value, self.name(key))

    def moment(self, date_key: str, time_key: str | None = None, *, required: bool = True) -> str | None:
        """A date column, with an optional separate time column, as an ISO date or date-time.

        A date cell may carry its own time; a separate time cell then only fills a midnight
        (exports write `00:00:00` for "no time") and must otherwise agree with it.
        """
        value = self.text(date_key, required=required, expected=DATE_EXPECTED)
        if value is None:
            return None
        moment = read_moment(value, self.name(date_key))
        clock_text = self.text(time_key) if time_key else None
        if clock_text is None or time_key is None:
            return moment
        clock = read_time(clock_text, self.name(time_key))
        if "T" not in moment or moment[11:] == "00:00:00":
            return f"{moment[:10]}T{clock}"
        if moment[11:19] == clock:
            return moment
        raise FieldError(
            self.name(time_key),
            f"{clock_text!r} differs from the time in {self.name(date_key)} {value!r}",
            "the same time in both, or the time in one of them",
        )

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
        return None if value is None else check_upn(value, self.name(key))


def check_upn(value: str, column: str) -> str:
    """A UPN with the right check letter, or an error that says which letter the rest implies."""
    upn = value.strip().upper()
    if not _UPN_SHAPE.match(upn):
        raise FieldError(
            column, f"{value!r}", "13 characters: a check letter, 11 digits, then a digit or letter"
        )
    if not upn_is_valid(upn):
        try:
            right = upn_check_letter(upn[1:])
        except ValueError:
            raise FieldError(column, f"{value!r} has a character no UPN uses", "a valid UPN") from None
        raise FieldError(
            column,
            f"{upn} fails the check letter: the other 12 characters give {right!r}, not {upn[0]!r}",
            "a UPN whose first letter is the modulus-23 check letter of the rest (mistyped?)",
        )
    return upn


WINDOWS_1252_NOTICE = (
    "read as Windows-1252, not UTF-8, from this line on (the encoding of Excel's \"CSV (Comma "
    'delimited)" on Windows); lines that are UTF-8 were read as UTF-8. Save as "CSV UTF-8" '
    "to avoid this warning"
)


class _Lines:
    """Feeds csv.reader one decoded line at a time and remembers the raw bytes of the current record.

    Each line is read as UTF-8 (a byte-order mark is dropped) and, when it is not UTF-8, as
    Windows-1252, the encoding Excel writes "CSV" in on UK Windows; text in either is
    unambiguous line by line, since Windows-1252 text with accents is almost never valid UTF-8.
    """

    def __init__(self, handle: IO[bytes], progress: SourceProgress | None) -> None:
        self.handle = handle
        self.progress = progress
        self.raw: list[bytes] = []
        self.bad_encoding = False
        self.legacy = False
        self.legacy_seen = False
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
            pass
        try:
            text = line.decode("cp1252")
        except UnicodeDecodeError:
            self.bad_encoding = True
            return line.decode("utf-8", errors="replace")
        self.legacy = True
        return text

    def take(self) -> tuple[bytes, bool]:
        raw, bad = b"".join(self.raw), self.bad_encoding
        self.raw, self.bad_encoding = [], False
        return raw, bad

    def notice(self, line_no: int) -> list[Warning_]:
        """The once-per-file warning that some lines were read as Windows-1252, at the first."""
        if not self.legacy or self.legacy_seen:
            return []
        self.legacy_seen = True
        return [Warning_(line_no, "(file)", WINDOWS_1252_NOTICE)]


@dataclass
class _Header:
    """The header line: column keys in order, the file's own spellings, and what to warn about."""

    keys: list[str]
    names: Columns
    notices: list[Warning_] = field(default_factory=list)


def _header(cells: list[str], template: str | None) -> _Header:
    """First of two columns that differ only in spelling is used; unknown columns are named once."""
    keys = [column_key(h) for h in cells]
    names: dict[str, str] = {}
    notices: list[Warning_] = []
    known = {c.key for c in TEMPLATES.get(template or "", ())}
    for position, (key, name) in enumerate(zip(keys, (h.strip() for h in cells), strict=True), start=1):
        if not key:
            if name:
                notices.append(Warning_(1, name, "a column name without a letter or digit, so ignored"))
            continue
        if key in names:
            notices.append(Warning_(1, name, _duplicate(name, names[key], keys.index(key) + 1, position)))
            keys[position - 1] = ""
            continue
        names[key] = name
        if known and key not in known:
            notices.append(Warning_(1, name, f"not a column of the {template} template, so ignored"))
    return _Header(keys, Columns(names), notices)


def _duplicate(name: str, first: str, first_at: int, at: int) -> str:
    return (
        f"column {at} is the same column as {first!r} (column {first_at}) once case, spaces and "
        f"punctuation are ignored; column {first_at} is used, column {at} ignored"
    )


def read_rows(
    path: Path, *, progress: SourceProgress | None = None, template: str | None = None
) -> Iterator[Row]:
    """Rows of a CSV file after its header; a row with a structural problem carries it in `problem`.

    With a template (csv_templates.py), unknown columns are warned about once and every typed
    cell of a row is checked, so `problem` holds all of the row's bad cells (RowErrors).
    """
    with path.open("rb") as handle:
        if (utf16 := _utf16(handle)) is not None:
            yield Row(1, Columns({}), Columns({}), b"", utf16)
            return
        lines = _Lines(handle, progress)
        reader = csv.reader(lines)
        first = next(reader, None)
        lines.take()
        if first is None:
            return
        header = _header(first, template)
        columns = checked_columns(template, header.names)
        notices = header.notices + lines.notice(1)
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # the reader starts afresh on the next line
                raw, _ = lines.take()
                line_no, start = start, reader.line_num + 1
                yield Row(line_no, Columns({}), header.names, raw, unreadable_row(str(error), raw, first))
                continue
            raw, bad = lines.take()
            line_no, start = start, reader.line_num + 1
            notices += lines.notice(line_no)
            if not any(c.strip() for c in cells):
                continue
            yield _row(line_no, cells, header, raw, _shape(cells, header.keys, bad), tuple(notices), columns)
            notices = []


def _row(
    line_no: int,
    cells: list[str],
    header: _Header,
    raw: bytes,
    problem: FieldError | None,
    notices: tuple[Warning_, ...],
    columns: tuple[Column, ...],
) -> Row:
    by_key = {key: cell for key, cell in zip(header.keys, cells, strict=False) if key}
    row = Row(line_no, Columns(by_key), header.names, raw, problem, notices)
    if problem is None and (errors := cell_errors(row, columns)):
        return replace(row, problem=RowErrors(errors))
    return row


def _utf16(handle: IO[bytes]) -> FieldError | None:
    """A UTF-16 file (Excel's "Unicode Text") cannot be read line by line: say so once."""
    start = handle.read(2)
    handle.seek(0)
    if start not in (b"\xff\xfe", b"\xfe\xff"):
        return None
    return FieldError(
        "(file)",
        'UTF-16 text (Excel\'s "Unicode Text"), not CSV',
        'the sheet saved as "CSV UTF-8" or "CSV (Comma delimited)"',
    )


def checked_columns(template: str | None, names: Mapping[str, str]) -> tuple[Column, ...]:
    """The template's columns in this file that have something to check (a kind, or required)."""
    return tuple(
        c for c in TEMPLATES.get(template or "", ()) if c.key in names and (c.kind != "text" or c.required)
    )


def cell_errors(row: Row, columns: tuple[Column, ...]) -> list[FieldError]:
    """Every cell of the row that is not of its column's kind, or empty where required."""
    errors: list[FieldError] = []
    for column in columns:
        try:
            _check(row, column)
        except FieldError as error:
            errors.append(error)
    return errors


def _check(row: Row, column: Column) -> None:
    key, required = column.key, column.required
    if column.kind == "date":
        row.date(key, required=required)
    elif column.kind == "moment":
        row.moment(key, required=required)
    elif column.kind == "integer":
        row.integer(key, required=required)
    elif column.kind == "yes_no":
        row.yes_no(key)
    elif column.kind == "sex":
        sex(row, key)
    elif column.kind == "time":
        if (value := row.text(key)) is not None:
            read_time(value, row.name(key))
    else:
        row.text(key, required=required)


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
    """A row whose cells do not line up with the header is rejected, never read shifted."""
    if bad_encoding:
        return FieldError(
            "(line)",
            "bytes that are neither UTF-8 nor Windows-1252",
            'text in one encoding; re-export the file as "CSV UTF-8"',
        )
    if len(cells) != len(keys):
        return FieldError(
            "(line)",
            f"{len(cells)} cells, the header has {len(keys)}",
            "one cell per header column; a cell holding a comma or a line break needs quotes",
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
    """For ordering only: an ISO date or date-time from `Row.moment`, as a UTC instant (a time
    with an offset and one without compare as the instants they are)."""
    return parse_moment(value)


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


@dataclass
class _Shared:
    """An event several rows name (a concern about two pupils): its first row and the merged event."""

    row: Row
    event: Record
    raws: list[bytes]


class RowAdapter:
    """A CSV format whose every row stands alone: one row in, a few records out.

    `shared_columns` makes events with the same source_id from several rows one event whose
    subjects are every row's subjects (one row per pupil a concern names): those columns must
    agree on each of its rows, and the event is sent after the file, once.
    """

    name: str = ""
    suffixes: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    shared_columns: tuple[str, ...] = ()

    def read(
        self, path: Path, *, agency: str | None, progress: SourceProgress | None = None
    ) -> Iterator[ParsedLine]:
        sink = RecordSink(agency)
        shared: dict[str, _Shared] = {}
        for row in read_rows(path, progress=progress, template=self.name):
            yield from row.notices
            records, problem = self._converted(row)
            if problem is None and self.shared_columns:
                records, problem = self._hold(row, records, shared, agency)
            if problem is not None:
                yield rejected(row.line_no, problem, row.raw)
                continue
            yield from sink.unit([(row.line_no, r) for r in records], line_no=row.line_no, raw=row.raw)
        for held in shared.values():
            line_no, raw = held.row.line_no, b"".join(held.raws)
            yield from sink.unit([(line_no, held.event)], line_no=line_no, raw=raw)

    def _converted(self, row: Row) -> tuple[list[Record], FieldError | None]:
        """The row's records, or all its problems: bad cells, then the first the format finds."""
        problem = row.problem or missing_columns(row, self.required)
        if problem is not None and not isinstance(problem, RowErrors):
            return [], problem
        if problem is None:
            try:
                return self.convert(row), None
            except FieldError as error:
                return [], error
        assert isinstance(problem, RowErrors)
        reported = {e.field for e in problem.errors}
        try:  # the bad cells blanked, so that the format's own checks of the other cells run
            self.convert(without(row, reported))
        except FieldError as error:
            if error.field not in reported:
                return [], RowErrors([*problem.errors, error])
        return [], problem

    def _hold(
        self, row: Row, records: list[Record], shared: dict[str, _Shared], agency: str | None
    ) -> tuple[list[Record], FieldError | None]:
        """Keep the row's events back to merge them with other rows'; send the rest now.

        The whole row is validated first, so a row stays all or nothing: no pupil of a rejected
        row becomes a subject of the merged event.
        """
        probe = RecordSink(agency).unit([(row.line_no, r) for r in records], line_no=0, raw=b"")
        for bad in (p for p in probe if isinstance(p, RejectedLine)):
            return [], FieldError(bad.field, bad.problem)
        events = [r for r in records if r.get("type") == "event"]
        for event in events:
            held = shared.get(event["source_id"])
            if held is None:
                shared[event["source_id"]] = _Shared(row, event, [row.raw])
            elif (clash := self._clash(row, held)) is not None:
                return [], clash
        for event in events:
            held = shared[event["source_id"]]
            if held.row is not row:
                held.event = merged_event(held.event, event)
                held.raws.append(row.raw)
        return [r for r in records if r.get("type") != "event"], None

    def _clash(self, row: Row, held: _Shared) -> FieldError | None:
        for key in self.shared_columns:
            mine, first = row.cells.get(key, "").strip(), held.row.cells.get(key, "").strip()
            if mine != first:
                return FieldError(
                    row.name(key),
                    f"{mine!r} differs from {first!r} on line {held.row.line_no}, a row of the same "
                    f"{held.event['source_id']}",
                    "the same details on every row of one concern (one row per pupil it names)",
                )
        return None

    def convert(self, row: Row) -> list[Record]:
        """The records one row stands for; raise FieldError naming the column on a bad cell."""
        raise NotImplementedError


def without(row: Row, columns: set[str]) -> Row:
    """The row with the cells of these columns (named as in the file) blank."""
    blank = {key for key, name in row.names.items() if name in columns}
    cells = {key: "" if key in blank else value for key, value in row.cells.items()}
    return replace(row, cells=Columns(cells), problem=None)


def merged_event(first: Record, later: Record) -> Record:
    """One event for both rows: every subject, and per-pupil attributes that differ all kept."""
    merged = dict(first)
    merged["subjects"] = list(dict.fromkeys([*first["subjects"], *later["subjects"]]))
    attrs = dict(first.get("attrs") or {})
    for key, value in (later.get("attrs") or {}).items():
        mine = attrs.get(key)
        if mine is None:
            attrs[key] = value
        elif isinstance(mine, str) and isinstance(value, str) and value not in mine.split("; "):
            attrs[key] = f"{mine}; {value}"
    merged["attrs"] = attrs
    return merged
