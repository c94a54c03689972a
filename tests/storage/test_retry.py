"""Retrying a whole transaction on a transient lock error, against a really locked SQLite file."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from alarmbell.storage.dialect import open_engine
from alarmbell.storage.retry import is_transient, retry_transient


@pytest.fixture
def impatient(tmp_path: Path) -> Engine:
    """A plain engine with no busy timeout, so a held lock fails at once (as a timeout would)."""
    engine = open_engine(f"sqlite:///{tmp_path / 'locked.db'}", connect_args={"timeout": 0})
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
    return engine


def _hold_write_lock(engine: Engine) -> sqlite3.Connection:
    holder = sqlite3.connect(str(engine.url.database), isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_locked_database_is_transient_and_the_retry_succeeds_once_it_is_free(impatient: Engine) -> None:
    holder = _hold_write_lock(impatient)
    with pytest.raises(OperationalError) as refused, impatient.begin() as connection:
        connection.execute(text("INSERT INTO t (id) VALUES (1)"))
    assert is_transient(refused.value)

    attempts = []

    def work() -> None:
        attempts.append(1)
        with impatient.begin() as connection:
            connection.execute(text("INSERT INTO t (id) VALUES (2)"))

    threading.Timer(0.3, holder.rollback).start()
    retry_transient(work, attempts=6, wait=0.1)
    with impatient.connect() as connection:
        assert connection.execute(text("SELECT id FROM t")).scalars().all() == [2]
    assert len(attempts) > 1
    holder.close()


def test_a_lasting_error_is_not_retried(impatient: Engine) -> None:
    with impatient.begin() as connection:
        connection.execute(text("INSERT INTO t (id) VALUES (1)"))
    attempts = []

    def work() -> None:
        attempts.append(1)
        with impatient.begin() as connection:
            connection.execute(text("INSERT INTO t (id) VALUES (1)"))

    with pytest.raises(IntegrityError) as refused:
        retry_transient(work)
    assert not is_transient(refused.value) and len(attempts) == 1
