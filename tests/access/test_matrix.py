"""The authorisation matrix: every route the app has x every role (and no sign-in, and an API
token) x a person of the user's own agency and of another; no unexpected allow, no 5xx.

Routes are enumerated from the app itself, so a route added later without `@requires(...)`
fails `test_every_route_declares_a_permission`, and one with a declaration is checked here
against EXPECTED, which is written out independently of alarmbell.access.policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine, select
from starlette.routing import Mount
from starlette.testclient import TestClient

from alarmbell.access.facts import facts_for_people
from alarmbell.access.policy import PERSON_ACTIONS, Action
from alarmbell.identity import view
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import AlertRow, PersonLink, PersonRecordRow, TriageItem
from alarmbell.triage import load_displacement_scenario
from alarmbell.web.auth import SESSION_COOKIE, permission_of
from alarmbell.web.pages.person import build_person_page
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
    # The manager sees the own-agency person's record only as their agency's part, which hides
    # alerts: deciding about an alert (overriding, countersigning) needs it in full, by routing.
    Action.COUNTERSIGN_OVERRIDE: set(),
    Action.VIEW_IDENTITY_REVIEW: {"mash_analyst"},
    Action.DECIDE_IDENTITY: {"mash_analyst"},
    Action.VIEW_TRIAGE: {"mash_analyst", "team_manager"},
    Action.DECIDE_TRIAGE: {"mash_analyst", "team_manager"},
    Action.COUNTERSIGN_TRIAGE: {"team_manager"},
    Action.VIEW_REVIEW: {"team_manager", "reviewer"},
    Action.LIST_REVIEWS: {"reviewer"},
    Action.VIEW_UNANSWERED: {"mash_analyst", "team_manager", "reviewer"},
    Action.VIEW_REPORTED: {"practitioner", "mash_analyst", "team_manager"},
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
    Action.RECORD_CONCERN: {"mash_analyst"},
}
#: About another team's triage item: team managers triage their own team's work only.
EXPECTED_OTHER_TEAM: dict[Action, set[str]] = {
    Action.VIEW_TRIAGE: {"mash_analyst"},
    Action.DECIDE_TRIAGE: {"mash_analyst"},
    Action.COUNTERSIGN_TRIAGE: set(),
}
#: About a person of the user's own agency who also has other agencies' records (Leo), with no
#: alert routed to the user's team: only their agency's part opens, so no multi-agency review.
EXPECTED_OWN_AGENCY: dict[Action, set[str]] = {
    Action.VIEW_REVIEW: set(),
}
PUBLIC_MOUNTS = {"/static"}
#: Routes whose JSON body names the triage item they act on.
ITEM_IN_BODY = {"/api/v1/triage/worklog"}
#: A valid body for each route that reads JSON, so the request reaches the route's own decision.
JSON_BODIES: dict[str, dict[str, Any]] = {
    "/api/v1/triage/items/{item_id}/decide": {"decision": "early_help", "rationale": "matrix test"},
    "/api/v1/triage/worklog": {"person": "matrix", "hours": 0.5, "worked_at": "2026-01-01T10:00:00+00:00"},
}
#: Parameter names that carry a person id: a route reading one must have the guard decide on it.
PERSON_PARAMS = {"person", "person_id"}


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
            for method in sorted((route.methods or set()) - {"HEAD"}):
                found.append(Endpoint(str(context.path), method, route))
    return found


def test_every_route_declares_a_permission(access_app: FastAPI) -> None:
    missing = []
    for context in iter_route_contexts(access_app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            methods = sorted(route.methods or ())
            permission = permission_of(route.endpoint)
            if permission is None:
                missing.append(f"{methods} {context.path}")
                continue
            params = {p.name for p in (*route.dependant.path_params, *route.dependant.query_params)}
            for name in sorted((params & PERSON_PARAMS) - {permission.person}):
                missing.append(f"{methods} {context.path} reads {name!r} without person={name!r}")
            if permission.action in PERSON_ACTIONS and permission.person is None:
                missing.append(f"{methods} {context.path}: {permission.action} names no person")
        elif isinstance(route, Mount):
            assert context.path in PUBLIC_MOUNTS, f"unexpected mount {context.path}"
        else:
            missing.append(
                f"{type(route).__name__} {context.path} (not a FastAPI route: the guard does not run)"
            )
    assert not missing, "routes without a declared decision: " + "; ".join(missing)
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


def _expected(action: Action, who: str, subject: str | None, closed: bool, team_item: bool = False) -> bool:
    if team_item and action in EXPECTED_OTHER_TEAM:
        return who in EXPECTED_OTHER_TEAM[action]
    if (
        who == "reviewer"
        and subject is not None
        and action in (Action.VIEW_PERSON, Action.VIEW_REVIEW, Action.EXPORT_REVIEW)
    ):
        return closed
    if subject == "other" and action in EXPECTED_OTHER_AGENCY:
        return who in EXPECTED_OTHER_AGENCY[action]
    if subject == "own" and action in EXPECTED_OWN_AGENCY:
        return who in EXPECTED_OWN_AGENCY[action]
    return who in EXPECTED[action]


def _fill(path: str, person_param: str | None, person_id: int, ids: dict[str, int]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        if name == person_param:
            return str(person_id)
        return str(ids.get(name, 1))

    return re.sub(r"\{([^}]+)\}", value, path)


def _denied(response: httpx2.Response) -> bool:
    status = response.status_code
    location = response.headers.get("location", "")
    return status in (401, 403) or (status == 303 and location.startswith("/login?"))


@dataclass(frozen=True)
class Secrets:
    """What must not appear in an allowed response to someone not entitled to it."""

    other_person: tuple[str, ...]
    own_other_agencies: tuple[str, ...]
    other_team_titles: tuple[str, ...] = ()


def _secrets(access_store: DemoStore, own: int, other: int) -> Secrets:
    """The other person's name and identifiers; other agencies' free texts about Leo."""
    with session_scope(access_store.engine) as session:
        person = view(session, other)
        assert person is not None
        rows = session.scalars(
            select(PersonRecordRow)
            .join(PersonLink, PersonLink.person_record_id == PersonRecordRow.id)
            .where(PersonLink.person_id == other, PersonLink.ended_at.is_(None))
        ).all()
        page = build_person_page(session, own, now=datetime.now(UTC), rule_titles={})
    assert page is not None
    identifiers = {r.nhs_number for r in rows if r.nhs_number} | {r.upn for r in rows if r.upn}
    texts = {row.text for row in page.chronology if row.agency != "health" and len(row.text) > 20}
    assert texts, "Leo has other agencies' texts in the demo case"
    return Secrets((person.display_name, *sorted(identifiers)), tuple(sorted(texts)))


def _request(
    client: TestClient, endpoint: Endpoint, person: tuple[str | None, int], probe: tuple[int, str], **kw: Any
) -> Any:
    """One request; the person goes where the route declared it. Routes that declare no person
    are probed with the other person's id and family name in the usual parameter names, so a
    route that reads a person without declaring one is caught by the leak check."""
    permission = permission_of(endpoint.route.endpoint)
    assert permission is not None
    subject, person_id = person
    fields: dict[str, str] = {}
    if permission.person is None:
        fields = {"person": str(probe[0]), "person_id": str(probe[0]), "q": probe[1]}
    elif permission.person_from != "path":
        fields = {permission.person: str(person_id)}
    url = _fill(
        endpoint.path, permission.person if permission.person_from == "path" else None, person_id, kw["ids"]
    )
    if endpoint.method == "GET":
        return client.get(url, params=fields, headers=kw["headers"], follow_redirects=False)
    if endpoint.route.dependant.body_params:
        assert endpoint.path in JSON_BODIES, f"add a valid JSON body for {endpoint.path} to JSON_BODIES"
        headers = {**kw["headers"], "X-CSRF-Token": form_token(client)}
        item = {"item_id": kw["ids"]["item"]} if endpoint.path in ITEM_IN_BODY else {}
        body = {**JSON_BODIES[endpoint.path], **item}
        return client.request(endpoint.method, url, json=body, headers=headers, follow_redirects=False)
    data = {"csrf_token": form_token(client), **fields}
    return client.request(endpoint.method, url, data=data, headers=kw["headers"], follow_redirects=False)


def _leaks(
    body: str, secrets: Secrets, *, other_open: bool, own_scope_limited: bool, all_teams: bool
) -> list[str]:
    found = [] if other_open else [s for s in secrets.other_person if s in body]
    if own_scope_limited:
        found += [s[:40] for s in secrets.own_other_agencies if s in body]
    if not all_teams:
        found += [s for s in secrets.other_team_titles if s in body]
    return found


def _other_teams_work(engine: Engine) -> tuple[int, tuple[str, ...]]:
    """Triage work (the scenario's) in teams the matrix's manager is not in: one item id, and
    the titles (which name children) of items neither their team's nor reported by health."""
    with session_scope(engine) as session:
        load_displacement_scenario(session, now=datetime.now(UTC))
        items = session.scalars(select(TriageItem).where(TriageItem.team != USERS["team_manager"][1])).all()
        assert items, "the triage scenario has work for other teams"
        titles = {i.title for i in items if (i.referrer or "").lower() != "health" and "'" not in i.title}
        return items[0].id, tuple(sorted(titles))


def test_matrix_has_no_unexpected_allow(access_app: FastAPI, access_store: DemoStore) -> None:
    engine = access_store.engine
    own, other = access_store.leo_id, person_without(access_store, "health")
    with session_scope(engine) as session:
        alerts = {
            p: session.scalars(select(AlertRow.id).where(AlertRow.person_id == p)).first() or 1
            for p in (own, other)
        }
        facts = facts_for_people(session, None, [own, other], access_app.state.policy)
        closed = {p: facts[p].closed for p in (own, other)}
        family = (view(session, other) or pytest.fail("no other person")).display_name.split()[-1]
    item, titles = _other_teams_work(engine)
    secrets = replace(_secrets(access_store, own, other), other_team_titles=titles)
    principals = {
        role: make_user(engine, role=role, agency=USERS[role][0], team=USERS[role][1]) for role in ROLES
    }
    failures: list[str] = []
    checked = inspected = 0
    for who in (*ROLES, "anonymous", "token"):
        other_open = _expected(Action.VIEW_PERSON, who, "other", closed[other])
        # The other person is in Leo's household: Leo's full record names them.
        own_full = other_open or (who == "reviewer" and closed[own])
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
                    ids = {"alert": alerts[person_id], "item": item, "item_id": item}
                    response = _request(
                        client, endpoint, (subject, person_id), (other, family), ids=ids, headers=headers
                    )
                    team_item = endpoint.path in ITEM_IN_BODY or bool(
                        {"item", "item_id"} & set(endpoint.route.param_convertors)
                    )
                    checked += 1
                    where = f"{who} {endpoint.method} {endpoint.path} ({subject or '-'})"
                    assert response.status_code < 500, (where, response.text[:300])
                    allowed = not _denied(response)
                    expected = _expected(permission.action, who, subject, closed[person_id], team_item)
                    if allowed != expected:
                        failures.append(
                            f"{where}: got {response.status_code}, expected {'allow' if expected else 'deny'}"
                        )
                    if allowed:
                        inspected += 1
                        leaked = _leaks(
                            response.text,
                            secrets,
                            other_open=(own_full if subject == "own" else other_open)
                            or (subject == "other" and expected),
                            own_scope_limited=USERS[who][1] == "health-visiting" if who in USERS else False,
                            all_teams=who == "mash_analyst",
                        )
                        if leaked:
                            failures.append(f"{where}: shows {leaked}")
    assert not failures, "\n".join(failures)
    assert checked > 150
    print(
        f"authorisation matrix: {len(endpoints(access_app))} endpoints x 7 principals, {checked} requests, "
        f"{inspected} allowed responses searched for leaks, {len(failures)} failures"
    )


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
