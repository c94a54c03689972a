"""The lists a MASH analyst works through, on a 390 px phone in Chromium.

Seen in the browser walk: the work queue and the list of people with alerts scrolled sideways
inside their tables at 390 px, so the "Take this on" button, the due date and the agencies sat
off to the right of the screen. Below the tablet width each row is now a card, each cell
labelled with its column; at 1280 px they are tables as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import chromium
from tests.web.test_browser import ARTIFACTS
from tests.web.test_mash_journey_browser import Journey, served_demo, user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    with served_demo(Path(tmp_path_factory.mktemp("phone-lists"))) as served:
        yield served


def _inside(locator: Any, width: int) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box


def test_the_queue_and_the_alert_list_are_cards_on_a_phone_and_tables_on_a_desktop(
    journey: Journey,
) -> None:
    from tests.auth_support import sign_in_browser

    ARTIFACTS.mkdir(exist_ok=True)
    analyst = user(journey.app, role="mash_analyst", team="mash")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, journey.base_url, analyst)
        page.goto(f"{journey.base_url}/triage")
        first = page.locator("table.app-triage-queue tbody tr").first
        _inside(first.get_by_role("button", name="Take this on"), 390)
        _inside(first.locator("time"), 390)
        assert (
            first.locator("td[data-label=Due]").evaluate("td => getComputedStyle(td, '::before').content")
            == '"Due"'
        )
        page.screenshot(path=str(ARTIFACTS / "queue-390.png"))
        page.goto(f"{journey.base_url}/alerts")
        row = page.locator("table.app-alert-list tbody tr").first
        _inside(row.locator("td[data-label=Agencies] .app-lane-key").last, 390)
        page.screenshot(path=str(ARTIFACTS / "alerts-390.png"))
        page.set_viewport_size({"width": 1280, "height": 900})
        assert page.locator("table.app-alert-list thead").is_visible()
        assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"
