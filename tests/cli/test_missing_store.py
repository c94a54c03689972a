"""A command that only reads, pointed at no store (a mistyped SQLite path, a database without
alarmbell's schema), stops with exit 2 naming where it looked; it used to create an empty store
there and answer "no person 2". Commands that add to a store still create one. Real stores."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.dialect import open_engine
from tests.helpers import person, write_jsonl

READERS = [
    ["review", "2"],
    ["chronology", "2"],
    ["sar", "export", "2"],
    ["identity", "history", "2"],
    ["identity", "review", "list"],
    ["identity", "review", "show", "1"],
    ["audit", "verify"],
    ["audit", "who-viewed", "2"],
    ["alerts"],
    ["alerts", "overrides"],
    ["triage", "queue"],
    ["triage", "analytics"],
    ["triage", "reported", "police"],
    ["triage", "unanswered"],
    ["users", "list"],
    ["users", "token", "list"],
    ["retention", "purge"],
]


#: Commands that change rows already in a store (an item, an alert, a person, a user, a token,
#: quarantined lines): at a mistyped path they said "no item 5" from a new, empty store.
CHANGERS = [
    ["triage", "ack", "5"],
    ["triage", "decide", "5", "--decision", "assessment", "--rationale", "Assess."],
    ["triage", "log-time", "5", "--hours", "1"],
    ["triage", "escalate"],
    ["triage", "refresh"],
    ["alerts", "override", "5", "--reason", "Known to the team."],
    ["rescore"],
    ["identity", "merge", "2", "3", "--reason", "Same child."],
    ["identity", "unmerge", "2", "--reason", "Different children."],
    ["identity", "review", "accept", "1", "--reason", "Same child."],
    ["identity", "review", "reject", "1", "--reason", "Different children."],
    ["identity", "link"],
    ["identity", "train"],
    ["link"],
    ["users", "disable", "ana"],
    ["users", "grant-review", "ana", "2", "--review", "CSPR 2026/04"],
    ["users", "token", "create", "--agency", "police", "--name", "Force RMS"],
    ["users", "token", "revoke", "abc123"],
    ["quarantine", "retry"],
]


def _said(output: str) -> str:
    return " ".join(output.split())


def _refused(command: list[str], url: str, where: str) -> None:
    result = CliRunner().invoke(app, command, env={"ALARMBELL_DATABASE_URL": url})
    assert result.exit_code == 2, result.output
    assert (
        f"no alarmbell store at {where}: check ALARMBELL_DATABASE_URL (docs/settings.md), "
        "or create one with `alarmbell ingest`"
    ) in _said(result.output)


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_a_reader_stops_at_a_mistyped_path_and_creates_nothing(tmp_path: Path, command: list[str]) -> None:
    typo = tmp_path / "alarmbel.db"
    _refused(command, f"sqlite:///{typo}", str(typo))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", CHANGERS, ids=" ".join)
def test_a_command_that_changes_rows_stops_at_a_mistyped_path_and_creates_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    typo = tmp_path / "alarmbel.db"
    _refused(command, f"sqlite:///{typo}", str(typo))
    assert list(tmp_path.iterdir()) == []


def test_a_reader_stops_at_a_store_without_alarmbells_schema(empty_store_settings: Settings) -> None:
    """An SQLite path with no file yet, or a PostgreSQL database no one has migrated."""
    from alarmbell.storage.dialect import dialect_for

    url = empty_store_settings.database_url
    _refused(["review", "2"], url, dialect_for(url).location(url))
    if url.startswith("postgresql"):
        engine = open_engine(url)
        try:
            assert inspect(engine).get_table_names() == [], "nothing was migrated into it"
        finally:
            engine.dispose()


def test_a_reader_leaves_another_programs_sqlite_file_alone(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    _refused(["chronology", "2"], f"sqlite:///{other}", str(other))
    with sqlite3.connect(other) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    connection.close()
    assert tables == ["notes"]


@pytest.mark.parametrize(
    "command",
    [
        ["db", "upgrade"],
        ["users", "create", "ana", "--role", "admin", "--no-password"],
        ["ingest"],
        ["triage", "scenario", "--now", "2026-04-02T15:00:00+01:00"],
    ],
    ids=" ".join,
)
def test_a_command_that_adds_to_the_store_still_creates_it(tmp_path: Path, command: list[str]) -> None:
    if command == ["ingest"]:
        command = ["ingest", str(write_jsonl(tmp_path / "police.jsonl", [person("P1")]))]
    store = tmp_path / "new.db"
    result = CliRunner().invoke(app, command, env={"ALARMBELL_DATABASE_URL": f"sqlite:///{store}"})
    assert result.exit_code == 0, result.output
    assert store.is_file()


def test_a_reader_reads_a_store_that_is_there(store_settings: Settings) -> None:
    env = {"ALARMBELL_DATABASE_URL": store_settings.database_url}
    result = CliRunner().invoke(app, ["alerts"], env=env)
    assert result.exit_code == 0, result.output
    assert "no alerts" in result.output
    missing = CliRunner().invoke(app, ["chronology", "2"], env=env)
    assert missing.exit_code == 2 and "no person 2" in missing.output
