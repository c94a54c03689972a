"""Signing in and out through the real form: argon2, cookies, CSRF, lockout, rate limit, headers."""

from __future__ import annotations

import re

import httpx2
from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.web.auth import CSRF_COOKIE, SESSION_COOKIE
from alarmbell.web.security import HSTS
from tests.auth_support import make_user
from tests.web.conftest import DemoStore

PASSWORD = "correct horse battery staple"


def _login_form(client: TestClient) -> str:
    page = client.get("/login")
    assert page.status_code == 200 and 'type="password"' in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    return token.group(1)


def _login(client: TestClient, username: str, password: str, next_: str = "/") -> httpx2.Response:
    token = _login_form(client)
    data = {"csrf_token": token, "username": username, "password": password, "next": next_}
    return client.post("/login", data=data, follow_redirects=False)


def test_pages_redirect_to_sign_in_and_back(access_app: FastAPI, access_store: DemoStore) -> None:
    make_user(access_store.engine, role="mash_analyst", username="ana", password=PASSWORD)
    with TestClient(access_app) as client:
        first = client.get(f"/people/{access_store.leo_id}", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"].startswith("/login?next=%2Fpeople%2F")
        assert client.get("/api/v1/alerts").status_code == 401
        done = _login(client, "ana", PASSWORD, f"/people/{access_store.leo_id}")
        assert done.status_code == 303 and done.headers["location"] == f"/people/{access_store.leo_id}"
        cookie = done.headers["set-cookie"]
        assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
        assert "Secure" not in cookie  # plain HTTP here; see the TLS test
        assert client.get("/alerts").status_code == 200
        logout = client.post(
            "/logout", data={"csrf_token": _token_from(client.get("/alerts").text)}, follow_redirects=False
        )
        assert logout.status_code == 303
        assert client.get("/alerts", follow_redirects=False).status_code == 303


def _token_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_session_value_changes_at_sign_in_and_old_one_stops_working(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    make_user(access_store.engine, role="mash_analyst", username="fixation", password=PASSWORD)
    with TestClient(access_app) as client:
        client.cookies.set(SESSION_COOKIE, "attacker-chosen-value")
        done = _login(client, "fixation", PASSWORD)
        issued = re.search(rf"{SESSION_COOKIE}=([^;]+)", done.headers["set-cookie"])
        assert issued and issued.group(1) != "attacker-chosen-value"
        stolen = issued.group(1)
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, stolen)
        assert client.get("/alerts", follow_redirects=False).status_code == 200
        client.post("/logout", data={"csrf_token": _token_from(client.get("/alerts").text)})
    with TestClient(access_app) as replay:
        replay.cookies.set(SESSION_COOKIE, stolen or "")
        assert replay.get("/alerts", follow_redirects=False).status_code == 303


def test_login_needs_csrf_and_the_next_target_stays_on_site(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    make_user(access_store.engine, role="reviewer", username="rita", password=PASSWORD)
    with TestClient(access_app) as client:
        _login_form(client)
        forged = client.post(
            "/login", data={"username": "rita", "password": PASSWORD}, follow_redirects=False
        )
        assert forged.status_code == 403
        away = _login(client, "rita", PASSWORD, "https://evil.example/")
        assert away.headers["location"] == "/"


def test_wrong_passwords_lock_the_account_with_one_message(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    make_user(access_store.engine, role="mash_analyst", username="lock", password=PASSWORD)
    access_app.state.login_limiter._hits.clear()
    with TestClient(access_app) as client:
        unknown = _login(client, "nobody", "whatever-password")
        messages = set()
        for _ in range(5):
            wrong = _login(client, "lock", "wrong password!!")
            assert wrong.status_code == 400
            messages.add(re.sub(r'value="[^"]*"', "", wrong.text))
        locked = _login(client, "lock", PASSWORD)
        assert locked.status_code == 400, "locked: the right password does not sign in"
        assert "Sign-in failed" in unknown.text
        assert len({m.replace("nobody", "lock") for m in messages}) == 1


def test_sign_in_attempts_are_rate_limited(access_app: FastAPI) -> None:
    access_app.state.login_limiter._hits.clear()
    with TestClient(access_app) as client:
        statuses = [_login(client, f"x{n}", "not-a-password").status_code for n in range(12)]
    access_app.state.login_limiter._hits.clear()
    assert statuses[:10] == [400] * 10 and statuses[10:] == [429, 429]


def test_security_headers_and_tls_only_headers(access_app: FastAPI) -> None:
    with TestClient(access_app) as plain:
        response = plain.get("/login")
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in response.headers
        assert "Secure" not in response.headers["set-cookie"]
    with TestClient(access_app, base_url="https://testserver") as tls:
        response = tls.get("/login")
        assert response.headers["strict-transport-security"] == HSTS
        assert (
            f"{CSRF_COOKIE}=" in response.headers["set-cookie"] and "Secure" in response.headers["set-cookie"]
        )
