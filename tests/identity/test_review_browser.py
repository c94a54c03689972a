"""The identity review as a MASH analyst sees it in the system Chromium, with screenshots.

The store is the demo case plus a second Leo Brennan (tests/identity/review_support.py): the
group of four pairs, the pair holding one NHS number whose clash is with Leo's GP record, and
each Leo's context. Screenshots go to test-artifacts/ beside the other browser tests'.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import IdentityReview, PersonRecordRow
from alarmbell.web.app import create_app
from tests.auth_support import browser_user, sign_in_browser
from tests.browser_support import chromium, serving
from tests.identity.review_support import build_review_store
from tests.web.test_browser import ARTIFACTS

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Queue:
    base_url: str
    app: FastAPI
    #: review item id by the source id of Leo's record in the pair
    items: dict[str, int]


@pytest.fixture(scope="module")
def queue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Queue]:
    settings = build_review_store(tmp_path_factory.mktemp("identity-review"))
    app = create_app(settings)
    with session_scope(app.state.engine) as session:
        items = {}
        for review in session.scalars(select(IdentityReview)):
            record = session.get(PersonRecordRow, review.record_a_id)
            assert record is not None
            items[record.source_id] = review.id
    with serving(app) as url:
        yield Queue(url, app, items)
    app.state.engine.dispose()


def _codes(page: Any) -> list[str]:
    """snake_case tokens in the page's text (issue 14's jargon scan)."""
    return re.findall(r"\b[a-z]+_[a-z_]+\b", page.locator("main").inner_text())


def _row(page: Any, label: str) -> Any:
    return page.locator("table.app-compare tbody tr").filter(has=page.get_by_role("rowheader", name=label))


def test_an_analyst_reads_a_review_item_and_can_trust_it(queue: Queue) -> None:

    ARTIFACTS.mkdir(exist_ok=True)
    analyst = browser_user(queue.app.state.engine, role="mash_analyst")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in_browser(page, queue.base_url, analyst)

        page.goto(queue.base_url + "/identity/review")
        group = page.locator("section.app-review-group")
        assert group.count() == 1
        assert group.get_by_role("heading").inner_text() == "Leo Brennan: 5 records that may be one person"
        assert group.locator("tbody tr").count() == 4
        page.screenshot(path=str(ARTIFACTS / "identity-review-list.png"), full_page=True)
        assert _codes(page) == [], "no raw code reaches the page"

        group.get_by_role("link", name=f"Item {queue.items['CHI-demo-P1']}").click()
        page.wait_for_url(f"**/identity/review/{queue.items['CHI-demo-P1']}")
        reason = page.locator(".app-review-reason").inner_text()
        assert "294 518 3218" in reason and "485 777 3457" in reason
        # Both numbers the reason quotes are on the page outside the reason too.
        first, second = page.locator(".app-review-person").all()
        assert "NHS number 294 518 3218" in first.inner_text()
        assert "NHS number 485 777 3457" in second.inner_text()

        postcode = _row(page, "Postcode")
        assert "app-compare__row--differs" in (postcode.get_attribute("class") or "")
        assert postcode.locator(".govuk-tag").inner_text().strip().lower() == "differs"
        background = postcode.locator("td").first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert background == "rgb(255, 247, 191)", "a differing row is highlighted"
        same = _row(page, "Date of birth")
        assert same.locator(".govuk-tag").inner_text().strip().lower() == "same"
        assert same.locator("td").first.evaluate("e => getComputedStyle(e).backgroundColor") != background
        assert same.locator("td").nth(0).inner_text() == "15 July 2007"
        assert _row(page, "Sex").locator("td").nth(1).inner_text() == "Male"
        assert _row(page, "Child or adult").locator("td").nth(0).inner_text() == "Child"
        assert _row(page, "Postcode").locator("td").nth(1).inner_text() == "CV6 3HT"

        assert "Children's social care, Education, Health, Police" in first.inner_text()
        assert "Kayleigh Brennan (mother" in first.inner_text()
        assert "Current alert level\tRed" in first.inner_text()
        assert "2 events" in second.inner_text() and "Dawn Brennan (grandparent" in second.inner_text()
        assert "Current alert level\tNo alert" in second.inner_text()

        prior = page.locator(".app-review-prior").inner_text()
        assert prior.startswith("Before comparing any field, two records picked at random are very unlikely")
        words = page.locator(".app-review-weights li").all_inner_texts()
        assert any("Date of birth: the same. This very strongly suggests the same person" in w for w in words)
        page.screenshot(path=str(ARTIFACTS / "identity-review-item.png"), full_page=True)
        assert _codes(page) == [], "no raw code reaches the page"

        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(queue.base_url + f"/identity/review/{queue.items['HEA-demo-P1']}")
        assert _row(page, "NHS number").locator(".govuk-tag").inner_text().strip().lower() == "differs"
        page.screenshot(path=str(ARTIFACTS / "identity-review-item-390.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.goto(queue.base_url + "/identity/review")
        width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(ARTIFACTS / "identity-review-list-390.png"), full_page=True)
        assert width <= 390, f"the list is {width} px wide at 390 px"
        assert errors == []
