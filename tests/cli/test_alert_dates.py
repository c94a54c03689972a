"""An alert raised by an event just after midnight in British Summer Time is dated that day in
England, as the event is, by `alerts`, `review` and `triage unanswered` (stored in UTC, it is the
day before), so a review does not date the alert before the incident that raised it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from tests.helpers import baby_at_a_domestic_incident, write_jsonl


@pytest.fixture
def runner(store_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    runner = CliRunner()
    path = write_jsonl(
        tmp_path / "police.jsonl",
        baby_at_a_domestic_incident(),
    )
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    return runner


def _out(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_alerts_dates_the_alert_in_england(runner: CliRunner) -> None:
    listed = _out(runner, "alerts")
    assert "last 2025-07-01" in listed, listed


def test_the_review_dates_the_alert_on_the_incidents_day(runner: CliRunner) -> None:
    report = _out(runner, "review", "police:S1", "--format", "md")
    assert "30 Jun" not in report and "30 June" not in report, report
    assert "- 1 Jul 2025 **amber**:" in report  # the alert table (its clock starts at ingest: late records)


def test_unanswered_dates_the_alert_in_england(runner: CliRunner) -> None:
    listed = _out(runner, "triage", "unanswered")
    assert "1 Jul 2025  AMBER" in listed, listed
