"""`alarmbell identity review list --status` takes the statuses its help names; a status that is
none of them is refused with the choices, not answered with "no bogus review items"."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings


@pytest.fixture
def runner(store_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    return CliRunner()


@pytest.mark.parametrize("status", ["pending", "accepted", "rejected", "closed", "all", "Pending"])
def test_each_status_of_the_help_is_listed(runner: CliRunner, status: str) -> None:
    result = runner.invoke(app, ["identity", "review", "list", "--status", status])
    assert result.exit_code == 0, result.output
    expected = "no review items" if status == "all" else f"no {status.lower()} review items"
    assert expected in result.output


def test_a_status_that_is_none_of_them_is_refused_with_the_choices(runner: CliRunner) -> None:
    result = runner.invoke(app, ["identity", "review", "list", "--status", "bogus"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "--status 'bogus'" in said and "pending, accepted, rejected, closed or all" in said
