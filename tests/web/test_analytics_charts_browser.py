"""Workload analytics' charts fit a phone's column whole, at a legible size.

Seen in the browser walk: "Hours by harm band and team" and "Items past due now, by harm" were
scaled from 900 units to a 360 px column, their team labels about 5 px high. Session 16 kept them
at 720 px, scrolling sideways in their box; since session 17 a phone gets a copy drawn 360 units
wide, shown whole.
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


def test_the_hours_and_past_due_charts_fit_390_and_are_legible(base_url: str, demo_app: FastAPI) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, base_url, browser_user(demo_app.state.engine, role="mash_analyst"))
        page.goto(f"{base_url}/triage/analytics")
        for chart in ("#hours-chart", "#past-due-chart"):
            shown = page.locator(f"{chart} svg:visible")
            assert shown.count() == 1, chart
            text = shown.locator("text").first
            assert text.evaluate("t => t.getBoundingClientRect().height") >= 10, chart
            sizes = page.locator(chart).evaluate("f => [f.scrollWidth, f.clientWidth]")
            assert sizes[0] <= sizes[1] <= 360, (chart, sizes)  # no sideways scroll in its box
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.set_viewport_size({"width": 1280, "height": 900})
        wide = page.locator("#hours-chart svg:visible")
        assert wide.count() == 1 and wide.evaluate("s => s.viewBox.baseVal.width") == 900
