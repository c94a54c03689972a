"""The analytics' "Escalated now" counts lead to the items escalated.

Before session 17 a manager read "With the team manager: 2" and had no way from it to the two
items: the queue lists every open item of the team, the escalated ones among them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import TriageItem
from alarmbell.triage import TriageConfig, escalate_overdue
from tests.auth_support import BROWSER_PASSWORD, make_user, sign_in_browser
from tests.browser_support import chromium, serving
from tests.web.test_person_work import routed_store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def escalated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, set[str]]]:
    """The demo case's alerts routed to the MASH, nobody taking them on, escalated after their
    clocks ran out: the titles of the items with the team manager now (not yet gone on to the
    head of service)."""
    stores = routed_store(Path(tmp_path_factory.mktemp("escalated-links")))
    app, _store = next(stores)
    with session_scope(app.state.engine) as session:
        due = max(session.scalars(select(TriageItem.due_at).where(TriageItem.status == "open")))
        after = due.replace(tzinfo=due.tzinfo or UTC) + timedelta(hours=1)
        escalate_overdue(session, config=TriageConfig(), now=after)
        with_manager = (TriageItem.status == "open") & (TriageItem.escalation_level == 1)
        titles = set(session.scalars(select(TriageItem.title).where(with_manager)))
    assert titles
    yield app, titles
    next(stores, None)


def test_the_escalated_count_opens_the_escalated_items(escalated: tuple[FastAPI, set[str]]) -> None:
    app, titles = escalated
    manager = make_user(
        app.state.engine,
        role="team_manager",
        agency="children_social_care",
        team="MASH",
        password=BROWSER_PASSWORD,
    ).name
    with serving(app) as base_url, chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, base_url, manager)
        page.goto(f"{base_url}/triage/analytics#escalations")
        row = page.locator("#escalations ~ table tbody tr").filter(has_text="MASH")
        link = row.locator("td").nth(0).get_by_role("link")
        assert link.inner_text().startswith(str(len(titles)))
        link.click()
        assert "escalated=team_manager" in page.url
        said = f"{len(titles)} item{'s' if len(titles) != 1 else ''} escalated to the team manager now"
        assert page.locator("#escalated-only").inner_text().startswith(said)
        rows = page.locator("table.app-triage-queue tbody tr")
        shown = {row.locator("td").nth(1).locator("a").first.inner_text() for row in rows.all()}
        assert shown == titles
        assert all("Escalated to team manager" in row.inner_text() for row in rows.all())
        page.get_by_role("link", name="See all open work for").click()
        assert page.locator("table.app-triage-queue tbody tr").count() > len(titles)
