"""The work on a child's page is chosen among the teams the viewer may see, before its limit.

The page read the child's 20 most recent decisions of every team, then dropped those of teams
the viewer may not see: a MASH team manager was shown none of her own team's decisions about
the child while the police unit's filled the 20.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from alarmbell.storage.db import session_scope
from alarmbell.triage import NewItem, decide, open_item
from tests.auth_support import sign_in
from tests.web.test_person_work import routed_store

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _decided(session: Session, person_id: int, team: str, n: int, at: datetime) -> None:
    item = NewItem(
        source_key=f"test:{team}:{n}",
        kind="task",
        title=f"{team} task {n}",
        team=team,
        opened_at=at,
        due_at=at + timedelta(days=1),
        timescale="task",
        harm_days=30.0,
        harm_basis="test",
        harm_source="test",
        person_id=person_id,
    )
    row = open_item(session, item=item, now=at)
    assert row is not None
    decide(session, item_id=row.id, by="Sam Reid", decision="completed", rationale="Done.", now=at)


def _decided_titles(html: str) -> list[str]:
    return re.findall(r'href="/triage/items/\d+">([^<]+ task \d+)</a>: Completed', html)


def test_a_team_manager_sees_her_own_teams_decisions_however_many_other_teams_made(
    tmp_path: Path,
) -> None:
    for app, store in routed_store(tmp_path):
        with session_scope(store.engine) as session:
            for n in range(3):  # the MASH's decisions, older
                _decided(session, store.leo_id, "MASH", n, START + timedelta(hours=n))
            for n in range(25):  # the police unit's, more recent
                _decided(
                    session, store.leo_id, "Police child protection unit", n, START + timedelta(days=1 + n)
                )
        client = TestClient(app)
        sign_in(client, role="team_manager", agency="children_social_care", team="MASH")
        page = client.get(f"/people/{store.leo_id}")
        assert page.status_code == 200
        assert sorted(_decided_titles(page.text)) == ["MASH task 0", "MASH task 1", "MASH task 2"]
        assert "Decided work (3)" in page.text and "most recent of" not in page.text

        # A MASH analyst triages every team: the 20 most recent of the 28, and the page says so.
        analyst = TestClient(app)
        sign_in(analyst, role="mash_analyst", agency="children_social_care", team="MASH")
        page = analyst.get(f"/people/{store.leo_id}")
        titles = _decided_titles(page.text)
        assert len(titles) == 20 and "Police child protection unit task 24" in titles
        assert "MASH task 0" not in titles
        assert "Decided work (20 most recent of 28)" in page.text
        assert "Showing the 20 most recent of 28 decisions about Leo that you may see." in page.text


def test_the_scope_and_the_limit_are_in_the_query_on_each_backend(engine: Engine) -> None:
    from alarmbell.storage.tables import Person
    from alarmbell.web.pages.person_work import person_work

    with session_scope(engine) as session:
        person = Person(created_at=START)
        session.add(person)
        session.flush()
        for n in range(2):
            _decided(session, person.id, "MASH", n, START + timedelta(hours=n))
        for n in range(22):
            _decided(session, person.id, "Police investigations", n, START + timedelta(days=1 + n))
        mash = person_work(session, person.id, now=START + timedelta(days=30), may_see=lambda t: t == "MASH")
        every = person_work(session, person.id, now=START + timedelta(days=30), may_see=lambda _t: True)
    assert [v.page.item.title for v in mash.views] == ["MASH task 1", "MASH task 0"]
    assert (mash.decided_shown, mash.decided_total) == (2, 2)
    assert (every.decided_shown, every.decided_total) == (20, 24)
    assert every.views[0].page.item.title == "Police investigations task 21"  # newest first


@pytest.mark.browser
def test_in_chromium_a_team_manager_reads_her_teams_decisions_and_an_analyst_is_told_the_list_is_cut(
    tmp_path: Path,
) -> None:
    from tests.auth_support import BROWSER_PASSWORD, make_user, sign_in_browser
    from tests.browser_support import chromium, serving

    for app, store in routed_store(tmp_path):
        with session_scope(store.engine) as session:
            for n in range(3):
                _decided(session, store.leo_id, "MASH", n, START + timedelta(hours=n))
            for n in range(25):
                later = START + timedelta(days=1 + n)
                _decided(session, store.leo_id, "Police child protection unit", n, later)
        engine = app.state.engine
        manager = make_user(
            engine, role="team_manager", agency="children_social_care", team="MASH", password=BROWSER_PASSWORD
        ).name
        analyst = make_user(
            engine, role="mash_analyst", agency="children_social_care", team="MASH", password=BROWSER_PASSWORD
        ).name
        with serving(app) as url, chromium() as browser:
            for who, summary, shown in ((manager, "Decided work (3)", 3), (analyst, None, 20)):
                page = browser.new_page()
                sign_in_browser(page, url, who)
                page.goto(f"{url}/people/{store.leo_id}#work")
                details = page.locator("details").filter(has_text="Decided work")
                label = details.locator(".govuk-details__summary-text").inner_text()
                assert label == (summary or "Decided work (20 most recent of 28)")
                details.locator("summary").click()
                assert details.locator("li").count() == shown
                if who == analyst:
                    cut = "Showing the 20 most recent of 28 decisions about Leo that you may see."
                    assert details.get_by_text(cut).is_visible()
                page.close()
