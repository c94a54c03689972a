"""Every id in a path is read by one type, `web.deps.IdPath` (there were five digit parsers).

A path id that is not a whole number from 1 up names nothing: the browser gets the 404 page,
the API a 422 that says which field.
"""

from __future__ import annotations

from typing import get_type_hints

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.testclient import TestClient

from alarmbell.web.deps import IdPath


def test_every_path_parameter_of_every_route_is_an_id_path(demo_app: FastAPI) -> None:
    checked = []
    for context in iter_route_contexts(demo_app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        hints = get_type_hints(route.endpoint, include_extras=True)
        for param in route.dependant.path_params:
            assert hints[param.name] == IdPath, f"{context.path}: {param.name} is {hints[param.name]}"
            checked.append(f"{context.path}:{param.name}")
    assert len(checked) >= 18, checked


def test_a_path_id_that_is_not_a_number_is_a_404_page_in_the_browser(client: TestClient) -> None:
    for path in ("/identity/review/abc", "/triage/items/1x", "/triage/items/0"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text, path


def test_a_path_id_that_is_not_a_number_is_a_422_from_the_api(client: TestClient) -> None:
    for path in ("/api/v1/triage/items/abc", "/api/v1/people/0"):
        response = client.get(path)
        assert response.status_code == 422, path
        assert response.json()["detail"][0]["loc"][0] == "path", path
