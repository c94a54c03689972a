"""The authorisation matrix: every route the app has x every role (and no sign-in, and an API
token) x a person of the user's own agency and of another; no unexpected allow, no 5xx.

Routes are enumerated from the app itself, so a route added later without `@requires(...)`
fails `test_every_route_declares_a_permission`, and one with a declaration is checked here
against EXPECTED, which is written out independently of alarmbell.access.policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select
from starlette.routing import Mount
from starlette.testclient import TestClient

from alarmbell.access.facts import person_facts
from alarmbell.access.policy import Action
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import AlertRow
from alarmbell.web.auth import SESSION_COOKIE, permission_of
from tests.auth_support import form_token, make_user, session_token
from tests.web.conftest import DemoStore

from .conftest import DEV_TOKEN, person_without

ROLES = ("practitioner", "mash_analyst", "team_manager", "reviewer", "admin")
#: Practitioner and manager: health, in a team no alert is routed to, so only their own
#: agency's records open to them.
USERS = {
    "practitioner": ("health", "health-visiting"),
    "mash_analyst": ("children_social_care", "mash"),
    "team_manager": ("health", "health-visiting"),
    "reviewer": (None, None),
    "admin": (None, None),
}
#: Who may use each action (not about a person, or about a person of their own agency).
EXPECTED: dict[Action, set[str]] = {
    Action.PUBLIC: {*ROLES, "anonymous", "token"},
    Action.SIGNED_IN: set(ROLES),
    Action.LIST_ALERTS: {"practitioner", "mash_analyst", "team_manager"},
    Action.SEARCH_PEOPLE: {"practitioner", "mash_analyst", "team_manager", "reviewer"},
    Action.VIEW_PERSON: {"practitioner", "mash_analyst", "team_manager"},
    Action.BREAK_GLASS: {"practitioner", "team_manager"},
    Action.RECORD_CONCERN: {"practitioner", "mash_analyst", "team_manager"},
    Action.OVERRIDE_ALERT: {"mash_analyst"},
    Action.COUNTERSIGN_OVERRIDE: {"team_manager"},
    Action.VIEW_IDENTITY_REVIEW: {"mash_analyst"},
    Action.DECIDE_IDENTITY: {"mash_analyst"},
    Action.VIEW_TRIAGE: {"mash_analyst", "team_manager"},
    Action.DECIDE_TRIAGE: {"mash_analyst", "team_manager"},
    Action.COUNTERSIGN_TRIAGE: {"team_manager"},
    Action.VIEW_REVIEW: {"team_manager", "reviewer"},
    Action.VIEW_UNANSWERED: {"mash_analyst", "team_manager", "reviewer"},
    Action.EXPORT_REVIEW: {"reviewer"},
    Action.SAR_EXPORT: {"admin"},
    Action.VIEW_BREAK_GLASS_LOG: {"team_manager", "admin"},
    Action.MANAGE_USERS: {"admin"},
    Action.VIEW_AUDIT: {"admin"},
    Action.API_INGEST: {"token"},
}
#: About a person of another agency, with no alert routed to the user's team.
EXPECTED_OTHER_AGENCY: dict[Action, set[str]] = {
    Action.VIEW_PERSON: {"mash_analyst"},
    Action.OVERRIDE_ALERT: {"mash_analyst"},
    Action.COUNTERSIGN_OVERRIDE: set(),
    Action.VIEW_REVIEW: set(),
}
PUBLIC_MOUNTS = {"/static"}


@dataclass(frozen=True)
class Endpoint:
    path: str
    method: str
    route: APIRoute


def endpoints(app: FastAPI) -> list[Endpoint]:
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD"}):
                found.append(Endpoint(str(context.path), method, route))
    return found


def test_every_route_declares_a_permission(access_app: FastAPI) -> None:
    missing = []
    for context in iter_route_contexts(access_app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            if permission_of(route.endpoint) is None:
                missing.append(f"{sorted(route.methods)} {context.path}")
        elif isinstance(route, Mount):
            assert context.path in PUBLIC_MOUNTS, f"unexpected mount {context.path}"
        else:
            missing.append(
                f"{type(route).__name__} {context.path} (not a FastAPI route: the guard does not run)"
            )
    assert not missing, "routes without @requires(Action...): " + "; ".join(missing)
    assert len(endpoints(access_app)) >= 20


def test_a_route_without_a_declaration_is_refused(access_app: FastAPI) -> None:
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/undeclared-for-test")
    def undeclared() -> dict[str, str]:
        return {"secret": "x"}

    probe = FastAPI(dependencies=access_app.router.dependencies)
    probe.state.__dict__.update(access_app.state.__dict__)
    probe.include_router(router)
    with TestClient(probe) as client:
        assert client.get("/undeclared-for-test").status_code == 403


def _expected(action: Action, who: str, subject: str | None, closed: bool) -> bool:
    if (
        who == "reviewer"
        and subject is not None
        and action in (Action.VIEW_PERSON, Action.VIEW_REVIEW, Action.EXPORT_REVIEW)
    ):
        return closed
    if subject == "other" and action in EXPECTED_OTHER_AGENCY:
        return who in EXPECTED_OTHER_AGENCY[action]
    return who in EXPECTED[action]


def _fill(path: str, person_param: str | None, person_id: int, alert_id: int) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        if name == person_param:
            return str(person_id)
        return str(alert_id) if name == "alert" else "1"

    return re.sub(r"\{([^}]+)\}", value, path)


def _denied(response: object) -> bool:
    status = response.status_code  # type: ignore[attr-defined]
    location = response.headers.get("location", "")  # type: ignore[attr-defined]
    return status in (401, 403) or (status == 303 and location.startswith("/login?"))


def test_matrix_has_no_unexpected_allow(access_app: FastAPI, access_store: DemoStore) -> None:
    engine = access_store.engine
    own, other = access_store.leo_id, person_without(access_store, "health")
    with session_scope(engine) as session:
        alerts = {
            p: session.scalars(select(AlertRow.id).where(AlertRow.person_id == p)).first() or 1
            for p in (own, other)
        }
        closed = {p: person_facts(session, None, p, access_app.state.policy).closed for p in (own, other)}
    principals = {
        role: make_user(engine, role=role, agency=USERS[role][0], team=USERS[role][1]) for role in ROLES
    }
    failures: list[str] = []
    checked = 0
    for who in (*ROLES, "anonymous", "token"):
        with TestClient(access_app) as client:
            for endpoint in endpoints(access_app):
                permission = permission_of(endpoint.route.endpoint)
                assert permission is not None
                subjects = [("own", own), ("other", other)] if permission.person else [(None, own)]
                for subject, person_id in subjects:
                    headers = {}
                    if who in principals:
                        client.cookies.set(SESSION_COOKIE, session_token(engine, principals[who]))
                    else:
                        client.cookies.delete(SESSION_COOKIE)
                    if who == "token":
                        headers["Authorization"] = f"Bearer {DEV_TOKEN}"
                    url = _fill(endpoint.path, permission.person, person_id, alerts[person_id])
                    if endpoint.method == "GET":
                        response = client.get(url, headers=headers, follow_redirects=False)
                    else:
                        data = {"csrf_token": form_token(client)}
                        response = client.request(
                            endpoint.method, url, data=data, headers=headers, follow_redirects=False
                        )
                    checked += 1
                    assert response.status_code < 500, (who, endpoint.method, url, response.text[:300])
                    allowed = not _denied(response)
                    expected = _expected(permission.action, who, subject, closed[person_id])
                    if allowed != expected:
                        failures.append(
                            f"{who} {endpoint.method} {url} ({subject or '-'}): got {response.status_code}, "
                            f"expected {'allow' if expected else 'deny'}"
                        )
    assert not failures, "\n".join(failures)
    assert checked > 150


@pytest.mark.parametrize("role", ["practitioner", "team_manager"])
def test_own_agency_view_shows_only_own_agency_rows(
    access_app: FastAPI, access_store: DemoStore, role: str
) -> None:
    principal = make_user(access_store.engine, role=role, agency="health", team="health-visiting")
    with TestClient(access_app) as client:
        client.cookies.set(SESSION_COOKIE, session_token(access_store.engine, principal))
        data = client.get(f"/api/v1/people/{access_store.leo_id}/chronology").json()
        assert data["entries"] and {e["agency"] for e in data["entries"]} == {"health"}
        page = client.get(f"/people/{access_store.leo_id}").text
        assert "only your own agency" in page and "app-tl__alert-line" not in page
        listed = client.get("/api/v1/alerts").json()["people"]
        assert all("Health" in p["agency_labels"] for p in listed)
