"""Honest scoping (issue 13, item 5): what a viewer may not see is said, never shown as "none".

On the demo case store of tests/access. A health team manager in a team no alert is routed to
sees Leo with health's records only: the list and the page must agree that alerts exist and are
held by the MASH, search must not name the other agencies, and a household member whose page
would be refused is shown as restricted rather than as a link that ends in a 403.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.identity import view
from alarmbell.storage.db import session_scope
from alarmbell.web.auth import SESSION_COOKIE
from tests.auth_support import make_user, session_token
from tests.web.conftest import DemoStore

OTHER_AGENCY_LABELS = ("Police", "Children's social care", "Education")


def _client(app: FastAPI, store: DemoStore, role: str, agency: str, team: str) -> TestClient:
    client = TestClient(app)
    principal = make_user(store.engine, role=role, agency=agency, team=team)
    client.cookies.set(SESSION_COOKIE, session_token(store.engine, principal))
    return client


@pytest.fixture
def health_manager(access_app: FastAPI, access_store: DemoStore) -> Iterator[TestClient]:
    with _client(access_app, access_store, "team_manager", "health", "health-visiting") as client:
        yield client


@pytest.fixture
def routed_manager(access_app: FastAPI, access_store: DemoStore) -> Iterator[TestClient]:
    """A health manager in the team Leo's alerts are routed to: the whole record."""
    with _client(access_app, access_store, "team_manager", "health", "mash") as client:
        yield client


def test_the_page_never_says_no_alerts_when_alerts_are_hidden(
    health_manager: TestClient, access_store: DemoStore
) -> None:
    page = health_manager.get(f"/people/{access_store.leo_id}")
    assert page.status_code == 200
    assert "No alerts" not in page.text
    assert "has not raised an alert" not in page.text
    assert "Held by the MASH: contact the MASH" in page.text
    assert "The MASH holds alerts about Leo" in page.text
    data = health_manager.get(f"/api/v1/people/{access_store.leo_id}").json()
    assert data["summary"]["level"] is None
    assert data["summary"]["hidden_alerts"] is True
    assert data["summary"]["other_agencies_hidden"] is True
    assert data["alerts"] == []
    assert data["household"], "health recorded Leo's family"
    assert {label for h in data["household"] for label in h["recorded_by"]} == {"Health"}


def test_the_list_and_the_page_agree_on_level(health_manager: TestClient, access_store: DemoStore) -> None:
    listing = health_manager.get("/api/v1/alerts").json()
    assert access_store.leo_id not in [row["person_id"] for row in listing["people"]]
    restricted = {row["person_id"]: row for row in listing["restricted"]}
    assert access_store.leo_id in restricted
    assert set(restricted[access_store.leo_id]) == {"person_id", "name", "agency_labels"}
    assert restricted[access_store.leo_id]["agency_labels"] == ["Health"]
    html = health_manager.get("/alerts").text
    row = re.search(rf'href="/people/{access_store.leo_id}">[^<]+</a></th>(.*?)</tr>', html, re.S)
    assert row is not None
    assert "Held by the MASH" in row.group(1)
    assert "govuk-tag" not in row.group(1)


def test_a_routed_viewer_sees_the_level_in_both_places(
    routed_manager: TestClient, access_store: DemoStore
) -> None:
    listing = routed_manager.get("/api/v1/alerts").json()
    level = {row["person_id"]: row["level"] for row in listing["people"]}[access_store.leo_id]
    page = routed_manager.get(f"/api/v1/people/{access_store.leo_id}").json()
    assert page["summary"]["level"] == level
    assert page["summary"]["hidden_alerts"] is False


def test_search_names_other_agencies_only_to_those_who_may_see_them(
    health_manager: TestClient, routed_manager: TestClient, access_store: DemoStore
) -> None:
    with session_scope(access_store.engine) as session:
        leo = view(session, access_store.leo_id)
        assert leo is not None
        surname = leo.display_name.split()[-1]
    scoped = {r["person_id"]: r for r in health_manager.get(f"/api/v1/people?q={surname}").json()["results"]}
    assert scoped[access_store.leo_id]["agencies"] == ["health"]
    assert scoped[access_store.leo_id]["other_agencies_hidden"] is True
    html = health_manager.get(f"/people?q={surname}").text
    assert "and other agencies: contact the MASH" in html
    for label in OTHER_AGENCY_LABELS:
        assert label not in html, label
    full = {r["person_id"]: r for r in routed_manager.get(f"/api/v1/people?q={surname}").json()["results"]}
    assert len(full[access_store.leo_id]["agencies"]) > 1
    assert full[access_store.leo_id]["other_agencies_hidden"] is False


def test_no_household_or_chronology_link_leads_to_a_refusal(
    health_manager: TestClient, routed_manager: TestClient, access_store: DemoStore
) -> None:
    restricted_rows = 0
    for client in (health_manager, routed_manager):
        html = client.get(f"/people/{access_store.leo_id}").text
        linked = {int(i) for i in re.findall(r'href="/people/(\d+)"', html)}
        for person_id in linked:
            assert client.get(f"/people/{person_id}").status_code == 200, person_id
        data = client.get(f"/api/v1/people/{access_store.leo_id}").json()
        restricted_rows += sum(1 for h in data["household"] if h["restricted"])
        for h in data["household"]:
            status = client.get(f"/people/{h['person_id']}").status_code
            assert (status == 403) == h["restricted"], (h["name"], status)
    assert restricted_rows, "the demo household has someone one of these viewers may not open"


def test_the_timeline_draws_no_empty_lane_for_an_agency_whose_records_are_hidden(
    health_manager: TestClient, routed_manager: TestClient, access_store: DemoStore
) -> None:
    """Seen in the browser walk: a health viewer who sees only health's records read "Police
    0 events" on the timeline, beside "and other agencies: contact the MASH". Her timeline draws
    health's lane only and says so; a viewer in full still sees every agency's lane."""
    part = health_manager.get(f"/people/{access_store.leo_id}").text
    lanes = re.findall(r'<g class="app-tl__lane app-lane--([a-z_]+)">', part)
    assert lanes == ["health"] and "Only records from Health are drawn" in part
    whole = routed_manager.get(f"/people/{access_store.leo_id}").text
    assert re.findall(r'<g class="app-tl__lane app-lane--([a-z_]+)">', whole) == [
        "police", "health", "education", "children_social_care"
    ]  # fmt: skip
    assert "Only records from" not in whole
