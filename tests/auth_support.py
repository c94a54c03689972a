"""Signing tests in: users made straight in the store, sessions without the password round trip.

`sign_in(client, role=...)` gives a TestClient the session cookie of a fresh user, so fixtures
stay fast (no argon2 per test); tests of the login form itself use the real form instead.
`form_token(client)` is the CSRF token the app's forms would carry for that client.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from starlette.testclient import TestClient

from alarmbell.access.policy import Principal
from alarmbell.access.sessions import start_session
from alarmbell.access.users import create_user, principal_for
from alarmbell.storage.db import session_scope
from alarmbell.web.auth import CSRF_COOKIE, SESSION_COOKIE

_numbers = itertools.count(1)
DEFAULT_AGENCY = {"practitioner": "health", "team_manager": "health"}
#: Where a TestClient keeps the cookies the app sets (http.cookiejar's name for host "testserver"):
#: a session value set here is replaced by one the app issues (break-glass), as in a browser.
TEST_COOKIE_DOMAIN = "testserver.local"


def make_user(
    engine: Engine,
    *,
    role: str,
    agency: str | None = None,
    team: str | None = None,
    username: str | None = None,
    password: str | None = None,
) -> Principal:
    agency = agency or DEFAULT_AGENCY.get(role)
    with session_scope(engine) as session:
        user = create_user(
            session,
            username=username or f"{role}-{next(_numbers)}",
            role=role,
            agency=agency,
            team=team,
            password=password,
        )
        return principal_for(user)


def session_token(engine: Engine, principal: Principal) -> str:
    from alarmbell.storage.tables import AppUser

    with session_scope(engine) as session:
        user = session.get(AppUser, principal.id)
        assert user is not None
        return start_session(session, user=user, method="test", lifetime=timedelta(hours=1))


def sign_in(
    client: TestClient, *, role: str = "mash_analyst", agency: str | None = None, team: str | None = None
) -> Principal:
    """Make a user with this role and give `client` their session cookie."""
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    principal = make_user(engine, role=role, agency=agency, team=team)
    client.cookies.set(SESSION_COOKIE, session_token(engine, principal), domain=TEST_COOKIE_DOMAIN)
    return principal


def form_token(client: TestClient) -> str:
    """The CSRF token for this client's cookies (fetching a public page first sets the CSRF cookie)."""
    if not client.cookies.get(CSRF_COOKIE):
        client.get("/healthz")
    seed = client.cookies.get(CSRF_COOKIE) or ""
    message = f"{seed}|{client.cookies.get(SESSION_COOKIE) or ''}".encode()
    key: bytes = client.app.state.secret_key  # type: ignore[attr-defined]
    return hmac.new(key, message, hashlib.sha256).hexdigest()


BROWSER_PASSWORD = "browser test password 0123"


def browser_user(engine: Engine, *, role: str = "mash_analyst", agency: str | None = None) -> str:
    """A user with a password, for Chromium tests that sign in through the real form."""
    principal = make_user(engine, role=role, agency=agency, password=BROWSER_PASSWORD)
    return principal.name


def sign_in_browser(page: Any, base_url: str, username: str) -> None:
    """Fill in and submit the sign-in page, as a person would."""
    page.goto(base_url + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(BROWSER_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/login" not in page.url, page.locator("main").inner_text()[:2000]
