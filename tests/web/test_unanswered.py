"""The unanswered-alarms report in the browser's HTTP terms: page, CSV, JSON, and honest scoping."""

from __future__ import annotations

import csv
import io

from fastapi import FastAPI
from starlette.testclient import TestClient

from tests.auth_support import sign_in
from tests.web.conftest import DemoStore


def _client(app: FastAPI, role: str, agency: str | None = None, team: str | None = None) -> TestClient:
    client = TestClient(app)
    sign_in(client, role=role, agency=agency, team=team)
    return client


def test_the_reviewer_sees_the_demo_childs_2011_alerts_unanswered(
    demo_app: FastAPI, demo_store: DemoStore
) -> None:
    client = _client(demo_app, "reviewer")
    page = client.get("/triage/unanswered")
    assert page.status_code == 200
    assert "Unanswered alarms" in page.text and "<svg" in page.text
    assert f'href="/people/{demo_store.leo_id}">Leo Brennan' in page.text
    listed = client.get("/api/v1/triage/unanswered").json()
    leo_2011 = [
        row
        for row in listed["listed"]
        if row["person_id"] == str(demo_store.leo_id) and row["raised_at"].startswith("2011")
    ]
    assert leo_2011 and all(row["status"] == "No decision" for row in leo_2011)
    assert listed["unanswered_by"]["month"]["2011-01"] >= 1
    rows = list(csv.DictReader(io.StringIO(client.get("/triage/unanswered.csv").text)))
    assert {r["alert_id"] for r in rows} == {r["alert_id"] for r in listed["listed"]}


def test_a_housing_manager_sees_the_counts_but_only_the_rows_she_may_open(demo_app: FastAPI) -> None:
    """Housing holds no record of the demo children, so she sees the counts and not the names."""
    client = _client(demo_app, "team_manager", agency="housing", team="housing-options")
    body = client.get("/api/v1/triage/unanswered").json()
    assert body["unanswered"] > 0
    assert body["not_shown"] > 0
    assert len(body["listed"]) + body["not_shown"] == body["unanswered"] + body["closed_then_harm"]
    assert body["listed"] == []
    page = client.get("/triage/unanswered").text
    assert "may not see" in page and "Leo Brennan" not in page


def test_a_manager_who_sees_only_her_agencys_part_gets_no_rows_about_that_child(
    demo_app: FastAPI, demo_store: DemoStore
) -> None:
    """Health holds records of Leo, but no alert about him is routed to her team: his page says
    his alerts are held by the MASH, so the report does not list his alerts (level, agencies,
    dates) either; it counts them, as for a child she may not open at all."""
    client = _client(demo_app, "team_manager", agency="health", team="health-visiting")
    person = client.get(f"/people/{demo_store.leo_id}")
    assert person.status_code == 200 and "only your own agency" in person.text
    body = client.get("/api/v1/triage/unanswered").json()
    assert body["unanswered"] > 0 and body["not_shown"] > 0
    assert str(demo_store.leo_id) not in {row["person_id"] for row in body["listed"]}
    assert "Leo Brennan" not in client.get("/triage/unanswered").text
    assert "Leo Brennan" not in client.get("/triage/unanswered.csv").text
    routed = _client(demo_app, "team_manager", agency="health", team="mash")
    listed = routed.get("/api/v1/triage/unanswered").json()["listed"]
    assert str(demo_store.leo_id) in {row["person_id"] for row in listed}


def test_practitioners_and_admins_may_not_open_it(demo_app: FastAPI) -> None:
    for role in ("practitioner", "admin"):
        assert _client(demo_app, role).get("/triage/unanswered").status_code == 403


def test_every_role_lands_on_a_page_it_can_use(demo_app: FastAPI) -> None:
    starts = {
        "practitioner": "/mine",
        "mash_analyst": "/triage",
        "team_manager": "/triage/analytics",
        "reviewer": "/reviews",
        "admin": "/admin/users",
    }
    for role, start in starts.items():
        agency = "health" if role in ("practitioner", "team_manager") else None
        client = _client(demo_app, role, agency, "mash" if agency else None)
        response = client.get("/", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == start, role
        assert client.get(start).status_code == 200, role
