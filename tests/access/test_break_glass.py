"""Break-glass answers a person id that exists and one that does not in the same way until
access is granted, so the form cannot be used to learn who is in the store; every attempt is
still audited (docs/security.md, "Break-glass"). Granting it issues a new session value."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import func, select
from starlette.testclient import TestClient

from alarmbell.audit import entries_for
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import BreakGlassGrant, PersonLink, UserSession
from alarmbell.web.auth import SESSION_COOKIE
from tests.auth_support import form_token, sign_in
from tests.web.conftest import DemoStore

from .conftest import person_without


def _answers(client: TestClient, person: int, reason: str | None) -> tuple[int, str, str, bool]:
    """Status, Location and body of the form (reason None) or of posting it, the id made neutral,
    and whether a new session value was set."""
    path = f"/people/{person}/break-glass"
    if reason is None:
        response = client.get(path)
    else:
        data = {"reason": reason, "csrf_token": form_token(client)}
        response = client.post(path, data=data, follow_redirects=False)
    neutral = (response.headers.get("location", ""), response.text)
    location, body = (text.replace(f"/people/{person}", "/people/ID") for text in neutral)
    renewed = f"{SESSION_COOKIE}=" in response.headers.get("set-cookie", "")
    return response.status_code, location, body, renewed


def test_break_glass_answers_the_same_whether_or_not_the_person_exists(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    existing = person_without(access_store, "health")
    with session_scope(access_store.engine) as session:
        missing = int(session.scalar(select(func.max(PersonLink.person_id))) or 0) + 1000
    with TestClient(access_app) as client:
        user = sign_in(client, role="practitioner", agency="health", team="health-visiting")
        for reason in (None, "too short", "child in A&E now, need history"):
            answer = _answers(client, existing, reason)
            assert answer == _answers(client, missing, reason), reason
            assert answer[3] == (reason == "child in A&E now, need history"), "renewed when granted"
    with session_scope(access_store.engine) as session:
        granted = set(
            session.scalars(select(BreakGlassGrant.person_id).where(BreakGlassGrant.user_id == user.id))
        )
        attempts = [
            (e.action, e.subject_id, e.detail.get("reason"))
            for e in entries_for(session, action_prefix="")
            if e.actor == user.name and e.action in ("break_glass", "access.denied")
        ]
    assert granted == {existing}, "no grant for an id that names nobody"
    assert ("break_glass", str(existing), "child in A&E now, need history") in attempts
    refused = [a for a in attempts if a[0] == "access.denied" and a[1] == str(missing)]
    assert refused, f"the attempt on an id naming nobody is audited: {attempts}"


def test_break_glass_issues_a_new_session_value_and_the_old_one_stops_working(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    """Break-glass raises what the session may open, so a value seen before it (a shared
    browser, a proxy log) must not carry the new access (OWASP: renew on privilege change)."""
    person = person_without(access_store, "health")
    with TestClient(access_app) as client:
        user = sign_in(client, role="practitioner", agency="health", team="health-visiting")
        before = client.cookies.get(SESSION_COOKIE) or ""
        assert client.get(f"/people/{person}", follow_redirects=False).status_code == 403
        data = {"reason": "child in A&E now, need history", "csrf_token": form_token(client)}
        response = client.post(f"/people/{person}/break-glass", data=data, follow_redirects=False)
        assert response.status_code == 303
        after = client.cookies.get(SESSION_COOKIE) or ""
        assert after and after != before
        assert client.get(f"/people/{person}", follow_redirects=False).status_code == 200
    with TestClient(access_app) as replay:
        replay.cookies.set(SESSION_COOKIE, before)
        assert replay.get(f"/people/{person}", follow_redirects=False).status_code == 303, "sign in again"
        assert replay.get("/mine", follow_redirects=False).status_code == 303
    with session_scope(access_store.engine) as session:
        rows = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert [row.ended_at is None for row in rows] == [False, True], "the old one ended, the new one live"
    assert rows[0].expires_at == rows[1].expires_at, "renewing never lengthens a sign-in"


def test_after_break_glass_the_cookie_ends_when_the_sign_in_does(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    """The renewed session keeps the sign-in's end, and its cookie says so: Max-Age is the time
    left, not a whole sign-in's length (before: the full `session_max_hours`, so the browser
    kept sending, hours after the end, a value the server refused)."""
    import re
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    person = person_without(access_store, "health")
    left = timedelta(minutes=37)
    with TestClient(access_app) as client:
        user = sign_in(client, role="practitioner", agency="health", team="health-visiting")
        with session_scope(access_store.engine) as session:  # signed in hours ago
            ends = datetime.now(UTC) + left
            session.execute(update(UserSession).where(UserSession.user_id == user.id).values(expires_at=ends))
        data = {"reason": "child in A&E now, need history", "csrf_token": form_token(client)}
        response = client.post(f"/people/{person}/break-glass", data=data, follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    max_age = re.search(r"Max-Age=(\d+)", cookie, re.IGNORECASE)
    assert max_age is not None, cookie
    assert left.total_seconds() - 60 <= int(max_age.group(1)) <= left.total_seconds(), cookie
    assert access_app.state.settings.session_max_hours * 3600 > left.total_seconds()
