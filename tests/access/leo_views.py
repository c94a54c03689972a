"""Leo's page and its JSON as one user gets them: the views the own-agency scoping tests compare."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.testclient import TestClient

from tests.auth_support import sign_in
from tests.web.conftest import DemoStore


def leo_as_shown(app: FastAPI, store: DemoStore, **who: str) -> dict[str, str]:
    """Leo's page, its JSON and its chronology's JSON, as this user gets them."""
    with TestClient(app) as client:
        sign_in(client, **who)
        leo = store.leo_id
        shown = {
            "page": client.get(f"/people/{leo}"),
            "json": client.get(f"/api/v1/people/{leo}"),
            "chronology": client.get(f"/api/v1/people/{leo}/chronology"),
        }
    assert {name: r.status_code for name, r in shown.items()} == dict.fromkeys(shown, 200)
    return {name: r.text for name, r in shown.items()}
