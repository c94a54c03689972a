"""`alarmbell users grant-review` names a person who exists (a grant for person 999 of an empty
store was stored, audited and reported as done), and a grant lasts at least a day (`--days 0`
made one that never ends)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from tests.helpers import person, write_jsonl


@pytest.fixture
def runner(store_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    runner = CliRunner()
    path = write_jsonl(tmp_path / "police.jsonl", [person("P1")])
    for command in (["ingest", str(path)], ["users", "create", "rev", "--role", "reviewer", "--no-password"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
    return runner


def test_a_grant_for_a_person_in_the_store_is_made(runner: CliRunner) -> None:
    result = runner.invoke(app, ["users", "grant-review", "rev", "1", "--review", "CSPR 2026/04"])
    assert result.exit_code == 0, result.output
    assert "rev may read person 1 for CSPR 2026/04" in result.output


def test_a_grant_for_no_one_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(app, ["users", "grant-review", "rev", "999", "--review", "CSPR 2026/04"])
    assert result.exit_code == 2, result.output
    assert "no person 999" in result.output
    verified = runner.invoke(app, ["audit", "verify"])
    assert "review.grant" not in verified.output


@pytest.mark.parametrize("days", ["0", "-3"])
def test_a_grant_of_no_days_is_refused(runner: CliRunner, days: str) -> None:
    result = runner.invoke(app, ["users", "grant-review", "rev", "1", "--review", "CSPR", "--days", days])
    assert result.exit_code != 0, result.output
    assert "--days" in result.output
