"""The case store: migrations, WAL mode, and the settings that point at it."""

from __future__ import annotations

import subprocess
import sys
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


def _store_at(settings: Settings, revision: str) -> Engine:
    """A store migrated only up to `revision`, as an older alarmbell left it."""
    from alembic import command

    from alarmbell.storage.db import alembic_config

    engine = make_engine(settings, upgrade=False)
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return engine


def test_the_head_revision_read_from_the_scripts_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    from alarmbell.storage.db import alembic_config_plain, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config_plain()).get_current_head()


def test_an_older_store_is_brought_to_the_head_when_opened(empty_store_settings: Settings) -> None:
    from alarmbell.storage.db import head_revision

    _store_at(empty_store_settings, "0006").dispose()
    engine = make_engine(empty_store_settings)
    assert schema_revision(engine) == head_revision() != "0006"
    assert "evaluation_due" in inspect(engine).get_table_names()  # 0007's table
    engine.dispose()


def test_the_read_only_store_refuses_an_older_schema(empty_store_settings: Settings) -> None:
    from alarmbell.storage.db import read_only_engine

    _store_at(empty_store_settings, "0006").dispose()
    engine, note = read_only_engine(empty_store_settings)
    assert engine is None
    assert "schema 0006, not the latest; run `alarmbell db upgrade`" in note


def test_the_cli_upgrades_an_older_store(
    empty_store_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alarmbell.storage.db import head_revision

    _store_at(empty_store_settings, "0008").dispose()
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", empty_store_settings.database_url)
    result = CliRunner().invoke(app, ["review", "police:NOBODY", "--format", "md"])
    assert result.exit_code == 2  # no such person, but the store was opened
    engine = make_engine(empty_store_settings, upgrade=False)
    assert schema_revision(engine) == head_revision()
    engine.dispose()


def test_opening_a_store_at_the_head_loads_no_alembic(tmp_path: Path) -> None:
    """Every command opens the store; one already at the head is checked without Alembic's machinery."""
    url = f"sqlite:///{tmp_path / 'head.db'}"
    make_engine(Settings(database_url=url)).dispose()
    code = (
        "import sys\nfrom alarmbell.settings import Settings\nfrom alarmbell.storage.db import make_engine\n"
        f"make_engine(Settings(database_url={url!r})).dispose()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


_CHAIN = ['revision = "a"\ndown_revision = None', 'revision = "b"\ndown_revision = "a"']
_BRANCH = [*_CHAIN, 'revision = "c"\ndown_revision = "a"']


@pytest.mark.parametrize(
    ("scripts", "head"),
    [
        (_CHAIN, "b"),
        (['revision: str = "a"\ndown_revision: str | None = None', _CHAIN[1]], "b"),  # annotated
        ([*_BRANCH, 'revision = "m"\ndown_revision = ("b", "c")'], "m"),  # a merge
        (_BRANCH, None),  # two heads: Alembic decides
        ([_CHAIN[0], 'revision = make_id()\ndown_revision = "a"'], None),  # not a literal
    ],
)
def test_the_head_is_read_from_plain_revision_lines(
    tmp_path: Path, scripts: list[str], head: str | None
) -> None:
    from alarmbell.storage.db import head_from_scripts

    for number, script in enumerate(scripts):
        (tmp_path / f"{number:04d}_step.py").write_text(f'"""Step {number}."""\n\n{script}\n')
    assert head_from_scripts(tmp_path) == head


def test_who_was_merged_into_whom_is_read_through_an_index(engine: Engine) -> None:
    """identity.survivors runs on every gathering of a child's alerts and decisions; it scanned
    every person before the partial index on person.merged_into (0016)."""
    indexes = {ix["name"]: ix for ix in inspect(engine).get_indexes("person")}
    assert indexes["ix_person_merged_into"]["column_names"] == ["merged_into"]
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            plan = connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id, merged_into FROM person WHERE merged_into IS NOT NULL"
            ).all()
        assert "ix_person_merged_into" in " ".join(str(row[-1]) for row in plan)
