"""SQL injection attempts in every query parameter of every GET route (found from the app itself)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import func, select
from starlette.testclient import TestClient

from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import AuditEntry, PersonRecordRow
from tests.auth_support import sign_in
from tests.web.conftest import DemoStore

PAYLOADS = (
    "' OR '1'='1",
    "' OR 1=1 --",
    '" OR ""="',
    "%' OR '%'='",
    "1; DROP TABLE person_record; --",
    "'; DELETE FROM audit_log; --",
    "_%",
    "\\' UNION SELECT username, password_hash FROM app_user --",
    "1) OR (1=1",
    "\x00",
)


def _get_routes_with_query(app: FastAPI) -> list[tuple[str, list[str]]]:
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and "GET" in (route.methods or ()) and route.dependant.query_params:
            found.append((str(context.path), [p.alias for p in route.dependant.query_params]))
    return found


def test_no_parameter_is_injectable(access_app: FastAPI, access_store: DemoStore) -> None:
    with session_scope(access_store.engine) as session:
        records = session.scalar(select(func.count()).select_from(PersonRecordRow))
    routes = _get_routes_with_query(access_app)
    assert any(path == "/people" for path, _ in routes)
    with TestClient(access_app) as client:
        sign_in(client, role="mash_analyst")
        for path, params in routes:
            url = re.sub(r"\{[^}]+\}", str(access_store.leo_id), path)
            for param in params:
                for payload in PAYLOADS:
                    response = client.get(url, params={param: payload})
                    assert response.status_code < 500, (url, param, payload)
        for payload in PAYLOADS[:4]:
            assert client.get("/api/v1/people", params={"q": payload}).json()["results"] == [], payload
        assert client.get("/api/v1/people", params={"q": "_%"}).json()["results"] == []
    with session_scope(access_store.engine) as session:
        assert session.scalar(select(func.count()).select_from(PersonRecordRow)) == records
        assert (session.scalar(select(func.count()).select_from(AuditEntry)) or 0) > 0


def test_a_path_id_of_non_ascii_digits_is_refused_not_a_server_error(access_app: FastAPI) -> None:
    """'²' and '٣' are digits to str.isdigit but not to int(): the guard must not crash on them."""
    with TestClient(access_app, raise_server_exceptions=False) as client:
        sign_in(client, role="mash_analyst")
        for raw in ("²", "٣", "1²"):
            response = client.get(f"/api/v1/people/{raw}")
            assert response.status_code in (404, 422), (raw, response.status_code)
