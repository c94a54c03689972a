"""The person page's family diagram in Chromium: who lives with Leo, readable on a phone.

Triage needs to see who lives with a child, and MASH analysts cannot read reviews, so the person
page draws the household with the review's diagram code. At 390 px it keeps its size (text as
large as the page's small print) and scrolls sideways inside its own box; the page does not.
Each person the viewer may open is a link to their page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI

from alarmbell.presentation import Relative, layout_genogram, render_genogram
from alarmbell.web.pages.person_household import OUTLINE
from tests.auth_support import browser_user, sign_in_browser
from tests.browser_support import chromium, serving
from tests.web.conftest import DemoStore
from tests.web.test_browser import ARTIFACTS

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "src" / "alarmbell" / "web" / "static"


@pytest.fixture(scope="module")
def base_url(demo_app: FastAPI) -> Iterator[str]:
    with serving(demo_app) as url:
        yield url


@pytest.fixture(scope="module")
def username(demo_app: FastAPI) -> str:
    return browser_user(demo_app.state.engine)


def test_the_household_is_drawn_readably_at_phone_width_and_links_to_each_person(
    base_url: str, username: str, demo_store: DemoStore
) -> None:

    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, base_url, username)
        page.goto(f"{base_url}/people/{demo_store.leo_id}")
        figure = page.locator("figure#household-diagram")
        figure.scroll_into_view_if_needed()
        figure.screenshot(path=str(ARTIFACTS / "household-390.png"))
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        scroll, client = figure.evaluate("f => [f.scrollWidth, f.clientWidth]")
        assert scroll > client, "the diagram scrolls inside its box rather than shrinking"
        note = page.locator("figure#household-diagram text.app-geno__note").first
        assert note.evaluate("t => t.getBoundingClientRect().height") >= 10, "notes are legible"
        assert page.get_by_text("scroll the diagram sideways").is_visible()
        # The same people, as a list, for anyone who cannot see the drawing.
        listed = page.locator("ul.app-household > li").count()
        drawn = page.locator("figure#household-diagram g.app-geno__person").count()
        assert listed == drawn - 1 >= 5, (listed, drawn)
        mother = page.locator("figure#household-diagram a", has_text="Kayleigh Brennan")
        mother.scroll_into_view_if_needed()
        with page.expect_navigation():
            mother.click()
        assert page.locator("h1").inner_text().startswith("Kayleigh Brennan")


def test_a_narrow_diagrams_legend_stays_inside_it() -> None:
    """Seen in the walk: for a child with only her mother, "Lives with the child (from recorded
    relationships)" ran past the drawing's right edge and was cut off."""

    child = ("Jade Mensa", "F", date(2001, 7, 13))
    mother = Relative(29, "Elizabeth Mensah", "mother", "F", None, True, ())
    svg = render_genogram(
        layout_genogram(child, [], [mother]), title="t", description="d", household=OUTLINE, sized=True
    )
    css = (STATIC / "pages.css").read_text(encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        page.set_content(f'<style>{css}</style><figure class="app-household-diagram">{svg}</figure>')
        right = page.locator("svg").evaluate("s => s.getBoundingClientRect().right")
        ends = page.locator(".app-geno__legend text").evaluate_all(
            "ts => ts.map(t => t.getBoundingClientRect().right)"
        )
        assert ends and max(ends) <= right, (ends, right)
