"""`alarmbell quarantine list|retry`: rejected lines are listed as FILE:LINE: FIELD: error, and read
again through the same validation and ingest path; what now passes is stored once and leaves
the quarantine, what still fails stays with its error as read now. On a real store."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select, update
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.tables import AuditEntry, EventRecordRow, IngestBatch, PersonRecordRow, QuarantinedLine
from tests.helpers import event, person, write_jsonl

#: A line an earlier release refused: before code values were folded, "Police" was no agency.
OLD_POLICE = json.dumps(person("P2", agency="Police")).encode() + b"\n"
BURGLARY = event("E2", ["P1"], kind="burglary")
BAD_DATE = event("E3", ["P1"], occurred_at="2020-02-30")


@pytest.fixture
def runner(store_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    return CliRunner()


def _ingest(runner: CliRunner, path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(path), "--no-link"])
    assert result.exit_code in (0, 1), result.output


def _quarantine_line(engine: Engine, source: str, line_no: int, field: str, problem: str, raw: bytes) -> None:
    """What an earlier release, or an agency format, left in the quarantine (in a batch of its own)."""
    with engine.begin() as connection:
        batch = connection.execute(insert(IngestBatch).values(source=source, started_at=func.now()))
        values = {"source": source, "line_no": line_no, "field": field, "problem": problem, "raw": raw}
        connection.execute(insert(QuarantinedLine).values(batch_id=batch.inserted_primary_key[0], **values))  # type: ignore[index]


def _rows(engine: Engine, column: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(select(column)).scalars())


def _setup(runner: CliRunner, engine: Engine, tmp_path: Path) -> Path:
    path = write_jsonl(tmp_path / "police.jsonl", [person("P1"), BURGLARY, BAD_DATE])
    _ingest(runner, path)
    for _ in range(2):  # the same file loaded twice by that release: two copies of the line
        _quarantine_line(engine, str(path), 4, "agency", "'Police' (expected an agency)", OLD_POLICE)
    with engine.begin() as connection:  # a wording the current release words differently
        connection.execute(
            update(QuarantinedLine).where(QuarantinedLine.line_no == 2).values(problem="old wording")
        )
    return path


def test_list_shows_file_line_field_and_error(runner: CliRunner, engine: Engine, tmp_path: Path) -> None:
    path = _setup(runner, engine, tmp_path)
    listed = runner.invoke(app, ["quarantine", "list"])
    assert listed.exit_code == 0, listed.output
    assert f"{path}:3: occurred_at: '2020-02-30' is not a valid ISO date" in listed.output
    assert f"{path}:4: agency: 'Police' (expected an agency)" in listed.output
    assert "4 lines in quarantine" in listed.output
    rows = json.loads(runner.invoke(app, ["quarantine", "list", "--json", "--source", str(path)]).output)
    assert {r["file"] for r in rows} == {str(path)}
    assert [(r["line"], r["field"]) for r in rows] == [
        (2, "kind"),
        (3, "occurred_at"),
        (4, "agency"),
        (4, "agency"),
    ]


def test_retry_ingests_what_now_passes_once_and_keeps_what_still_fails(
    runner: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    path = _setup(runner, engine, tmp_path)
    result = runner.invoke(app, ["quarantine", "retry", "--no-link"])
    assert result.exit_code == 1, result.output  # lines still fail
    assert "2 ingested (1 accepted, 1 unchanged), 2 still failing, 0 superseded" in result.output
    assert f"{path}:4: agency: warning: read 'Police' as 'police'" in result.output
    assert f"{path}:2: kind: 'burglary'" in result.output
    assert sorted(_rows(engine, PersonRecordRow.source_id)) == ["P1", "P2"]
    assert _rows(engine, PersonRecordRow.version) == [1, 1]
    left = {(line, field, problem.split(" (")[0]) for line, field, problem in _quarantine(engine)}
    assert left == {(2, "kind", "'burglary'"), (3, "occurred_at", "'2020-02-30' is not a valid ISO date")}

    again = runner.invoke(app, ["quarantine", "retry", "--no-link"])
    assert "0 ingested (0 accepted, 0 unchanged), 2 still failing" in again.output
    assert sorted(_rows(engine, PersonRecordRow.source_id)) == ["P1", "P2"]
    assert len(_quarantine(engine)) == 2


def test_a_line_the_sender_corrected_since_is_superseded_not_written(
    runner: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    """The corrected record came in a later file: the old line must not roll it back."""
    old = write_jsonl(tmp_path / "old.jsonl", [person("P1"), {**BAD_DATE, "occurred_at": "2020-02-30"}])
    _ingest(runner, old)
    fixed = write_jsonl(tmp_path / "fixed.jsonl", [{**BAD_DATE, "occurred_at": "2020-03-01"}])
    _ingest(runner, fixed)
    with engine.begin() as connection:  # as if the old line were readable now (a date-format fix)
        connection.execute(
            update(QuarantinedLine).values(raw=json.dumps({**BAD_DATE, "occurred_at": "2020-02-28"}).encode())
        )
    result = runner.invoke(app, ["quarantine", "retry", "--no-link"])
    assert result.exit_code == 0, result.output
    assert "0 ingested (0 accepted, 0 unchanged), 0 still failing, 1 superseded" in result.output
    assert f"{old}:2: event E3: superseded" in result.output
    assert _rows(engine, EventRecordRow.occurred_at)[0].isoformat().startswith("2020-03-01")
    assert _quarantine(engine) == []


def test_an_agency_format_line_is_left_for_its_file(
    runner: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    source = str(tmp_path / "custody.police.csv")
    _quarantine_line(engine, source, 7, "dob", "'31/02/2015' is not a real date", b"P1,Amy,Stone,31/02/2015")
    result = runner.invoke(app, ["quarantine", "retry", "--no-link"])
    assert result.exit_code == 0, result.output
    assert f"{source}:7: dob: left in quarantine: it was read from an agency format" in result.output
    assert len(_quarantine(engine)) == 1


def test_a_retry_is_audited_as_the_cli_and_the_chain_verifies(
    runner: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    _setup(runner, engine, tmp_path)
    assert runner.invoke(app, ["quarantine", "retry", "--no-link"]).exit_code == 1
    with engine.connect() as connection:
        entries = connection.execute(
            select(AuditEntry.actor, AuditEntry.detail).where(AuditEntry.action == "quarantine.retry")
        ).all()
    assert [
        (who, detail["read"], detail["ingested"], detail["still_failing"]) for who, detail in entries
    ] == [(f"cli:{getpass.getuser()}", 4, 2, 2)]
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def _quarantine(engine: Engine) -> list[tuple[int, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(QuarantinedLine.line_no, QuarantinedLine.field, QuarantinedLine.problem).order_by(
                QuarantinedLine.id
            )
        )
        return [(line, field, problem) for line, field, problem in rows]
