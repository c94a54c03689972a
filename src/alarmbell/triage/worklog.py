"""Time recording: who spent how many hours on which item, from the CLI, a CSV file or the API.

Hours are what the analytics weigh against harm, so each entry is checked (a real item, 0 to 24
hours, not in the future) and audited like any other triage step. A CSV import keeps every good
line and reports each bad one as FILE:LINE: FIELD: problem, the way ingest does.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.audit import Actor
from alarmbell.domain.errors import ServiceError
from alarmbell.storage.tables import TriageItem, TriageWorkLog
from alarmbell.triage.service import TriageError, audit, get_item
from alarmbell.triage.timescales import ENGLAND

MAX_HOURS: Final = 24.0
CSV_COLUMNS: Final = ("item_id", "person", "hours", "worked_on")
OPTIONAL_COLUMNS: Final = ("note",)
#: A CSV line dated without a time is taken as worked from 09:00 that day, England time.
DEFAULT_START_HOUR: Final = 9


@dataclass(frozen=True, slots=True)
class WorkLogEntry:
    id: int
    item_id: int
    person: str
    team: str
    hours: float
    worked_at: datetime
    source: str
    note: str | None


@dataclass
class ImportResult:
    accepted: int = 0
    problems: list[str] = field(default_factory=list)
    #: Lines already imported (the same item, person, hours and start), so not logged again.
    unchanged: int = 0

    @property
    def rejected(self) -> int:
        return len(self.problems)

    @property
    def line(self) -> str:
        return f"{self.accepted} accepted, {self.rejected} rejected, {self.unchanged} unchanged"


def log_time(
    session: Session,
    *,
    item_id: int,
    person: str,
    hours: float,
    worked_at: datetime,
    now: datetime,
    source: str,
    recorded_by: str | None = None,
    note: str | None = None,
    actor: Actor | None = None,
) -> WorkLogEntry:
    """Record `hours` by `person` on an item (booked to the item's team); audited. The caller commits.

    The audit log names `actor` (who is signed in, with role and agency) or else `recorded_by`;
    the note stays in the work log."""
    person = person.strip()
    if not person or len(person) > 200:
        raise TriageError("give the name of the person who did the work (at most 200 characters)")
    if not 0 < hours <= MAX_HOURS:
        raise TriageError(f"hours must be more than 0 and at most {MAX_HOURS:g} for one entry")
    if worked_at.tzinfo is None or worked_at > now:
        raise TriageError("give when the work was done, with a time zone, and not in the future")
    item = get_item(session, item_id)
    row = TriageWorkLog(
        item_id=item.id,
        person=person,
        team=item.team,
        hours=float(hours),
        worked_at=worked_at,
        recorded_at=now,
        recorded_by=(recorded_by or person).strip(),
        source=source,
        note=(note or "").strip() or None,
    )
    session.add(row)
    session.flush()
    detail = {"hours": row.hours, "person": person, "worked_at": worked_at.isoformat(), "source": source}
    audit(session, item, "time_logged", row.recorded_by, now, detail, actor=actor)
    return _entry(row)


def work_log(session: Session, *, item_id: int) -> list[WorkLogEntry]:
    query = select(TriageWorkLog).where(TriageWorkLog.item_id == item_id).order_by(TriageWorkLog.worked_at)
    return [_entry(row) for row in session.scalars(query)]


def _entry(row: TriageWorkLog) -> WorkLogEntry:
    return WorkLogEntry(
        row.id, row.item_id, row.person, row.team, row.hours, row.worked_at, row.source, row.note
    )


def import_time_csv(
    session: Session,
    *,
    lines: Iterable[str],
    source_name: str,
    now: datetime,
    recorded_by: str,
    actor: Actor | None = None,
) -> ImportResult:
    """Import `item_id,person,hours,worked_on[,note]` lines (a header row first).

    `worked_on` is a date (YYYY-MM-DD, taken as 09:00 England time) or an ISO date-time.
    Each good line is logged; each bad one is reported and skipped. The caller commits.
    Each line is audited as `actor` (the command line's `cli:<login>`) with `recorded_by`
    beside it, or as `recorded_by` when no actor is given.
    """
    result = ImportResult()
    reader = csv.DictReader(lines)
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        result.problems.append(
            f"{source_name}:1: header: missing column(s) {', '.join(missing)} "
            f"(expected {','.join(CSV_COLUMNS)}[,note])"
        )
        return result
    for row in reader:
        line_no = reader.line_num
        try:
            logged = _import_row(session, row, now=now, recorded_by=recorded_by, actor=actor)
        except _RowError as error:
            result.problems.append(f"{source_name}:{line_no}: {error.field}: {error}")
        except TriageError as error:
            result.problems.append(f"{source_name}:{line_no}: item_id: {error}")
        else:
            result.accepted += logged
            result.unchanged += not logged
    return result


def _imported_before(session: Session, item_id: int, person: str, hours: float, worked_at: datetime) -> bool:
    """Whether a CSV import already logged this line: a timesheet imported twice (a job run
    again, a file sent again) doubled every hour it held, and the analytics weighed them twice.
    Two sessions of one length on one item and day are told apart by their start times."""
    query = select(TriageWorkLog.id).where(
        TriageWorkLog.item_id == item_id,
        TriageWorkLog.person == person,
        TriageWorkLog.hours == float(hours),
        TriageWorkLog.worked_at == worked_at,
        TriageWorkLog.source == "csv",
    )
    return session.scalars(query.limit(1)).first() is not None


class _RowError(ServiceError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


def _import_row(
    session: Session, row: dict[str, str | None], *, now: datetime, recorded_by: str, actor: Actor | None
) -> bool:
    """Log one line; False when the same line was imported before (so nothing is logged)."""
    item_id = _int(row.get("item_id"))
    hours = _hours(row.get("hours"))
    worked_at = parse_worked(row.get("worked_on") or "")
    if session.get(TriageItem, item_id) is None:
        raise _RowError("item_id", f"no triage item {item_id}")
    person = (row.get("person") or "").strip() or _missing("person")
    if _imported_before(session, item_id, person, hours, worked_at):
        return False
    log_time(
        session,
        item_id=item_id,
        person=person,
        hours=hours,
        worked_at=worked_at,
        now=now,
        source="csv",
        recorded_by=recorded_by,
        note=row.get("note"),
        actor=actor,
    )
    return True


def _missing(field_name: str) -> str:
    raise _RowError(field_name, "missing (expected a name)")


def _int(text: str | None) -> int:
    value = (text or "").strip()
    if not value.isdigit():
        raise _RowError("item_id", f"{value!r} (expected a triage item id, a whole number)")
    return int(value)


def _hours(text: str | None) -> float:
    value = (text or "").strip()
    try:
        hours = float(value)
    except ValueError:
        raise _RowError("hours", f"{value!r} (expected a number of hours, e.g. 1.5)") from None
    if not 0 < hours <= MAX_HOURS:
        raise _RowError("hours", f"{value!r} (expected more than 0 and at most {MAX_HOURS:g})")
    return hours


def parse_worked(text: str) -> datetime:
    """A date (09:00 England time that day) or an ISO date-time (England time if it has no zone)."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, DEFAULT_START_HOUR, tzinfo=ENGLAND).astimezone(UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _RowError("worked_on", f"{value!r} (expected YYYY-MM-DD or an ISO 8601 date-time)") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=ENGLAND)).astimezone(UTC)
