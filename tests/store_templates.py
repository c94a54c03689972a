"""Fresh stores for tests without migrating each one: migrate once per session, then copy.

Running every Alembic migration costs 0.2-0.5 s a store, and more than a hundred tests each want a
fresh one on each backend. Each backend gets one object that migrates a template once, on first
use, and hands out copies of it: SQLite copies the file; PostgreSQL clones the database with
`CREATE DATABASE ... TEMPLATE`. Tests of the migrations themselves ask for an empty store instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.storage.dialect import open_engine


class SQLiteStores:
    """Stores as files under each test's tmp_path, copied from one migrated file."""

    def __init__(self, template_dir: Path) -> None:
        self._template = template_dir / "template.db"

    def empty(self, folder: Path, name: str = "store.db") -> str:
        return f"sqlite:///{folder / name}"

    def migrated(self, folder: Path, name: str = "store.db") -> str:
        if not self._template.exists():  # built under another name, so a failed build is not used
            building = self._template.with_name("building.db")
            _migrate(f"sqlite:///{building}")
            building.replace(self._template)
        shutil.copyfile(self._template, folder / name)
        return self.empty(folder, name)


class PostgresStores:
    """Stores as databases beside the configured one; each test's replaces the last test's.

    The configured database only serves as the place to connect from to create and drop them.
    """

    def __init__(self, url: str) -> None:
        self._url = make_url(url)
        base = self._base = self._url.database
        self._template = f"{base}_template"
        self._store = f"{base}_store"
        self._template_ready = False

    def empty(self, _folder: Path) -> str:
        return self._recreate(template="template0")

    def migrated(self, _folder: Path, name: str = "store.db") -> str:
        """`name` as SQLiteStores takes it: a test wanting two stores names the second one."""
        if not self._template_ready:
            _migrate(self._recreate(template="template0", name=self._template))
            self._template_ready = True
        return self._recreate(template=self._template, name=f"{self._base}_{Path(name).stem}")

    def _recreate(self, *, template: str, name: str | None = None) -> str:
        """Drop the database (ending any connection a finished test left open) and make it anew."""
        name = name or self._store
        engine = open_engine(self._url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        engine.dispose()
        return self._url.set(database=name).render_as_string(hide_password=False)


def _migrate(url: str) -> None:
    make_engine(Settings(database_url=url)).dispose()
