"""`school-attendance-csv`: sessions possible and missed per pupil per term, from the school's MIS.

Only persistent absence becomes an event: a row whose absence is at least 10% of possible
sessions (the DfE's persistent-absence line, domain-facts.md) yields an `attendance_concern`.
Rows below it are read, checked and then dropped on purpose: an attendance extract lists
every pupil, and good attendance is not a safeguarding record. See
docs/formats/school-attendance-csv.md.
"""

from __future__ import annotations

from alarmbell.ingest.base import FieldError
from alarmbell.ingest.convert import Record
from alarmbell.ingest.school_concerns import AGENCY, pupil_record, student_name_problem
from alarmbell.ingest.tabular import Row, RowAdapter

PERSISTENT_ABSENCE_PCT = 10.0


def _sessions(row: Row) -> tuple[int, int]:
    possible = row.integer("sessions_possible", minimum=1)
    missed = row.integer("sessions_missed")
    assert possible is not None and missed is not None
    if missed > possible:
        raise FieldError(
            row.name("sessions_missed"),
            f"{missed} is more than the {possible} sessions possible",
            "at most Sessions Possible",
        )
    return possible, missed


def _period(row: Row) -> tuple[str, str]:
    start = row.date("period_start", required=True)
    end = row.date("period_end", required=True)
    assert start is not None and end is not None
    if end < start:
        raise FieldError(row.name("period_end"), f"{end} is before Period Start {start}", "a later date")
    return start, end


def _who(pupil: Record, upn: str) -> str:
    """The UPN in the event's id, unless it failed its check letter: then the pupil's own key."""
    key = str(pupil["source_id"])
    return upn if key == f"upn:{upn}" else key


class SchoolAttendanceAdapter(RowAdapter):
    name = "school-attendance-csv"
    suffixes: tuple[str, ...] = (".attendance.csv",)
    required = ("upn", "period_start", "period_end", "sessions_possible", "sessions_missed")

    def convert(self, row: Row) -> list[Record]:
        upn = row.upn()
        assert upn is not None
        possible, missed = _sessions(row)
        start, end = _period(row)
        pupil = pupil_record(row, upn, extract="attendance")
        if (name_problem := student_name_problem(row)) is not None:
            self.warn(row, "student", name_problem)
        absence = round(100 * missed / possible, 1)
        if absence < PERSISTENT_ABSENCE_PCT:
            return []
        attrs: Record = {
            "absence_pct": absence,
            "sessions_missed": missed,
            "sessions_possible": possible,
            "period_start": start,
        }
        for key in ("term", "school"):
            if (value := row.text(key)) is not None:
                attrs[key] = value
        for key in ("authorised_absence", "unauthorised_absence"):
            if (count := row.integer(key, required=False)) is not None:
                attrs[key] = count
        event: Record = {
            "type": "event",
            "agency": AGENCY,
            "source_id": f"attendance:{_who(pupil, upn)}:{start}:{end}",
            "kind": "attendance_concern",
            "occurred_at": end,
            "subjects": [pupil["source_id"]],
            "attrs": attrs,
        }
        return [pupil, event]
