"""The shared CSV layer every agency CSV format builds on, and `RowAdapter` for row-per-record formats.

Reading lives in csv_reader.py, one row's checked cells in csv_row.py, dates in csv_dates.py and
each template's columns in csv_templates.py; they are re-exported here for the format modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from alarmbell.ingest.base import (
    FieldError,
    ParsedLine,
    RejectedLine,
    RowErrors,
    SourceProgress,
    Warning_,
    errors_of,
)
from alarmbell.ingest.convert import Record, RecordSink, rejected
from alarmbell.ingest.csv_reader import read_rows, unreadable_row
from alarmbell.ingest.csv_row import Columns, Row, missing_columns, sex, well_formed_upn, when
from alarmbell.ingest.csv_templates import column_key

__all__ = [
    "Row",
    "RowAdapter",
    "column_key",
    "merged_event",
    "missing_columns",
    "read_rows",
    "sex",
    "unreadable_row",
    "well_formed_upn",
    "when",
    "with_format_problems",
]


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
    _warnings: list[Warning_]

    def read(
        self, path: Path, *, agency: str | None, progress: SourceProgress | None = None
    ) -> Iterator[ParsedLine]:
        sink = RecordSink(agency)
        shared: dict[str, _Shared] = {}
        self._warnings = []
        for row in read_rows(path, progress=progress, template=self.name):
            yield from row.notices
            records, problem = self._converted(row)
            yield from self._warnings
            self._warnings.clear()
            if problem is None and self.shared_columns:
                records, problem = self._hold(row, records, shared, agency)
            if problem is not None:
                yield rejected(row.line_no, problem, row.raw)
                continue
            yield from sink.unit([(row.line_no, r) for r in records], line_no=row.line_no, raw=row.raw)
        for held in shared.values():
            line_no, raw = held.row.line_no, b"".join(held.raws)
            yield from sink.unit([(line_no, held.event)], line_no=line_no, raw=raw)

    def warn(self, row: Row, column: str, problem: str) -> None:
        """Keep the row, and tell the sender something about it (reported after the row is read)."""
        self._warnings.append(Warning_(row.line_no, row.name(column), problem))

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
        return [], with_format_problems(problem, row, self.convert)

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


def with_format_problems(problem: RowErrors, row: Row, check: Callable[[Row], object]) -> RowErrors:
    """The row's bad cells, then the format's own problems with its other cells.

    The bad cells are blanked, so that `check` (the format's reading of the row) runs on the rest;
    what it finds about a column already reported is left out, so each column is named once.
    """
    reported = {e.field for e in problem.errors}
    try:
        check(without(row, reported))
    except FieldError as error:
        further = [e for e in errors_of(error) if e.field not in reported]
        return RowErrors([*problem.errors, *further])
    return problem


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
