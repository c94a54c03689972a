"""Chromium: a practitioner records an injury with the body map and sees it on the child's timeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from alarmbell.identity import link_people
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.web.app import create_app
from tests.auth_support import browser_user, sign_in_browser
from tests.browser_support import serving

from .conftest import DOC_SAMPLES, REPO, ingest

pytestmark = pytest.mark.browser
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    """A store holding the sample health bundle (Maisie and Alfie Harker), linked."""
    application = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'store.db'}"))
    ingest(application.state.engine, DOC_SAMPLES / "health-bundle.json")
    with session_scope(application.state.engine) as session:
        link_people(session)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def base_url(app: FastAPI) -> Iterator[str]:
    with serving(app) as url:
        yield url


def test_record_an_injury_with_the_body_map_and_see_it_on_the_timeline(base_url: str, app: FastAPI) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.browser_support import launch_chromium, require_chromium

    require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            sign_in_browser(
                page, base_url, browser_user(app.state.engine, role="practitioner", agency="education")
            )
            # Maisie is known to health only, so an education practitioner's search does not
            # list her: they add her as a child not listed, and identity linkage joins her up.
            page.goto(base_url + "/record-concern")
            page.get_by_label("Search by name").fill("Maisie")
            page.get_by_role("button", name="Search").click()
            assert page.get_by_label("Maisie Harker", exact=False).count() == 0
            page.get_by_label("A child not listed", exact=False).check()
            page.get_by_text("New child's details").click()
            page.get_by_label("First name").fill("Maisie")
            page.get_by_label("Last name").fill("Harker")
            page.locator("#dob-day").fill("14")
            page.locator("#dob-month").fill("6")
            page.locator("#dob-year").fill("2019")
            page.get_by_label("NHS number (if known)").fill("999 234 5675")
            page.get_by_label("Your agency").select_option("education")
            page.get_by_label("What kind of concern is it?").select_option("injury_observed")
            page.locator("#occurred-day").fill("19")
            page.locator("#occurred-month").fill("3")
            page.locator("#occurred-year").fill("2024")
            page.get_by_label("Category (optional)").select_option("injury")
            page.get_by_label("Injury (optional)").select_option("bruise")
            region = page.locator('svg [data-site="left_ear"]')
            assert region.is_visible()  # the map is shown only when the script runs
            region.click()
            assert region.get_attribute("aria-pressed") == "true"
            assert page.locator("#body-site").input_value() == "left_ear"
            assert page.get_by_label("Part of the body").input_value() == "left_ear"
            assert page.get_by_text("Selected: Left ear").is_visible()
            page.get_by_label("What happened?").fill(
                "Two small bruises behind the left ear, seen at breakfast club."
            )
            page.get_by_label("Your name and role").fill("Mrs A. Bell, DSL")
            page.screenshot(path=str(ARTIFACTS / "record-concern-form.png"), full_page=True)
            page.get_by_role("button", name="Record concern").click()
            page.wait_for_url("**/people/*")
            assert page.get_by_role("heading", level=1).inner_text().startswith("Maisie Harker")
            entry = page.locator(".app-chronology__row", has_text="Two small bruises behind the left ear")
            assert entry.count() == 1 and entry.first.is_visible()
            assert page.locator("svg.app-tl__svg .app-lane--education").count() > 0
            page.screenshot(path=str(ARTIFACTS / "record-concern-timeline.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()
