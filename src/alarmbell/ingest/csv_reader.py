"""Reading a CSV file into rows: encoding, header, row width and each cell's kind, per template.

The line is the line in the file where the row starts (a quoted cell may span lines).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Final

from alarmbell.ingest.base import FieldError, RowErrors, SourceProgress, Warning_
from alarmbell.ingest.code_values import read_as
from alarmbell.ingest.csv_dates import hhmm_time, read_time
from alarmbell.ingest.csv_row import Columns, Row, sex, sex_word
from alarmbell.ingest.csv_templates import TEMPLATES, Column, Kind, column_key

#: Where the case systems' names for each template column are listed, for the header's warning.
SYSTEM_NAMES_DOC: Final[str] = (
    "a case system's name for it: docs/formats/README.md#csv-templates-what-every-csv-format-accepts"
)
_CELL = re.compile(r'(?:^|,)("(?:[^"]|"")*"|[^,]*)')
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
    """First of two columns that differ only in spelling is used; unknown columns are named once.

    A case system's name for a template column (`Occurrence Number`) is read as that column,
    said once; beside the column under the template's own name it is the same column twice.
    """
    columns = TEMPLATES.get(template or "", ())
    system = {column_key(n): c for c in columns for n in c.system_names}
    keys = [column_key(h) for h in cells]
    names: dict[str, str] = {}
    notices: list[Warning_] = []
    known = {key for c in columns for key in c.keys}
    for position, name in enumerate((h.strip() for h in cells), start=1):
        key = keys[position - 1]
        if (column := system.get(key)) is not None:
            key = keys[position - 1] = column.key
            if key in names:
                first_at = keys.index(key) + 1
                notices.append(Warning_(1, name, _same_column(column.header, names[key], first_at, position)))
                keys[position - 1] = ""
                continue
            notices.append(Warning_(1, name, f"read as the {column.header} column ({SYSTEM_NAMES_DOC})"))
        if not key:
            if name:
                notices.append(Warning_(1, name, "a column name without a letter or digit, so ignored"))
            continue
        if key in names:
            notices.append(Warning_(1, name, _duplicate(names[key], keys.index(key) + 1, position)))
            keys[position - 1] = ""
            continue
        names[key] = name
        if known and key not in known:
            notices.append(Warning_(1, name, f"not a column of the {template} template, so ignored"))
    return _Header(keys, Columns(names), notices)


def _same_column(header: str, first: str, first_at: int, at: int) -> str:
    return (
        f"a case system's name for the {header} column, which is already {first!r} (column "
        f"{first_at}); column {first_at} is used, column {at} ignored"
    )


def _duplicate(first: str, first_at: int, at: int) -> str:
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
        first_raw, _ = lines.take()
        if first is None:
            return
        first, nul_notices = _header_without_nul(first)
        if nul_notices and not any(cell.strip() for cell in first):
            yield Row(1, Columns({}), Columns({}), first_raw, _no_header())
            return
        header = _header(first, template)
        columns = checked_columns(template, header.names)
        notices = nul_notices + header.notices + lines.notice(1)
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
            problem = nul_problem(cells, first) or _shape(cells, header.keys, bad)
            yield _row(line_no, cells, header, raw, problem, tuple(notices), columns)
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
    if problem is None:
        notices += tuple(staff_forms(line_no, by_key, header.names, columns))
    row = Row(line_no, Columns(by_key), header.names, raw, problem, notices)
    if problem is None and (errors := cell_errors(row, columns)):
        return replace(row, problem=RowErrors(errors))
    return row


#: Forms staff write a cell of a kind in (`Woman`, `2305`), by kind -> the template's form, or None.
STAFF_FORMS: Final[dict[Kind, Callable[[str], str | None]]] = {"sex": sex_word, "time": hhmm_time}


def staff_forms(
    line_no: int, cells: dict[str, str], names: Mapping[str, str], columns: tuple[Column, ...]
) -> list[Warning_]:
    """Cells written in a form staff use rewritten in the template's own, with a warning each.

    Rewriting the cell (its raw bytes are kept for quarantine) means every later reading of the
    row, the kind check and the format's own, sees one spelling, and the warning is said once.
    """
    warnings: list[Warning_] = []
    for column in columns:
        reading = STAFF_FORMS.get(column.kind)
        written = cells.get(column.key, "").strip()
        read = reading(written) if reading is not None and written else None
        if read is not None:
            cells[column.key] = read
            warnings.append(read_as(line_no, names.get(column.key, column.key), written, read))
    return warnings


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
    elif column.kind == "number":
        row.number(key)
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


#: What a NUL byte (character 0) in a CSV file usually is: no text holds one, and a file a copy or
#: a disk left unfinished is filled with them (at its end, or all through). Before, a NUL in a
#: cell was caught only later, under the record's field name rather than the column's; NUL
#: padding was "1 cells, the header has 16"; a file of nothing else was "0 accepted, 0 rejected".
NUL: Final = "\x00"
NUL_EXPECTED: Final = (
    "text without NUL bytes; a file holding them was usually not completely written: export it again"
)


def _no_header() -> FieldError:
    return FieldError(
        "(file)",
        "only NUL bytes (character 0) where the header line should be, so no line can be read",
        "a header line naming the columns; " + NUL_EXPECTED,
    )


def _header_without_nul(cells: list[str]) -> tuple[list[str], list[Warning_]]:
    """The header's cells with NUL bytes removed (a NUL before the first column's name is how
    some exports begin), said once, so that the lines after it are still read."""
    count = sum(cell.count(NUL) for cell in cells)
    if not count:
        return cells, []
    cleaned = [cell.replace(NUL, "") for cell in cells]
    removed = f"{_bytes(count)} (character 0) removed from the header line; {NUL_EXPECTED}"
    return cleaned, [Warning_(1, "(header)", removed)]


def nul_problem(cells: list[str], header: list[str]) -> FieldError | None:
    """A row holding NUL bytes is rejected, naming each cell that holds them (or the line, when
    it holds nothing else): they are never stored, and never read as part of a name or a date."""
    if not any(NUL in cell for cell in cells):
        return None
    if not any(cell.replace(NUL, "").strip() for cell in cells):
        count = sum(cell.count(NUL) for cell in cells)
        return FieldError("(line)", f"{_bytes(count)} (character 0) and nothing else", NUL_EXPECTED)
    errors = [
        FieldError(
            header[i].strip() if i < len(header) else f"(cell {i + 1})",
            f"{_bytes(cell.count(NUL))} (character 0) in the cell",
            NUL_EXPECTED,
        )
        for i, cell in enumerate(cells)
        if NUL in cell
    ]
    return RowErrors(errors) if len(errors) > 1 else errors[0]


def _bytes(count: int) -> str:
    return f"{count} NUL byte{'s' if count != 1 else ''}"


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
