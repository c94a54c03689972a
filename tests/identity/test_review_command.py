"""`alarmbell identity review list --status` takes the statuses its help names; a status that is
none of them is refused with the choices, not answered with "no bogus review items"."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from tests.helpers import person, write_jsonl


@pytest.fixture
def runner(store_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    return CliRunner()


@pytest.mark.parametrize(
    "status", ["pending", "accepted", "rejected", "closed", "unqueued", "all", "Pending"]
)
def test_each_status_of_the_help_is_listed(runner: CliRunner, status: str) -> None:
    result = runner.invoke(app, ["identity", "review", "list", "--status", status])
    assert result.exit_code == 0, result.output
    expected = "no review items" if status == "all" else f"no {status.lower()} review items"
    assert expected in result.output


def test_a_status_that_is_none_of_them_is_refused_with_the_choices(runner: CliRunner) -> None:
    result = runner.invoke(app, ["identity", "review", "list", "--status", "bogus"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert (
        "--status 'bogus' is not a review status; use one of: pending, accepted, rejected, closed, "
        "unqueued, all" in said
    )


def test_a_person_is_not_merged_into_themself(
    runner: CliRunner, store_settings: Settings, tmp_path: Path
) -> None:
    """`identity merge 1 1` said "person 1 merged into person 1": it ended and re-made every link,
    recorded a merge decision and left person 1 marked as merged into person 1."""
    from sqlalchemy import select

    from alarmbell.storage.db import make_engine, session_scope
    from alarmbell.storage.tables import Person

    path = write_jsonl(tmp_path / "police.jsonl", [person("P1")])
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    result = runner.invoke(app, ["identity", "merge", "1", "1", "--reason", "same person"])
    assert result.exit_code == 2, result.output
    assert "cannot be merged into itself" in " ".join(result.output.split())
    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:
            assert session.scalar(select(Person.merged_into).where(Person.id == 1)) is None
    finally:
        engine.dispose()
    history = runner.invoke(app, ["identity", "history", "1"])
    assert "merge" not in history.output
