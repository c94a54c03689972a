"""Schemathesis against the OpenAPI schema, in process, signed in: no server errors, bounded run.

Every operation gets a few generated cases (valid and invalid parameters and bodies, from the
schema) as a MASH analyst, who may call every session API; the records API gets them with an
API token. Any 5xx fails the test.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Err, Ok
from starlette.testclient import TestClient

from tests.auth_support import make_user, session_token
from tests.web.conftest import DemoStore

from .conftest import DEV_TOKEN

MAX_EXAMPLES = 15


def test_api_has_no_server_errors(access_app: FastAPI, access_store: DemoStore) -> None:
    principal = make_user(access_store.engine, role="mash_analyst")
    cookie = f"alarmbell_session={session_token(access_store.engine, principal)}"
    with TestClient(access_app) as client:
        raw = client.get("/api/v1/openapi.json", headers={"Cookie": cookie}).json()
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = access_app
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), [result.err() for result in results if isinstance(result, Err)]
    assert {op.path for op in operations} >= {
        "/api/v1/alerts",
        "/api/v1/people/{person_id}",
        "/api/v1/records",
    }
    failures: list[str] = []
    for operation in operations:
        _fuzz(operation, _headers(operation.path, cookie), failures)
    assert not failures, failures


def _headers(path: str, cookie: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {DEV_TOKEN}"} if path == "/api/v1/records" else {"Cookie": cookie}


def _fuzz(operation: Any, headers: dict[str, str], failures: list[str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case[Any]) -> None:
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path} {case.query} -> {response.status_code}")

    check()
