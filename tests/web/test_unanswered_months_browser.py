"""The unanswered-alarms report's month chart draws the last 24 months, with a way to see all.

Before session 17 it drew every month with an alert: on the demo (five years of alerts) about 60
bars, 1,100 px of chart on a 390 px phone before the first table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import AlertRow
from alarmbell.web.app import create_app
from tests.auth_support import browser_user, sign_in_browser
from tests.browser_support import chromium, serving
from tests.web.conftest import DemoStore, populate

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def many_months(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, DemoStore]]:
    """The demo case, with one more red alert for Leo in each of the 40 months before its first,
    so the report spans more than 24 months (none decided: each is unanswered)."""
    folder = tmp_path_factory.mktemp("many-months")
    store = populate(Settings(database_url=f"sqlite:///{folder / 'store.db'}"))
    with session_scope(store.engine) as session:
        first = min(session.scalars(select(AlertRow.raised_at)))
        for back in range(1, 41):
            raised = (first.replace(day=15) - timedelta(days=31 * back)).replace(tzinfo=UTC)
            session.add(
                AlertRow(
                    person_id=store.leo_id,
                    level="red",
                    raised_at=raised,
                    rules=[],
                    evidence=[],
                    explanation="An earlier red alert (test).",
                    policy_version="test",
                    created_at=datetime.now(UTC),
                    findings=[],
                )
            )
    app = create_app(store.settings)
    yield app, store
    app.state.engine.dispose()
    store.engine.dispose()


def test_the_month_chart_shows_24_months_and_all_on_request_at_390(
    many_months: tuple[FastAPI, DemoStore],
) -> None:
    app, _store = many_months
    with serving(app) as base_url, chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, base_url, browser_user(app.state.engine, role="reviewer"))
        page.goto(f"{base_url}/triage/unanswered")
        bars = page.locator("#by-month svg rect")
        assert bars.count() == 24
        chart = page.locator("#by-month").bounding_box()
        assert chart and chart["height"] <= 600
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        range_text = page.locator("#by-month-range").inner_text()
        assert range_text.startswith("The last 24 months of the report")
        page.get_by_role("link", name=re.compile(r"^Show all \d+ months with an alert$")).click()
        assert bars.count() > 40
        assert "Every month with an alert" in page.locator("#by-month-range").inner_text()
        page.get_by_role("link", name="Show the last 24 months only").click()
        assert bars.count() == 24


def test_each_table_lists_its_20_most_recent_rows_and_all_on_request_at_390(
    many_months: tuple[FastAPI, DemoStore],
) -> None:
    """Before session 17 every row was listed: as cards on a phone, about 250 px each (a
    manager's demo report was 27,000 px tall)."""
    app, _store = many_months
    with serving(app) as base_url, chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, base_url, browser_user(app.state.engine, role="reviewer"))
        page.goto(f"{base_url}/triage/unanswered?months=all")
        rows = page.locator("h2#unanswered ~ div table").first.locator("tbody tr")
        assert rows.count() == 20
        said = page.locator("#unanswered-rows").inner_text()
        listable = int(said.split(" of ")[1].split(",")[0])
        assert said.startswith("The 20 most recently raised of") and listable > 40
        short = page.evaluate("() => document.documentElement.scrollHeight")
        page.get_by_role("link", name=f"Show all {listable}", exact=True).click()
        assert "rows=all" in page.url and "months=all" in page.url  # the chart's choice kept
        assert rows.count() == listable
        assert page.evaluate("() => document.documentElement.scrollHeight") > short + 20 * 150
        page.get_by_role("link", name="Show the 20 most recent only").click()
        assert rows.count() == 20
