"""The review's "People related to" table reads as cards on a phone, names whole.

Seen in session 17's walk: in five columns at 390 px the names broke mid-word ("Kayl eigh Bren
nan", "mothe r"), as the review's tables wrap anywhere rather than scroll.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from tests.auth_support import browser_user, sign_in_browser
from tests.browser_support import chromium, serving
from tests.web.conftest import DemoStore

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(demo_app: FastAPI) -> Iterator[str]:
    with serving(demo_app) as url:
        yield url


def test_the_family_table_is_cards_with_whole_names_at_390(
    base_url: str, demo_app: FastAPI, demo_store: DemoStore
) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, base_url, browser_user(demo_app.state.engine, role="reviewer"))
        page.goto(f"{base_url}/people/{demo_store.leo_id}/review")
        names = page.locator("table.app-rv-family tbody tr > :first-child")
        assert names.count() >= 4
        for name in names.all():
            # A card's name spans the column; a name broken mid-word sat in a 45 px column.
            box = name.bounding_box()
            assert box and box["width"] >= 300, (name.inner_text(), box)
        relation = page.locator("table.app-rv-family tbody tr td[data-label='Relation']").first
        assert relation.is_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
