"""`alarmbell triage ...` on a real store, with the clock given on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings

NOW = "2026-11-27T12:00:00+00:00"


@pytest.fixture
def runner(store_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    return CliRunner()


def run(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["triage", *args])
    assert result.exit_code == code, result.output
    return result.output


def test_cli_from_scenario_to_analytics(runner: CliRunner, tmp_path: Path) -> None:
    assert "work items" in run(runner, "scenario", "--now", NOW)
    teams = run(runner, "queue", "--now", NOW)
    assert "Police child protection unit" in teams
    queue = run(runner, "queue", "--team", "Police child protection unit", "--now", NOW)
    first = next(line for line in queue.splitlines()[1:] if " open " in line)
    assert "Red alert" in first and "high" in first
    item = first.split("item ")[1].split()[0]
    nfa = ["decide", item, "--decision", "no_further_action", "--rationale", "nfa", "--by", "DS Patel"]
    assert "needs a reason" in run(runner, *nfa, "--now", NOW, code=2)
    run(runner, "ack", item, "--by", "DS Patel", "--now", NOW)
    log = ["log-time", item, "--hours", "2", "--person", "DC Okafor", "--worked-on", "2026-11-26"]
    assert "logged 2 hours" in run(runner, *log, "--now", NOW)
    csv = tmp_path / "hours.csv"
    csv.write_text(
        f"item_id,person,hours,worked_on\n{item},DC Okafor,1,2026-11-26\n{item},DC Okafor,x,2026-11-26\n"
    )
    result = runner.invoke(app, ["triage", "import-time", str(csv), "--by", "clerk", "--now", NOW])
    assert result.exit_code == 1 and "1 accepted, 1 rejected" in result.output
    analytics = run(runner, "analytics", "--now", NOW)
    assert "Displacement" in analytics and "bigamy" in analytics
    assert "escalations" in run(runner, "escalate", "--now", "2026-12-31T00:00:00Z")
    assert "not yet decided" in run(runner, "reported", "alarmbell early warning", "--now", NOW)


def test_now_must_have_a_time_zone(runner: CliRunner) -> None:
    assert "time zone" in run(runner, "escalate", "--now", "2026-11-27T12:00:00", code=2)
