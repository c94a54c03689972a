"""A file a command is told to write (`--out`, `--html`, `--csv`) in a folder that does not exist,
or naming a folder, and a case store that cannot be opened, are said in one line with what to do,
exit status 2, not a traceback; and nothing is done (or audited) before the mistake is found."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.storage.tables import AuditEntry
from tests.helpers import event, person, write_jsonl


@pytest.fixture
def runner(store_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    return CliRunner()


@pytest.fixture
def family(runner: CliRunner, tmp_path: Path) -> Path:
    path = write_jsonl(
        tmp_path / "police.jsonl",
        [
            person("P1", given_name="Riley", family_name="Ashdown", dob="2025-09-02"),
            event("E1", ["P1"], kind="domestic_incident", occurred_at="2026-01-17"),
        ],
    )
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _audit_entries(settings: Settings) -> int:
    engine = make_engine(settings)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(AuditEntry)).scalar_one())
    finally:
        engine.dispose()


def _said(result: object) -> str:
    return " ".join(result.output.split())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "command",
    [
        ["review", "police:P1", "--format", "pdf", "--out"],
        ["review", "police:P1", "--format", "md", "--out"],
        ["sar", "export", "1", "--out"],
        ["triage", "unanswered", "--csv"],
    ],
)
@pytest.mark.usefixtures("family")
def test_a_file_in_a_folder_that_does_not_exist_is_refused_before_any_work(
    runner: CliRunner, store_settings: Settings, tmp_path: Path, command: list[str]
) -> None:
    target = tmp_path / "no-such-folder" / "out.file"
    before = _audit_entries(store_settings)
    result = runner.invoke(app, [*command, str(target)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    said = _said(result)
    assert f"the folder {target.parent} does not exist" in said
    assert not target.parent.exists()
    assert _audit_entries(store_settings) == before


def test_check_html_in_a_folder_that_does_not_exist_is_refused(
    runner: CliRunner, family: Path, tmp_path: Path
) -> None:
    target = tmp_path / "no-such-folder" / "check.html"
    result = runner.invoke(app, ["check", str(family), "--html", str(target)])
    assert result.exit_code == 2, result.output
    assert f"the folder {target.parent} does not exist" in _said(result)


@pytest.mark.usefixtures("family")
def test_an_output_naming_a_folder_is_refused_with_an_example_file_name(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["review", "police:P1", "--format", "md", "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert f"{tmp_path} is a folder" in _said(result)


def test_a_store_that_cannot_be_opened_is_said_with_the_setting_to_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/no-such-folder/alarmbell.db"
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", url)
    # A command that creates its store (a reader is stopped sooner: tests/cli/test_missing_store.py)
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2, result.output
    said = _said(result)
    assert "could not be opened" in said and "ALARMBELL_DATABASE_URL" in said
    assert "Traceback" not in said


def test_a_setting_that_is_not_valid_is_said_in_one_line_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A path where a URL belongs (`ALARMBELL_DATABASE_URL=/srv/alarmbell.db`) is a common slip:
    the `alarmbell` process says which setting is wrong and how to write it, exit status 2."""
    import sys

    from alarmbell.cli import main

    monkeypatch.setenv("ALARMBELL_DATABASE_URL", str(tmp_path / "alarmbell.db"))
    monkeypatch.setattr(sys, "argv", ["alarmbell", "alerts"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "ALARMBELL_DATABASE_URL must be an sqlite:/// or postgresql+psycopg:// URL" in said
    assert f"sqlite:///{tmp_path / 'alarmbell.db'}" in said
    assert "Traceback" not in said and "pydantic" not in said


def test_a_wrong_url_holding_a_password_is_not_echoed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from alarmbell.cli import main

    monkeypatch.setenv("ALARMBELL_DATABASE_URL", "bob:s3cret@db.example/alarmbell")
    monkeypatch.setattr(sys, "argv", ["alarmbell", "alerts"])
    with pytest.raises(SystemExit):
        main()
    said = capsys.readouterr().err
    assert "ALARMBELL_DATABASE_URL must be" in said and "s3cret" not in said
