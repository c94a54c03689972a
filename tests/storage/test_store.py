"""The case store: migrations, WAL mode, and the settings that point at it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, inspect, text
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, schema_revision, upgrade_schema
from tests.helpers import event, person, write_jsonl


def test_migrations_build_every_table_and_are_idempotent(empty_store_settings: Settings) -> None:
    engine = make_engine(empty_store_settings)
    upgrade_schema(engine)
    tables = set(inspect(engine).get_table_names())
    assert {
        "person_record",
        "relationship_record",
        "event_record",
        "event_party",
        "record_history",
        "ingest_batch",
        "quarantined_line",
        "person",
        "person_link",
        "alert",
        "alembic_version",
    } <= tables
    assert schema_revision(engine) is not None
    engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    engine.dispose()


def test_nothing_connects_until_asked(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'lazy.db'}")
    assert not (tmp_path / "lazy.db").exists()
    make_engine(settings).dispose()
    assert (tmp_path / "lazy.db").exists()


def test_settings_reject_unknown_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", "mysql://x")
    with pytest.raises(ValidationError, match="sqlite:/// or postgresql"):
        Settings()


def test_cli_db_upgrade_and_ingest_exit_codes(
    empty_store_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", empty_store_settings.database_url)
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    good = write_jsonl(tmp_path / "good.jsonl", [person("P1"), event("E1", ["P1"])])
    result = runner.invoke(app, ["ingest", str(good)])
    assert result.exit_code == 0, result.output
    assert "2 accepted, 0 rejected, 0 unchanged" in result.output
    bad = write_jsonl(tmp_path / "bad.jsonl", [person("P2"), "{not json"])
    result = runner.invoke(app, ["ingest", str(bad)])
    assert result.exit_code == 1
    assert "1 accepted, 1 rejected, 0 unchanged" in result.output
    assert runner.invoke(app, ["ingest", str(tmp_path / "missing.jsonl")]).exit_code == 2
    assert runner.invoke(app, ["ingest", str(good), "--agency", "fire"]).exit_code == 2


def test_migrations_match_the_table_definitions(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from alarmbell.storage.tables import Base

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == [], "tables.py and the migrations disagree: add a migration"
