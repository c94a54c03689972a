"""The real app in the system Chromium: list page, click through to Leo, read the timeline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from alarmbell.alerts.service import alerts_for
from alarmbell.storage.db import session_scope
from tests.auth_support import browser_user, sign_in_browser
from tests.browser_support import chromium, serving
from tests.web.conftest import DemoStore

from .conftest import REPO

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
CORE_LANES = ("police", "health", "education", "children_social_care")


@pytest.fixture(scope="module")
def base_url(demo_app: FastAPI) -> Iterator[str]:
    """uvicorn serving the app on 127.0.0.1 in a background thread, stopped after the module."""
    with serving(demo_app) as url:
        yield url


@pytest.fixture(scope="module")
def username(demo_app: FastAPI) -> str:
    return browser_user(demo_app.state.engine)


def test_click_through_to_leo_and_read_his_timeline(
    base_url: str, username: str, demo_store: DemoStore
) -> None:

    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        sign_in_browser(page, base_url, username)
        page.goto(base_url + "/alerts")
        page.screenshot(path=str(ARTIFACTS / "alert-list.png"), full_page=True)
        assert page.get_by_role("heading", level=1).inner_text() == "People with alerts"

        page.get_by_role("link", name="Leo Brennan").click()
        page.wait_for_url("**/people/*")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Leo Brennan")

        svg = page.locator("svg.app-tl__svg")
        assert svg.is_visible()
        assert svg.bounding_box()["width"] > 1000  # type: ignore[index]
        for agency in CORE_LANES:
            marks = page.locator(f"svg .app-tl__event.app-lane--{agency} circle")
            assert marks.count() > 0, agency
            assert marks.first.is_visible(), agency
        with session_scope(demo_store.engine) as session:
            stored = len(alerts_for(session, demo_store.leo_id))
        assert stored >= 5, "the demo child rises and is re-alerted as evidence arrives"
        assert page.locator("svg .app-tl__alert-line").count() == stored
        assert page.get_by_text("Leo Brennan is rated RED on 31 Jan 2011").is_visible()

        page.screenshot(path=str(ARTIFACTS / "person-page.png"), full_page=True)
        assert errors == []


def test_selecting_a_mark_goes_to_its_row_in_the_chronology(base_url: str, username: str) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        sign_in_browser(page, base_url, username)
        page.goto(base_url + "/alerts")
        page.get_by_role("link", name="Leo Brennan").click()
        page.locator("svg .app-tl__event.app-lane--education a").first.click()
        assert "#event-education-" in page.url
        row = page.locator("tr:target")
        assert row.count() == 1 and row.is_visible()
        assert "Education" in row.inner_text()


def test_at_phone_width_the_timeline_keeps_its_size_and_scrolls_inside_itself(
    base_url: str, username: str, demo_store: DemoStore
) -> None:
    """Seen in the browser walk: at 390 px the timeline shrank to a third, its labels about 4 px
    high. It now keeps a legible width and scrolls sideways in its own box, the page does not."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, base_url, username)
        page.goto(f"{base_url}/people/{demo_store.leo_id}#timeline")
        figure = page.locator("figure.app-tl")
        sizes = figure.evaluate("f => [f.scrollWidth, f.clientWidth]")
        box = page.locator("svg.app-tl__svg").bounding_box()
        assert box is not None, "the timeline is drawn"
        svg_width = box["width"]
        assert svg_width >= 960 and sizes[0] > sizes[1], (svg_width, sizes)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        assert page.get_by_text("scroll the timeline sideways").is_visible()
        figure.screenshot(path=str(ARTIFACTS / "timeline-390.png"))
        page.set_viewport_size({"width": 1280, "height": 900})
        assert not page.get_by_text("scroll the timeline sideways").is_visible()
