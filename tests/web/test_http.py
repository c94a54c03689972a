"""The app over HTTP (Starlette's TestClient), on a real SQLite store holding the demo case."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from alarmbell.alerts.service import alerts_for
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import AlertRow
from alarmbell.web.security import SECURITY_HEADERS

from .conftest import DemoStore

if TYPE_CHECKING:
    from starlette.testclient import TestClient


def test_home_lists_people_with_alerts_linked_to_their_pages(
    client: TestClient, demo_store: DemoStore
) -> None:
    response = client.get("/alerts")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert f'<a class="govuk-link" href="/people/{demo_store.leo_id}">Leo Brennan</a>' in html
    assert "app-alert-tag--red" in html
    assert 'action="/people"' in html
    assert "govuk-phase-banner" in html and "synthetic and pseudonymised" in html


def test_every_page_links_the_stylesheets_and_sends_security_headers(client: TestClient) -> None:
    for path in ("/", "/alerts", "/people?q=leo", "/people/999999", "/api/v1/alerts", "/static/pages.css"):
        response = client.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (path, name)
    html = client.get("/alerts").text
    for sheet in ("/static/govuk/govuk-frontend.min.css", "/static/alarmbell.css", "/static/pages.css"):
        assert f'href="{sheet}"' in html
        assert client.get(sheet).status_code == 200
    assert "<script" not in html
    assert " style=" not in html


def test_csp_allows_only_this_site() -> None:
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_person_page_shows_summary_household_alerts_timeline_and_chronology(
    client: TestClient, demo_store: DemoStore
) -> None:
    response = client.get(f"/people/{demo_store.leo_id}")
    assert response.status_code == 200
    html = response.text
    assert "<h1" in html and "Leo Brennan" in html
    assert "15 July 2007" in html and "POL-demo-P1" in html
    assert "Kayleigh Brennan" in html and "Mother&#39;s partner" in html
    assert "Leo Brennan is rated RED on 31 Jan 2011" in html
    assert '<svg class="app-tl__svg"' in html
    # 57 recorded events and 2 derived facts: a new adult joined the household (twice).
    assert html.count('class="govuk-table__row app-chronology__row') == 59
    assert html.count("New adult in household") >= 2
    assert 'id="event-health-HEA-demo-E17"' in html and 'href="#event-health-HEA-demo-E17"' in html


def test_only_the_newest_alert_shows_its_indicators_the_earlier_fold_away(
    client: TestClient, demo_store: DemoStore
) -> None:
    """Every alert keeps its heading and summary; the indicators of all but the newest are folded."""
    html = client.get(f"/people/{demo_store.leo_id}").text
    cards = html.split('class="app-alert app-alert--')[1:]
    assert len(cards) >= 5
    newest, *earlier = cards
    assert "app-alert-card__findings-list" in newest and "app-alert-card__earlier" not in newest
    for card in earlier:
        folded = card.index('class="govuk-details app-alert-card__earlier"')
        assert folded < card.index("app-alert-card__findings-list")
        assert card.index("app-alert-card__lede") < folded
        assert re.search(r"indicators? and the records behind (?:them|it)", card)


def test_person_template_context_is_the_page_data(client: TestClient, demo_store: DemoStore) -> None:
    response = client.get(f"/people/{demo_store.leo_id}")
    # Starlette's test client adds the template and its context to a TemplateResponse's response.
    page = response.context["page"]  # type: ignore[attr-defined]
    assert page.summary.person_id == demo_store.leo_id
    assert response.template.name == "person.html"  # type: ignore[attr-defined]


def test_unknown_person_gets_a_404_page_saying_what_to_do_next(client: TestClient) -> None:
    for path in ("/people/999999", "/people/abc", "/people/-1"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text
        assert 'href="/people"' in response.text and 'href="/"' in response.text
        assert "govuk-header" in response.text


def test_unknown_path_gets_the_404_page(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "check it is correct" in response.text


def test_search_page_finds_by_name_and_escapes_the_query(client: TestClient, demo_store: DemoStore) -> None:
    found = client.get("/people", params={"q": "brennan"})
    assert found.status_code == 200
    assert f'href="/people/{demo_store.leo_id}"' in found.text
    evil = client.get("/people", params={"q": '<script>alert("x")</script>'})
    assert evil.status_code == 200
    assert "<script>" not in evil.text
    assert "&lt;script&gt;" in evil.text
    assert "No one found" in evil.text
    assert "Find a person" in client.get("/people").text


def test_api_alerts(client: TestClient, demo_store: DemoStore) -> None:
    data = client.get("/api/v1/alerts").json()
    leo = next(p for p in data["people"] if p["person_id"] == demo_store.leo_id)
    stored = _leo_alerts(demo_store)
    assert leo["level"] == "red" and leo["alerts"] == len(stored) >= 5
    assert leo["last_raised_at"].startswith(stored[-1].raised_at.date().isoformat())
    assert data["counts"]["red"] >= 1


def test_api_chronology_is_the_page_data(client: TestClient, demo_store: DemoStore) -> None:
    data = client.get(f"/api/v1/people/{demo_store.leo_id}/chronology").json()
    assert data["name"] == "Leo Brennan"
    entries = data["entries"]
    derived = [e for e in entries if e["kind"] == "new_adult_in_household"]
    assert len(entries) - len(derived) == 57 and len(derived) == 2
    assert entries[0]["occurred_at"] <= entries[-1]["occurred_at"]
    assert {"agency", "kind", "what", "about", "occurred_at", "recorded_at"} <= set(entries[0])


def test_api_person_and_search(client: TestClient, demo_store: DemoStore) -> None:
    person = client.get(f"/api/v1/people/{demo_store.leo_id}").json()
    assert person["summary"]["name"] == "Leo Brennan"
    assert len(person["alerts"]) == len(_leo_alerts(demo_store))
    results = client.get("/api/v1/people", params={"q": "leo"}).json()["results"]
    assert any(r["person_id"] == demo_store.leo_id for r in results)


def test_api_errors_are_json(client: TestClient) -> None:
    missing = client.get("/api/v1/people/999999")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No person with id 999999."}
    assert client.get("/api/v1/people/abc").status_code == 422


def test_an_empty_store_says_there_are_no_alerts(empty_client: TestClient) -> None:
    response = empty_client.get("/alerts")
    assert response.status_code == 200
    assert "No alerts have been raised." in response.text
    assert empty_client.get("/api/v1/alerts").json()["people"] == []


def _leo_alerts(demo_store: DemoStore) -> list[AlertRow]:
    with session_scope(demo_store.engine) as session:
        rows = alerts_for(session, demo_store.leo_id)
        session.expunge_all()
        return rows
