"""The analytics page in the system Chromium, on the seeded displacement scenario, with a screenshot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI

from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.triage import load_displacement_scenario
from alarmbell.web.app import create_app
from tests.browser_support import chromium, serving

from ..web.test_browser import ARTIFACTS
from .test_web import SESSION_COOKIE, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FastAPI]]:
    folder = tmp_path_factory.mktemp("triage-browser")
    app = create_app(Settings(database_url=f"sqlite:///{Path(folder) / 'store.db'}"))
    with session_scope(app.state.engine) as session:
        load_displacement_scenario(session, now=datetime.now(UTC))
    with serving(app) as url:
        yield url, app
    app.state.engine.dispose()


def test_the_displacement_is_plain_on_the_analytics_page(served: tuple[str, FastAPI]) -> None:

    base_url, app = served
    cookie = sign_in(
        app, username="browser-analyst", role="mash_analyst", team="Police child protection unit"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": base_url}])
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base_url + "/triage/analytics")
        assert page.get_by_role("heading", level=1).inner_text() == "Workload analytics"
        warning = page.locator(".govuk-warning-text")
        assert warning.is_visible()
        assert "Police child protection unit spent" in warning.inner_text()
        chart = page.locator("#displacement-1 svg:visible")
        assert chart.is_visible() and chart.bounding_box()["width"] > 900  # type: ignore[index]
        shaded = page.locator('#displacement-1 svg:visible rect[fill="#fbe4e0"]')
        assert shaded.count() >= 5, "the displaced days are shaded"
        assert page.locator('#displacement-1 svg:visible rect[fill="#1d70b8"]').count() >= 5  # low-harm hours
        assert page.locator('#displacement-1 svg:visible rect[fill="#d4351c"]').count() >= 5  # reds waiting
        assert page.locator("#hours-chart svg:visible").count() == 1
        assert page.locator("#past-due-chart svg:visible").count() == 1
        page.screenshot(path=str(ARTIFACTS / "triage-analytics.png"), full_page=True)
        # At a phone's width the phone's copy (360 units) fits the column whole, legibly.
        page.set_viewport_size({"width": 390, "height": 900})
        assert chart.evaluate("s => s.viewBox.baseVal.width") == 360
        assert chart.bounding_box()["width"] <= 360  # type: ignore[index]
        assert chart.locator("text").first.evaluate("t => t.getBoundingClientRect().height") >= 10
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.locator("#displacement-1").screenshot(path=str(ARTIFACTS / "triage-displacement-390.png"))
        page.set_viewport_size({"width": 1200, "height": 900})

        page.goto(base_url + "/triage")
        assert page.locator("table.app-triage-queue tbody tr").first.inner_text().startswith("1")
        page.screenshot(path=str(ARTIFACTS / "triage-queue.png"), full_page=True)
        assert errors == []
