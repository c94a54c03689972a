"""Time recording: checked, audited, and importable from CSV with line-numbered problems."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from alarmbell.triage import ImportResult, TriageError, audit_trail, import_time_csv, log_time, work_log

from .conftest import add, offence_item

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_log_time_books_to_the_items_team_and_is_audited(session: Session) -> None:
    item_id = add(session, offence_item("bigamy", T0, harm=10, team="Police child protection unit"))
    entry = log_time(
        session,
        item_id=item_id,
        person="DC Morgan",
        hours=6.5,
        worked_at=T0,
        now=T0 + timedelta(hours=7),
        source="cli",
    )
    assert (entry.team, entry.hours) == ("Police child protection unit", 6.5)
    assert [e.kind for e in audit_trail(session, item_id)] == ["created", "time_logged"]


@pytest.mark.parametrize(
    ("hours", "worked_at", "message"),
    [
        (0, T0, "hours"),
        (25, T0, "hours"),
        (2, T0 + timedelta(days=2), "future"),
        (2, T0.replace(tzinfo=None), "time zone"),
    ],
)
def test_bad_entries_are_refused(session: Session, hours: float, worked_at: datetime, message: str) -> None:
    item_id = add(session, offence_item("x", T0, harm=10))
    with pytest.raises(TriageError, match=message):
        log_time(
            session,
            item_id=item_id,
            person="A",
            hours=hours,
            worked_at=worked_at,
            now=T0 + timedelta(days=1),
            source="cli",
        )


def test_csv_import_keeps_good_lines_and_reports_bad_ones(session: Session) -> None:
    item_id = add(session, offence_item("x", T0, harm=10))
    text = (
        "item_id,person,hours,worked_on,note\n"
        f"{item_id},DC Morgan,6,2026-11-03,statements\n"
        f"{item_id},DC Okafor,1.5,2026-11-03T14:00:00+00:00,\n"
        "999,DC Morgan,2,2026-11-03,\n"
        f"{item_id},DC Morgan,lots,2026-11-03,\n"
        f"{item_id},DC Morgan,2,yesterday,\n"
        f"{item_id},,2,2026-11-03,\n"
    )
    result = import_time_csv(
        session,
        lines=text.splitlines(keepends=True),
        source_name="hours.csv",
        now=T0 + timedelta(days=3),
        recorded_by="clerk",
    )
    assert result.accepted == 2
    assert result.problems == [
        "hours.csv:4: item_id: no triage item 999",
        "hours.csv:5: hours: 'lots' (expected a number of hours, e.g. 1.5)",
        "hours.csv:6: worked_on: 'yesterday' (expected YYYY-MM-DD or an ISO 8601 date-time)",
        "hours.csv:7: person: missing (expected a name)",
    ]
    entries = work_log(session, item_id=item_id)
    assert [(e.person, e.hours, e.source) for e in entries] == [
        ("DC Morgan", 6.0, "csv"),
        ("DC Okafor", 1.5, "csv"),
    ]
    assert entries[0].worked_at == datetime(2026, 11, 3, 9, 0, tzinfo=UTC)  # 09:00 GMT


def test_csv_without_the_columns_is_refused_whole(session: Session) -> None:
    result = import_time_csv(session, lines=["who,when\n"], source_name="bad.csv", now=T0, recorded_by="x")
    assert (
        result.accepted == 0 and "missing column(s) item_id, person, hours, worked_on" in result.problems[0]
    )


def test_importing_a_timesheet_again_changes_nothing(session: Session) -> None:
    """A timesheet imported twice (a job run again, a file sent again) doubled its hours, and the
    displacement analytics weighed them twice. Sessions of one length on one day are told apart
    by their start times; hours logged by hand or through the API are not matched."""
    item_id = add(session, offence_item("x", T0, harm=10))
    text = (
        "item_id,person,hours,worked_on\n"
        f"{item_id},DC Morgan,2,2026-11-03T09:00:00+00:00\n"
        f"{item_id},DC Morgan,2,2026-11-03T14:00:00+00:00\n"
        f"{item_id},DC Okafor,1.5,2026-11-03\n"
    )
    log_time(session, item_id=item_id, person="DC Okafor", hours=1.5, worked_at=T0 + timedelta(days=1),
             now=T0 + timedelta(days=3), source="api")  # fmt: skip

    def imported() -> ImportResult:
        return import_time_csv(
            session,
            lines=text.splitlines(keepends=True),
            source_name="week.csv",
            now=T0 + timedelta(days=3),
            recorded_by="clerk",
        )

    assert imported().accepted == 3
    again = imported()
    hours = [(e.person, e.hours, e.source) for e in work_log(session, item_id=item_id)]
    assert sorted(hours) == [
        ("DC Morgan", 2.0, "csv"),
        ("DC Morgan", 2.0, "csv"),
        ("DC Okafor", 1.5, "api"),
        ("DC Okafor", 1.5, "csv"),
    ]
    assert (again.accepted, again.rejected, again.unchanged) == (0, 0, 3)
    assert again.line == "0 accepted, 0 rejected, 3 unchanged"
