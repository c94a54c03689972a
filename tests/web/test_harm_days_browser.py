"""The work queue says what a harm day is, where a practitioner reads "365 harm days".

Before session 17 the queue showed "365 harm days (from the alert level)" on every row and said
nowhere that the number is the Cambridge Crime Harm Index, or what a harm day measures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.auth_support import browser_user, sign_in_browser
from tests.browser_support import chromium, serving
from tests.web.conftest import DemoStore
from tests.web.test_person_work import routed_store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def routed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, DemoStore]]:
    yield from routed_store(Path(tmp_path_factory.mktemp("harm-days")))


def test_the_queue_explains_harm_days_in_words_on_a_phone(routed: tuple[FastAPI, DemoStore]) -> None:
    app, _store = routed
    with serving(app) as base_url, chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, base_url, browser_user(app.state.engine, role="mash_analyst"))
        page.goto(f"{base_url}/triage?team=MASH")
        hint = page.locator("#harm-days-hint")
        assert hint.is_visible()
        words = hint.inner_text()
        assert "harm days" in words and "Cambridge Crime Harm Index" in words and "prison" in words
        first_row = page.locator("table.app-triage-queue tbody tr").first
        assert "365 harm days" in first_row.inner_text()
        hint_box, row_box = hint.bounding_box(), first_row.bounding_box()
        assert hint_box and row_box and hint_box["y"] < row_box["y"]  # read before the rows
        harm_cell = first_row.locator("td[data-label='Harm']")
        assert harm_cell.get_attribute("aria-describedby") == "harm-days-hint"
        page.get_by_text("How harm days are worked out").click()
        assert "red 365 harm days" in page.locator("#harm-days").inner_text()
        # The item's own page links to the explanation.
        page.locator("table.app-triage-queue tbody tr a").first.click()
        page.get_by_role("link", name="What harm days mean").click()
        assert page.locator("#harm-days-hint").is_visible()
