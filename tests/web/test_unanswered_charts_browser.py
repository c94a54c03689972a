"""The unanswered-alarms report's bar charts stay legible on a phone and moderate on a desktop.

Seen in the browser walk: drawn 760 units wide and scaled to a 360 px column, the month and
agency labels were about 6 px high at 390 px.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from tests.auth_support import browser_user, sign_in_browser
from tests.browser_support import chromium, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(demo_app: FastAPI) -> Iterator[str]:
    with serving(demo_app) as url:
        yield url


def _label_height(page: Any, width: int) -> float:
    page.set_viewport_size({"width": width, "height": 900})
    label = page.locator("#by-agency svg text").first
    height: float = label.evaluate("t => t.getBoundingClientRect().height")
    return height


def test_the_bar_labels_are_readable_at_390_and_not_huge_at_1280(base_url: str, demo_app: FastAPI) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, base_url, browser_user(demo_app.state.engine, role="reviewer"))
        page.goto(f"{base_url}/triage/unanswered")
        assert _label_height(page, 390) >= 10
        assert _label_height(page, 1280) <= 24
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
