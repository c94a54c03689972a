"""The person page's family diagram shows no one and nothing the viewer may not see.

On the demo case store of tests/access. A MASH analyst sees Leo in full: his mother's police
domestic incidents and her partners are in the diagram. A health team manager in a team no alert
is routed to sees Leo through health's records only: the diagram must not name a person health
holds no record of, count another agency's records, or date a partner's arrival from the police.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.identity import relations, views_by_agency
from alarmbell.storage.db import session_scope
from alarmbell.web.auth import SESSION_COOKIE
from tests.auth_support import make_user, session_token
from tests.web.conftest import DemoStore


def _client(app: FastAPI, store: DemoStore, role: str, agency: str | None, team: str | None) -> TestClient:
    client = TestClient(app)
    principal = make_user(store.engine, role=role, agency=agency, team=team)
    client.cookies.set(SESSION_COOKIE, session_token(store.engine, principal))
    return client


@pytest.fixture
def analyst(access_app: FastAPI, access_store: DemoStore) -> Iterator[TestClient]:
    with _client(access_app, access_store, "mash_analyst", None, "mash") as client:
        yield client


@pytest.fixture
def health_manager(access_app: FastAPI, access_store: DemoStore) -> Iterator[TestClient]:
    with _client(access_app, access_store, "team_manager", "health", "health-visiting") as client:
        yield client


def diagram(html: str) -> str:
    """The figure's text, the diagram's wrapped lines joined by spaces."""
    found = re.search(r'<figure class="app-household-diagram".*?</figure>', html, re.S)
    assert found, "the page has no family diagram"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


def test_the_analyst_sees_the_whole_household_with_what_is_recorded(
    analyst: TestClient, access_store: DemoStore
) -> None:
    figure = diagram(analyst.get(f"/people/{access_store.leo_id}").text)
    for name in ("Kayleigh Brennan", "Jack Fletcher", "Zofia Brennan", "Harry Brennan"):
        assert name in figure
    assert "13 domestic incident records" in figure
    assert "Joined the household" in figure
    # The men the police name as perpetrator, counted as the review counts them.
    assert "Named as perpetrator in 9 domestic incident records" in figure


def test_a_viewer_seeing_one_agency_sees_only_that_agency_in_the_diagram(
    health_manager: TestClient, analyst: TestClient, access_store: DemoStore
) -> None:
    leo = access_store.leo_id
    with session_scope(access_store.engine) as session:
        related = {r.other for r in relations(session, leo)}
        health_holds = views_by_agency(session, related, "health")
        whole = views_by_agency(session, related, "police")
    strangers = {v.display_name for p, v in whole.items() if p not in health_holds}
    assert strangers, "the demo has someone only another agency records"
    page = health_manager.get(f"/people/{leo}")
    assert page.status_code == 200
    figure = diagram(page.text)
    for name in strangers:
        assert name not in figure
        assert name not in page.text
    assert "domestic incident" not in figure.lower() and "perpetrator" not in figure
    assert "Joined the household" not in figure
    assert "Drawn from Health’s records only" in figure
    # Every person drawn is one health recorded, named as health recorded them.
    drawn = set(re.findall(r'class="app-geno__name"[^>]*>([^<]+)<', page.text))
    assert drawn - {"Leo Brennan"} <= {v.display_name for v in health_holds.values()}
    assert "domestic incident" in diagram(analyst.get(f"/people/{leo}").text).lower()


def test_an_adults_page_lists_the_family_without_a_child_centred_diagram(
    analyst: TestClient, access_store: DemoStore
) -> None:
    """Seen in the walk: the diagram drawn around Leo's mother put her where a child goes and her
    son below as "child of mother"; the diagram is drawn around a child only."""
    with session_scope(access_store.engine) as session:
        mother = next(r.other for r in relations(session, access_store.leo_id) if r.kind == "mother")
    page = analyst.get(f"/people/{mother}").text
    assert 'id="household-diagram"' not in page
    assert 'class="govuk-list app-household"' in page and "Leo Brennan" in page
    assert 'id="household-diagram"' in analyst.get(f"/people/{access_store.leo_id}").text
