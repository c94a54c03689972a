"""One identity writer at a time per store: the lock every change to person links takes first.

Linking reads every unlinked record, decides, then writes links. Two linkers running at once
both saw the same records unlinked and both linked them (issue 19: 400 records with 2-4
active links). So `link_people`, merges and unmerges call `hold_identity_lock(session)` before
reading, and hold it until the session's transaction ends:

- PostgreSQL: `pg_advisory_xact_lock`, released by the server at commit or rollback.
- SQLite file: an exclusive `flock` on `<database>-identity.lock` beside the database, which
  serialises threads and processes alike, released when the session's transaction ends. The
  database write lock is not used for this, so readers and other writers (ingest chunks,
  audit appends) carry on while the linker computes; only its final writes take that lock.
- SQLite in memory: one connection per process already, so a process lock suffices.

The lock is re-entrant within one transaction, and the database keeps a second guarantee:
migration 0008's partial unique index refuses a second active link for a record.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Final

from sqlalchemy import event, text
from sqlalchemy.orm import Session, SessionTransaction

#: A fixed 64-bit key, the same in every process ("alarmid" in ASCII; any constant would do).
ADVISORY_KEY: Final[int] = 0x616C61726D6964
_HELD: Final[str] = "alarmbell.identity_lock"
_RELEASE: Final[str] = "alarmbell.identity_lock_release"
_LISTENING: Final[str] = "alarmbell.identity_lock_listening"
_MEMORY_LOCK = threading.RLock()


def hold_identity_lock(session: Session) -> None:
    """Wait for, then hold until this session's transaction ends, the store's identity lock."""
    if session.info.get(_HELD):
        return
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
        session.info[_HELD] = True
        _release_on_end(session, lambda: None)
        return
    database = bind.engine.url.database
    if database in (None, "", ":memory:"):
        _MEMORY_LOCK.acquire()
        session.info[_HELD] = True
        _release_on_end(session, _MEMORY_LOCK.release)
        return
    handle = _lock_file(Path(database))
    session.info[_HELD] = True
    _release_on_end(session, lambda: _unlock_file(handle))


def _lock_file(database: Path) -> int:
    path = database.with_name(database.name + "-identity.lock")
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
    except BaseException:
        os.close(handle)
        raise
    return handle


def _unlock_file(handle: int) -> None:
    try:
        fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def _release_on_end(session: Session, release: Callable[[], None]) -> None:
    """Release when the session's outermost transaction ends (commit, rollback or close)."""
    session.info[_RELEASE] = release
    if not session.info.get(_LISTENING):
        session.info[_LISTENING] = True
        event.listen(session, "after_transaction_end", _ended)


def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    release = session.info.pop(_RELEASE, None)
    session.info.pop(_HELD, None)
    if release is not None:
        release()
