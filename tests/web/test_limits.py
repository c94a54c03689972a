"""Oversized bodies are refused as they arrive, not after being read whole (web.limits).

The app is driven at the ASGI level, so the test sees how many chunks of a body it took: a
client that declares too much is refused before the first, and one that streams without a
Content-Length is refused at the chunk that passes the limit, the rest never read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi import FastAPI

from alarmbell.settings import Settings
from alarmbell.web.app import create_app
from alarmbell.web.limits import MAX_BODY_BYTES, MAX_FORM_BYTES

TOKEN = "health-token-0123456789"
MIB = 1024 * 1024
CHUNK = 64 * 1024


@pytest.fixture
def app(store_settings: Settings) -> Iterator[FastAPI]:
    application = create_app(store_settings.model_copy(update={"api_tokens": {TOKEN: "health"}}))
    yield application
    application.state.engine.dispose()


class Upload:
    """One POST through the ASGI interface: the body comes in `chunks`, counted as they are taken."""

    def __init__(self, path: str, headers: dict[str, str], chunks: list[bytes], query: str = "") -> None:
        self.path, self.headers, self.chunks, self.query = path, headers, chunks, query
        self.taken = 0
        self.sent: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        if self.taken == len(self.chunks):
            return {"type": "http.disconnect"}
        self.taken += 1
        more = self.taken < len(self.chunks)
        return {"type": "http.request", "body": self.chunks[self.taken - 1], "more_body": more}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    def run(self, app: FastAPI) -> tuple[int, bytes]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": self.path,
            "raw_path": self.path.encode(),
            "query_string": self.query.encode(),
            "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in self.headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        asyncio.run(app(scope, self.receive, self.send))  # type: ignore[arg-type]
        start = next(m for m in self.sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")
        return start["status"], body


def _api_headers(**extra: str) -> dict[str, str]:
    return {"authorization": f"Bearer {TOKEN}", "content-type": "application/json", **extra}


def test_an_api_upload_declaring_more_than_the_limit_is_refused_before_it_is_read(app: FastAPI) -> None:
    upload = Upload("/api/v1/records", _api_headers(**{"content-length": str(MAX_BODY_BYTES + 1)}), [b"{}"])
    status, body = upload.run(app)
    assert status == 413
    assert orjson.loads(body) == {"detail": f"At most {MAX_BODY_BYTES} bytes per request."}
    assert upload.taken == 0


def test_an_api_upload_without_a_length_is_refused_at_the_chunk_that_passes_the_limit(app: FastAPI) -> None:
    chunk = b" " * MIB
    upload = Upload("/api/v1/records", _api_headers(), [chunk] * (MAX_BODY_BYTES // MIB + 5))
    status, body = upload.run(app)
    assert status == 413
    assert orjson.loads(body) == {"detail": f"At most {MAX_BODY_BYTES} bytes per request."}
    assert upload.taken == MAX_BODY_BYTES // MIB + 1  # the chunk that passed the limit, none after


def test_an_api_upload_within_the_limit_is_read(app: FastAPI) -> None:
    record = {"type": "person", "source_id": "P1", "given_name": "Tia", "family_name": "Price",
              "dob": "2016-11-22", "sex": "F"}  # fmt: skip
    data = orjson.dumps([record])
    upload = Upload("/api/v1/records", _api_headers(), [data[:10], data[10:]], query="link=false")
    status, body = upload.run(app)
    assert status == 200, body
    assert orjson.loads(body)["accepted"] == 1


FORM = {"content-type": "application/x-www-form-urlencoded"}


def test_a_form_declaring_more_than_the_form_limit_is_refused_before_it_is_read(app: FastAPI) -> None:
    upload = Upload("/login", {**FORM, "content-length": str(MAX_FORM_BYTES + 1)}, [b"username=a"])
    status, body = upload.run(app)
    assert status == 413
    assert f"At most {MAX_FORM_BYTES} bytes per request.".encode() in body
    assert upload.taken == 0


def test_a_form_without_a_length_is_refused_at_the_chunk_that_passes_the_limit(app: FastAPI) -> None:
    """Starlette's form parser holds every field in memory (up to 1 MB each, 1,000 of them)."""
    chunks = [b"username=a"] + [b"a" * CHUNK] * (MAX_FORM_BYTES // CHUNK + 20)
    upload = Upload("/login", FORM, chunks)
    status, body = upload.run(app)
    assert status == 413
    assert f"At most {MAX_FORM_BYTES} bytes per request.".encode() in body
    assert upload.taken == MAX_FORM_BYTES // CHUNK + 1
