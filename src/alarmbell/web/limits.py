"""How much a client may send, in one place.

Every form field is cut to FORM_TEXT characters before it is read, so a pasted document cannot
make a page slow or an audit entry huge. Triage rationales (the API and the decision forms) keep
triage's own, longer limit (`alarmbell.triage.service.MAX_TEXT`), which the service enforces.

Whole request bodies are capped before they are read (BodyLimitMiddleware): an agency upload to
`POST /api/v1/records` at MAX_BODY_BYTES, anything else (forms, triage steps as JSON) at
MAX_FORM_BYTES. Reading first and measuring after would let one request of any size fill the
server's memory (or, for a multipart form, its disk) before it is refused.
"""

from __future__ import annotations

from typing import Final

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FORM_TEXT: Final[int] = 2000

#: An agency upload to `POST /api/v1/records` (JSON, JSON Lines, a FHIR Bundle or a CSV file).
MAX_BODY_BYTES: Final[int] = 10 * 1024 * 1024

#: Any other body: the longest form (a concern with many injuries) is a few tens of kilobytes.
MAX_FORM_BYTES: Final[int] = 1024 * 1024

#: The routes that take uploads, and so the larger limit.
UPLOAD_PATHS: Final[frozenset[str]] = frozenset({"/api/v1/records"})


def body_limit(path: str) -> int:
    """The most bytes a request to `path` may send."""
    return MAX_BODY_BYTES if path in UPLOAD_PATHS else MAX_FORM_BYTES


def too_large(limit: int) -> HTTPException:
    """The one refusal of an oversized body, answered as a page or JSON by web.errors."""
    return HTTPException(status_code=413, detail=f"At most {limit} bytes per request.")


def declared_length(scope: Scope) -> int | None:
    """The Content-Length the client declared (None: none, or not a number, as with chunked bodies)."""
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


class BodyLimitMiddleware:
    """Refuses an oversized body as it is read (pure ASGI, nothing buffered here).

    A declared Content-Length over the limit is refused before the first byte is taken; a body
    without one (chunked) is counted chunk by chunk and refused as soon as it passes the limit.
    The refusal is raised from `receive`, inside whichever route or guard reads the body, so it
    is answered by the app's one error table (web.errors) like any other HTTPException.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(str(scope.get("path", "")))
        declared = declared_length(scope)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise too_large(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large(limit)
            return message

        await self.app(scope, limited_receive, send)
