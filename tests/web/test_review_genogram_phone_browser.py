"""The review's family diagram is readable on a phone: its own size, scrolled inside its box.

Seen in session 17's walk: at 390 px the review scaled the 1000-unit drawing to the column, so
its 12 px labels rendered at about 4 px. The person page's diagram already kept its size and
scrolled sideways; the review's now does the same below the tablet width, with a hint.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from tests.auth_support import browser_user, sign_in_browser
from tests.browser_support import chromium, serving
from tests.web.conftest import DemoStore

pytestmark = pytest.mark.browser

#: Each label's rendered font size: its computed size times the drawing's scale on screen.
RENDERED_FONT_SIZES = """svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(
    t => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale]);
}"""


@pytest.fixture(scope="module")
def base_url(demo_app: FastAPI) -> Iterator[str]:
    with serving(demo_app) as url:
        yield url


def test_the_family_diagram_keeps_readable_text_at_390_and_scrolls_in_its_box(
    base_url: str, demo_app: FastAPI, demo_store: DemoStore
) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, base_url, browser_user(demo_app.state.engine, role="reviewer"))
        page.goto(f"{base_url}/people/{demo_store.leo_id}/review")
        figure = page.locator("figure.app-rv-genogram")
        sizes = figure.locator("svg").evaluate(RENDERED_FONT_SIZES)
        assert len(sizes) >= 5
        smallest = min(size for _, size in sizes)
        assert smallest >= 11, sorted(sizes, key=lambda s: s[1])[:3]
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        scroll, client = figure.evaluate("f => [f.scrollWidth, f.clientWidth]")
        assert scroll > client, "the diagram scrolls inside its own box"
        assert figure.get_by_text("scroll the diagram sideways").is_visible()


def test_the_family_diagram_still_fits_the_column_on_a_desktop(
    base_url: str, demo_app: FastAPI, demo_store: DemoStore
) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in_browser(page, base_url, browser_user(demo_app.state.engine, role="reviewer"))
        page.goto(f"{base_url}/people/{demo_store.leo_id}/review")
        figure = page.locator("figure.app-rv-genogram")
        scroll, client = figure.evaluate("f => [f.scrollWidth, f.clientWidth]")
        assert scroll <= client, "no sideways scrolling where the column is wide enough"
        assert not figure.get_by_text("scroll the diagram sideways").is_visible()
