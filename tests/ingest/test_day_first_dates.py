"""Dates written the English way in the exchange format (`03/04/2025` is 3 April 2025) are read
as CSV intake reads them, stored as ISO dates and warned about; impossible dates keep a precise
error (ingest/day_first_dates.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from alarmbell.ingest.csv_dates import read_moment
from alarmbell.ingest.service import IngestSummary, ingest_file
from alarmbell.storage.tables import EventRecordRow, PersonRecordRow
from tests.helpers import event, person, write_jsonl


def _ingest(engine: Engine, path: Path) -> tuple[IngestSummary, list[str]]:
    messages: list[str] = []
    summary = ingest_file(engine=engine, path=path, agency=None, report=messages.append)
    return summary, messages


def _stored(engine: Engine, table: type[PersonRecordRow | EventRecordRow], source_id: str) -> Any:
    with engine.connect() as connection:
        return connection.execute(select(table).where(table.source_id == source_id)).one()


def test_a_day_first_date_is_stored_as_iso_with_a_warning_and_reingesting_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    lines = [
        person("P1", dob="03/04/2015"),
        event("E1", ["P1"], occurred_at="03/04/2025", recorded_at="04/04/2025 14:30"),
    ]
    file = write_jsonl(tmp_path / "in.jsonl", lines)
    summary, messages = _ingest(engine, file)
    assert (summary.accepted, summary.rejected, summary.warnings) == (2, 0, 3), messages
    assert messages == [
        f"{file}:1: dob: warning: read '03/04/2015' day first, as 3 April 2015 (2015-04-03)",
        f"{file}:2: occurred_at: warning: read '03/04/2025' day first, as 3 April 2025 (2025-04-03)",
        f"{file}:2: recorded_at: warning: read '04/04/2025 14:30' day first, "
        "as 4 April 2025 at 14:30 (2025-04-04T14:30:00)",
    ]
    child = _stored(engine, PersonRecordRow, "P1")
    assert (child.dob, child.payload["dob"]) == ("2015-04-03", "2015-04-03")
    stored = _stored(engine, EventRecordRow, "E1")
    assert stored.payload["occurred_at"] == "2025-04-03"
    assert (stored.occurred_at.month, stored.occurred_at.day) == (4, 3)  # April the 3rd, not March the 4th
    again, _ = _ingest(engine, file)
    assert (again.accepted, again.rejected, again.unchanged) == (0, 0, 2)
    assert _stored(engine, EventRecordRow, "E1").content_hash == stored.content_hash


def test_the_iso_date_after_the_day_first_one_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    day_first = event("E1", ["P1"], occurred_at="03/04/2025")
    _ingest(engine, write_jsonl(tmp_path / "a.jsonl", [person("P1"), day_first]))
    iso = event("E1", ["P1"], occurred_at="2025-04-03")
    summary, messages = _ingest(engine, write_jsonl(tmp_path / "b.jsonl", [person("P1"), iso]))
    assert (summary.accepted, summary.unchanged, messages) == (0, 2, [])


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (event("E1", ["P1"], occurred_at="31/02/2025"),
         "occurred_at: '31/02/2025' is not a real calendar date (expected a date as YYYY-MM-DD, DD/MM/YYYY "
         "or DD-Mon-YY)"),
        (event("E1", ["P1"], occurred_at="03/13/2025"),
         "occurred_at: '03/13/2025' is not a real calendar date (expected a date as YYYY-MM-DD, DD/MM/YYYY "
         "or DD-Mon-YY)"),
        (event("E1", ["P1"], occurred_at="03/04/2025 25:10"),
         "occurred_at: '03/04/2025 25:10' has no such time of day (expected a date as YYYY-MM-DD, "
         "DD/MM/YYYY or DD-Mon-YY, optionally with a time (HH:MM or HH:MM:SS))"),
        (person("P2", dob="30/02/2015"),
         "dob: '30/02/2015' is not a real calendar date (expected a date as YYYY-MM-DD, DD/MM/YYYY or "
         "DD-Mon-YY)"),
    ],
)  # fmt: skip
def test_an_impossible_day_first_date_keeps_a_precise_error(
    engine: Engine, tmp_path: Path, line: dict[str, Any], error: str
) -> None:
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), line])
    summary, messages = _ingest(engine, file)
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert messages == [f"{file}:2: {error}"]


def test_the_exchange_format_reads_a_date_as_csv_intake_does(engine: Engine, tmp_path: Path) -> None:
    """One parser: each form CSV intake reads day first is stored as CSV intake stores it."""
    written = ["03/04/2025", "3/4/2025 09:05", "03-Apr-25", "03 Apr 2025"]
    lines = [event(f"E{n}", ["P1"], occurred_at=text) for n, text in enumerate(written)]
    _ingest(engine, write_jsonl(tmp_path / "in.jsonl", [person("P1"), *lines]))
    stored = [_stored(engine, EventRecordRow, f"E{n}").payload["occurred_at"] for n in range(len(written))]
    assert stored == [read_moment(text, "occurred_at") for text in written]
