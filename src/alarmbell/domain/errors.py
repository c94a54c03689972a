"""One base for the errors a service raises about what it was asked to do.

Each error says what kind of problem it is (`category`), so an entry point maps kinds to its own
answers once (web/errors.py: an HTTP status) instead of every route catching each service's
error by hand. The message is for the person who asked: it says what was wrong and what to do.
"""

from __future__ import annotations

from typing import Literal

#: not_found: what was named does not exist; invalid: the request itself is wrong; conflict: the
#: request is fine but the thing's state does not allow it (already done); forbidden: not this person.
Category = Literal["not_found", "invalid", "conflict", "forbidden"]


class ServiceError(ValueError):
    """A request a service refuses. A ValueError, so callers that caught ValueError still do."""

    category: Category = "invalid"

    def __init__(self, message: str, *, category: Category | None = None) -> None:
        super().__init__(message)
        if category is not None:
            self.category = category
