"""A sliding-window counter for sign-in attempts per client address, kept in process memory.

Per process only: a deployment with several processes should also limit at its proxy
(docs/security.md). Account lockout (access.users) is in the store and holds across processes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Final

#: How far back attempts count: a limit per minute.
WINDOW_SECONDS: Final[float] = 60.0


class RateLimiter:
    def __init__(self, limit: int):
        self.limit = limit
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one attempt for `key`; False once more than `limit` fall inside the window."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - WINDOW_SECONDS:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 10_000:
                self._forget(now)
            return True

    def _forget(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - WINDOW_SECONDS]:
            del self._hits[key]
