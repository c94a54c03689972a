"""Engine and session factories. Migrations run on first use of a store.

Every `alarmbell` command opens the store, so opening one already at the latest schema must be
cheap: its stored revision is compared with the head read from the migration scripts' own
`revision`/`down_revision` lines, and Alembic (a fifth of a second to import and run) is loaded
only when they differ, to upgrade the store.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from alarmbell.settings import Settings
from alarmbell.storage.dialect import dialect_for, open_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
#: A migration script's `revision = "0007"` or `down_revision = "0012"` (or None, or a tuple).
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)


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


def absent_store(settings: Settings) -> str | None:
    """Where the configured store was looked for, when no alarmbell store is there (no file, or
    a file or database without alarmbell's schema); None when there is one, or when only opening
    it can tell (that error names itself). Looked at read-only: nothing is created or written,
    so a command that only reads cannot turn a mistyped path into an empty store."""
    url = settings.database_url
    dialect = dialect_for(url)
    if dialect.file_missing(url):
        return dialect.location(url)
    engine = dialect.read_only_engine(url)
    if engine is None:  # in memory: each process has its own, nothing to mistype
        return None
    try:
        revision = schema_revision(engine)
    except OperationalError:
        return None
    finally:
        engine.dispose()
    return dialect.location(url) if revision is None else None


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration: read from the scripts' revision lines without loading Alembic, or
    asked of Alembic when those lines do not make exactly one head."""
    head = head_from_scripts(MIGRATIONS / "versions")
    if head is not None:
        return head
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config_plain()).get_current_head()


def head_from_scripts(folder: Path) -> str | None:
    """The one revision no script names as its `down_revision`; None if there is not exactly
    one, or if a script does not state its revisions as plain literals."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in folder.glob("*.py"):
        found = _revision_and_parents(script.read_text(encoding="utf-8"))
        if found is None:
            return None
        revisions.add(found[0])
        parents.update(found[1])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _revision_and_parents(script: str) -> tuple[str, tuple[str, ...]] | None:
    lines = dict(_REVISION_LINE.findall(script))
    try:
        revision = ast.literal_eval(lines["revision"])
        down = ast.literal_eval(lines.get("down_revision", "None"))
    except (KeyError, ValueError, SyntaxError):
        return None
    parents = (down,) if isinstance(down, str) else tuple(down or ())
    return (revision, parents) if isinstance(revision, str) else None


def alembic_config_plain() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def alembic_config(engine: Engine) -> Config:
    config = alembic_config_plain()
    config.attributes["engine"] = engine
    return config


def upgrade_schema(engine: Engine) -> None:
    """Apply every pending Alembic migration (idempotent); a store at the head is only looked at."""
    head = head_revision()
    if head is not None and schema_revision(engine) == head:
        return
    from alembic import command

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
