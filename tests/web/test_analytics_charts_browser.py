"""Workload analytics' bar charts keep a legible size on a phone, scrolling sideways in their box.

Seen in the browser walk: "Hours by harm band and team" and "Items past due now, by harm" were
scaled from 900 units to a 360 px column, their team labels about 5 px high.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from tests.auth_support import browser_user, sign_in_browser
from tests.browser_support import chromium, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(demo_app: FastAPI) -> Iterator[str]:
    with serving(demo_app) as url:
        yield url


def test_the_hours_and_past_due_charts_are_legible_at_390(base_url: str, demo_app: FastAPI) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, base_url, browser_user(demo_app.state.engine, role="mash_analyst"))
        page.goto(f"{base_url}/triage/analytics")
        for chart in ("#hours-chart", "#past-due-chart"):
            text = page.locator(f"{chart} svg text").first
            assert text.evaluate("t => t.getBoundingClientRect().height") >= 10, chart
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
