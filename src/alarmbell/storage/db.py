"""Engine and session factories. Migrations run on first use of a store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from alarmbell.settings import Settings
from alarmbell.storage.dialect import dialect_for, open_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(settings: Settings, *, upgrade: bool = True) -> Engine:
    """Create an engine for the configured store; bring its schema up to date unless told not to.

    Its errors leave out the statements' values (`hide_parameters`: storage.dialect.open_engine
    makes every engine).
    """
    dialect = dialect_for(settings.database_url)
    engine = open_engine(settings.database_url, **dialect.engine_kwargs)
    dialect.on_engine(engine)
    if upgrade:
        upgrade_schema(engine)
    return engine


def read_only_engine(settings: Settings) -> tuple[Engine | None, str]:
    """The configured store opened so that it cannot be written, and a sentence saying what was
    found; (None, why) when there is no store to compare with. Never creates or upgrades one."""
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    engine = dialect_for(settings.database_url).read_only_engine(settings.database_url)
    if engine is None:
        return None, f"no store at {where}"
    try:
        revision = schema_revision(engine)
    except OperationalError as error:
        engine.dispose()
        return None, f"the store at {where} could not be opened ({error.orig})"
    if revision is None:
        engine.dispose()
        return None, f"{where} holds no alarmbell store (no schema)"
    if revision != head_revision():
        engine.dispose()
        return (
            None,
            f"the store at {where} is at schema {revision}, not the latest; run `alarmbell db upgrade`",
        )
    return engine, f"compared with the store at {where} (read only)"


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config_plain()).get_current_head()


def alembic_config_plain() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def alembic_config(engine: Engine) -> Config:
    config = alembic_config_plain()
    config.attributes["engine"] = engine
    return config


def upgrade_schema(engine: Engine) -> None:
    """Apply every pending Alembic migration (idempotent)."""
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
