"""Break-glass answers a person id that exists and one that does not in the same way until
access is granted, so the form cannot be used to learn who is in the store; every attempt is
still audited (docs/security.md, "Break-glass")."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import func, select
from starlette.testclient import TestClient

from alarmbell.audit import entries_for
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import BreakGlassGrant, PersonLink
from tests.auth_support import form_token, sign_in
from tests.web.conftest import DemoStore

from .conftest import person_without


def _answers(client: TestClient, person: int, reason: str | None) -> tuple[int, str, str]:
    """Status, Location and body of the form (reason None) or of posting it, the id made neutral."""
    path = f"/people/{person}/break-glass"
    if reason is None:
        response = client.get(path)
    else:
        data = {"reason": reason, "csrf_token": form_token(client)}
        response = client.post(path, data=data, follow_redirects=False)
    neutral = (response.headers.get("location", ""), response.text)
    location, body = (text.replace(f"/people/{person}", "/people/ID") for text in neutral)
    return response.status_code, location, body


def test_break_glass_answers_the_same_whether_or_not_the_person_exists(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    existing = person_without(access_store, "health")
    with session_scope(access_store.engine) as session:
        missing = int(session.scalar(select(func.max(PersonLink.person_id))) or 0) + 1000
    with TestClient(access_app) as client:
        user = sign_in(client, role="practitioner", agency="health", team="health-visiting")
        for reason in (None, "too short", "child in A&E now, need history"):
            assert _answers(client, existing, reason) == _answers(client, missing, reason), reason
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
