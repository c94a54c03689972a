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
    [["db", "upgrade"], ["users", "create", "ana", "--role", "admin", "--no-password"], ["ingest"]],
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
