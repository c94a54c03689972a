"""Single sign-on against a provider the test starts: only pre-created accounts get in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import httpx2
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from starlette.testclient import TestClient

from alarmbell.settings import Settings
from alarmbell.web.app import create_app
from tests.auth_support import make_user
from tests.store_templates import SQLiteStores

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider


@pytest.fixture
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture
def app(tmp_path: Path, provider: Provider, sqlite_stores: SQLiteStores) -> Iterator[FastAPI]:
    settings = Settings(
        database_url=sqlite_stores.migrated(tmp_path),
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=SecretStr(CLIENT_SECRET),
    )
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


def _sign_in(client: TestClient) -> httpx2.Response:
    start = client.get("/login/oidc?next=/people", follow_redirects=False)
    assert start.status_code == 303
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302
    callback = at_provider.headers["location"]
    assert callback.startswith("http://testserver/login/oidc/callback?")
    return client.get(callback.removeprefix("http://testserver"), follow_redirects=False)


def test_a_known_user_signs_in_by_oidc(app: FastAPI, provider: Provider) -> None:
    make_user(app.state.engine, role="mash_analyst", username="ana@example.org")
    with TestClient(app) as client:
        assert "single sign-on" in client.get("/login").text
        done = _sign_in(client)
        assert done.status_code == 303 and done.headers["location"] == "/people"
        assert client.get("/people").status_code == 200
    provider.user = {"sub": "u-1", "email": "renamed@example.org"}
    with TestClient(app) as again:
        assert _sign_in(again).status_code == 303, "the subject is remembered after the first sign-in"


def test_an_unknown_user_or_a_bad_token_is_refused(app: FastAPI, provider: Provider) -> None:
    with TestClient(app) as client:
        assert _sign_in(client).status_code == 403
        assert client.get("/people", follow_redirects=False).status_code == 303
    make_user(app.state.engine, role="mash_analyst", username="ana@example.org")
    provider.audience = "some-other-client"
    with TestClient(app) as client:
        assert _sign_in(client).status_code == 400


def test_a_callback_without_our_state_is_refused(app: FastAPI) -> None:
    with TestClient(app) as client:
        assert client.get("/login/oidc/callback?code=x&state=y").status_code == 400
