"""The person page shows the open work about the child, and the MASH acts on it from there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import TriageItem
from alarmbell.triage import TriageConfig
from alarmbell.triage.alert_work import open_alert_item, route_new_alerts
from alarmbell.web.app import create_app
from tests.auth_support import sign_in
from tests.web.conftest import DemoStore, populate


@pytest.fixture(scope="module")
def routed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, DemoStore]]:
    yield from routed_store(Path(tmp_path_factory.mktemp("person-work")))


def routed_store(folder: Path) -> Iterator[tuple[FastAPI, DemoStore]]:
    """The demo case with its alerts routed to the MASH (as every intake path now does), and its app."""
    store = populate(Settings(database_url=f"sqlite:///{folder / 'store.db'}"))
    with session_scope(store.engine) as session:
        route_new_alerts(session, after_id=0, config=TriageConfig(), now=datetime.now(UTC))
    app = create_app(store.settings)
    yield app, store
    app.state.engine.dispose()
    store.engine.dispose()


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_the_analyst_takes_on_and_decides_the_alert_from_the_childs_page(
    routed: tuple[FastAPI, DemoStore],
) -> None:
    app, store = routed
    client = TestClient(app)
    sign_in(client, role="mash_analyst", agency="children_social_care", team="mash")
    page = client.get(f"/people/{store.leo_id}")
    assert 'id="work"' in page.text and "Red alert: Leo Brennan" in page.text
    assert re.search(r"Opened today: 1 working day allowed|Working day \d of 1", page.text)
    assert "Not yet taken on" in page.text
    with session_scope(store.engine) as session:
        item = open_alert_item(session, store.leo_id)
        assert item is not None
        item_id = item.id
    taken = client.post(
        f"/triage/items/{item_id}/acknowledge",
        data={"csrf_token": _csrf(page.text), "return_to": f"/people/{store.leo_id}"},
        follow_redirects=False,
    )
    assert taken.status_code == 303
    assert taken.headers["location"] == f"/people/{store.leo_id}?done=acknowledged-{item_id}#work"
    page = client.get(taken.headers["location"])
    assert "You have taken this on" in page.text and "Not yet taken on" not in page.text
    decided = client.post(
        f"/triage/items/{item_id}/decide",
        data={
            "csrf_token": _csrf(page.text),
            "return_to": f"/people/{store.leo_id}",
            "decision": "strategy_discussion",
            "rationale": "Strategy discussion with police and health today.",
        },
        follow_redirects=False,
    )
    assert decided.status_code == 303 and decided.headers["location"].endswith("#work")
    assert "Decision recorded." in client.get(decided.headers["location"]).text
    with session_scope(store.engine) as session:
        row = session.get(TriageItem, item_id)
        assert row is not None and row.status == "decided" and row.decision == "strategy_discussion"
    page = client.get(f"/people/{store.leo_id}")
    assert "Decided work (1)" in page.text and "No open work about Leo" in page.text


def test_return_to_only_ever_leads_to_a_person_page(routed: tuple[FastAPI, DemoStore]) -> None:
    app, store = routed
    client = TestClient(app)
    sign_in(client, role="mash_analyst", agency="children_social_care", team="mash")
    page = client.get(f"/people/{store.leo_id}")
    with session_scope(store.engine) as session:
        item = session.query(TriageItem).filter(TriageItem.status == "open").first()
        assert item is not None
        item_id, team = item.id, item.team
    response = client.post(
        f"/triage/items/{item_id}/acknowledge",
        data={"csrf_token": _csrf(page.text), "return_to": "https://evil.example/people/1"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/triage?")
    assert team


def test_practitioners_see_no_work_forms(routed: tuple[FastAPI, DemoStore]) -> None:
    app, store = routed
    client = TestClient(app)
    sign_in(client, role="practitioner", agency="health", team="mash")
    page = client.get(f"/people/{store.leo_id}")
    assert page.status_code == 200
    assert "/acknowledge" not in page.text and "Record a decision" not in page.text


def test_the_analyst_takes_on_an_item_from_its_own_page_and_stays_there(
    routed: tuple[FastAPI, DemoStore],
) -> None:
    """Seen in the browser walk: an item's page offered a decision but no way to take it on (only
    the queue and the child's page did), and its title and breadcrumb were "Work item 5"."""
    app, store = routed
    client = TestClient(app)
    sign_in(client, role="mash_analyst", agency="children_social_care", team="mash")
    with session_scope(store.engine) as session:
        item = session.query(TriageItem).filter(TriageItem.status == "open").first()
        assert item is not None
        item_id, title = item.id, item.title
    page = client.get(f"/triage/items/{item_id}")
    shown = re.search(r"<title>([^<]*)</title>", page.text.replace("&#39;", "'"))
    assert shown is not None and shown.group(1).startswith(title), shown
    assert f"Item {item_id}<" not in page.text and f"Work item {item_id}" not in page.text
    assert f'action="/triage/items/{item_id}/acknowledge"' in page.text and "Take this on" in page.text
    # Seen in the walk: "Not acknowledged" beside a "Take this on" button; one set of words now.
    assert "No one has taken this on yet" in page.text and "acknowledged" not in page.text.lower()
    taken = client.post(
        f"/triage/items/{item_id}/acknowledge",
        data={"csrf_token": _csrf(page.text), "return_to": f"/triage/items/{item_id}"},
        follow_redirects=False,
    )
    assert taken.status_code == 303
    assert taken.headers["location"] == f"/triage/items/{item_id}?done=acknowledged-{item_id}"
    again = client.get(taken.headers["location"]).text
    assert "Take this on" not in again and "Taken on" in again
    # Seen in session 16's walk: the button went and the status changed, but nothing said it was done.
    assert "You have taken this on: it will not escalate." in again
    assert "You have taken this on" not in client.get(f"/triage/items/{item_id}").text


def test_the_queue_links_each_child_by_whose_record_it_is(routed: tuple[FastAPI, DemoStore]) -> None:
    """Seen in the browser walk: fifty links all read "person page"; a screen reader's list of
    links could not tell them apart."""
    app, _ = routed
    client = TestClient(app)
    sign_in(client, role="mash_analyst", agency="children_social_care", team="mash")
    html = client.get("/triage", params={"team": "MASH"}).text
    hidden = r'">their record<span class="govuk-visually-hidden">: (Red|Amber) alert: '
    assert re.search(r'href="/people/[0-9]+' + hidden, html) and ">person page<" not in html
