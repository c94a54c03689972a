"""Issue 19 defect 11: a NUL in a search matched everyone (SQLite ends a LIKE pattern at the NUL;
PostgreSQL refuses the parameter). Control characters now separate words like spaces do."""

from __future__ import annotations

from starlette.testclient import TestClient

from alarmbell.identity.search import search_people, search_terms
from alarmbell.storage.db import session_scope
from alarmbell.web.pages.search import build_search

from .conftest import DemoStore


def test_control_characters_are_not_part_of_a_search_term() -> None:
    assert search_terms("\x00") == []
    assert search_terms("leo\x00bren") == ["leo", "bren"]
    assert search_terms("a\x1fb\x7fc") == ["a", "b", "c"]


def test_a_nul_finds_nobody(demo_store: DemoStore) -> None:
    with session_scope(demo_store.engine) as session:
        assert search_people(session, "\x00", 50) == []
        assert search_people(session, "zzzz\x00", 50) == []
        assert build_search(session, "\x00").searched is False
        found = [p.display_name for p in search_people(session, "leo\x00brennan", 50)]
    assert found == ["Leo Brennan"]


def test_a_nul_in_the_search_page_and_api_finds_nobody(client: TestClient) -> None:
    page = client.get("/people", params={"q": "zzzz\x00"})
    assert page.status_code == 200 and "No one found" in page.text
    api = client.get("/api/v1/people", params={"q": "\x00"})
    assert api.status_code == 200 and api.json()["results"] == []
