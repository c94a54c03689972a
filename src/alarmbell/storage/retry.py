"""Retrying a whole transaction when the database says "busy, try again".

Only work that is one transaction, fully rolled back on error, may be retried this way: then
a retry can neither duplicate nor lose anything. What counts as transient:

- SQLite: "database is locked" / "database table is locked" (SQLITE_BUSY, SQLITE_LOCKED), which
  the busy timeout (storage.dialect.SQLITE_PRAGMAS) makes rare: a writer waits that long first;
- PostgreSQL: serialization_failure (40001), deadlock_detected (40P01) and lock_not_available
  (55P03).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Final, TypeVar

from sqlalchemy.exc import DBAPIError

log = logging.getLogger("alarmbell.storage")

T = TypeVar("T")

POSTGRES_TRANSIENT: Final[frozenset[str]] = frozenset({"40001", "40P01", "55P03"})
SQLITE_TRANSIENT: Final[tuple[str, ...]] = ("database is locked", "database table is locked")


def is_transient(error: BaseException) -> bool:
    """True if the database refused for now (lock, deadlock, serialisation), not for good."""
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if code is not None:
        return str(code) in POSTGRES_TRANSIENT
    return any(text in str(original).lower() for text in SQLITE_TRANSIENT)


def retry_transient(work: Callable[[], T], *, attempts: int = 4, wait: float = 0.25) -> T:
    """Run `work` (one whole transaction), again after a pause each time it fails transiently."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as error:
            if attempt == attempts or not is_transient(error):
                raise
            log.warning("transient database error (attempt %d of %d), retrying: %s", attempt, attempts, error)
            time.sleep(wait * attempt)
    raise AssertionError("unreachable")  # pragma: no cover
