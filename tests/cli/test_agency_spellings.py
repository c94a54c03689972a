"""An agency typed on the command line in another case or spacing (`Police`, `Children Social
Care`) is the vocabulary's own, as intake reads it in a file; a value that is no agency gets a
message listing the agencies and saying what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.storage.tables import ApiToken, AppUser, PersonRecordRow
from tests.helpers import person, write_jsonl


@pytest.fixture
def runner(store_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    return CliRunner()


def _stored(settings: Settings, column: object) -> list[object]:
    engine = make_engine(settings)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(column)).scalars())  # type: ignore[call-overload]
    finally:
        engine.dispose()


def test_ingest_reads_a_typed_agency_as_the_vocabularys(
    runner: CliRunner, store_settings: Settings, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "csc.jsonl", [person("C1", agency="children_social_care")])
    result = runner.invoke(app, ["ingest", str(path), "--agency", "Children Social-Care", "--no-link"])
    assert result.exit_code == 0, result.output
    assert "1 accepted, 0 rejected" in result.output
    assert "--agency: read 'Children Social-Care' as 'children_social_care'" in result.output
    assert _stored(store_settings, PersonRecordRow.agency) == ["children_social_care"]


def test_check_reads_a_typed_agency_as_the_vocabularys(runner: CliRunner, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "police.jsonl", [person("P1")])
    result = runner.invoke(app, ["check", str(path), "--agency", "POLICE"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("command", [["ingest"], ["check"]])
def test_an_unknown_agency_is_refused_with_the_agencies_to_choose_from(
    runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    path = write_jsonl(tmp_path / "police.jsonl", [person("P1")])
    result = runner.invoke(app, [*command, str(path), "--agency", "Polise"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "--agency 'Polise' is not an agency" in message
    assert "police, health, education, children_social_care, housing, probation, other" in message
    assert "(case and spacing do not matter)" in message


def test_users_and_tokens_are_created_for_a_typed_agency(runner: CliRunner, store_settings: Settings) -> None:
    user = runner.invoke(app, ["users", "create", "pc-ash", "--role", "practitioner", "--agency", "Police"])
    assert user.exit_code == 0, user.output
    token = runner.invoke(app, ["users", "token", "create", "--agency", " Health ", "--name", "Trust EPR"])
    assert token.exit_code == 0, token.output
    assert _stored(store_settings, AppUser.agency) == ["police"]
    assert _stored(store_settings, ApiToken.agency) == ["health"]


def test_users_create_refuses_an_unknown_agency_naming_the_agencies(runner: CliRunner) -> None:
    result = runner.invoke(app, ["users", "create", "pc-ash", "--role", "practitioner", "--agency", "Met"])
    assert result.exit_code == 2
    assert "'Met' is not an agency" in " ".join(result.output.split())


def test_a_role_typed_in_another_case_or_spacing_is_the_vocabularys(
    runner: CliRunner, store_settings: Settings
) -> None:
    result = runner.invoke(app, ["users", "create", "ana", "--role", "MASH Analyst", "--no-password"])
    assert result.exit_code == 0, result.output
    assert "created ana (mash_analyst)" in result.output
    assert _stored(store_settings, AppUser.role) == ["mash_analyst"]


def test_users_create_refuses_an_unknown_role_naming_the_roles(runner: CliRunner) -> None:
    result = runner.invoke(app, ["users", "create", "ana", "--role", "analyst", "--no-password"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "role 'analyst' is not a role; use one of: practitioner, mash_analyst, team_manager" in message
    assert "(case and spacing do not matter)" in message
