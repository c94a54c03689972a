"""Closing a red alert with no further action, proposed by an analyst and countersigned by a
team manager from the work item's own page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import TriageItem
from alarmbell.triage.alert_work import open_alert_item
from tests.auth_support import sign_in
from tests.web.conftest import DemoStore
from tests.web.test_person_work import _csrf, routed_store


@pytest.fixture(scope="module")
def routed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, DemoStore]]:
    """A store of its own: the test closes Leo's red alert."""
    yield from routed_store(Path(tmp_path_factory.mktemp("countersign")))


def test_a_proposed_closing_is_said_as_proposed_and_countersigned_from_the_items_page(
    routed: tuple[FastAPI, DemoStore],
) -> None:
    """Seen in session 16's walk: an analyst closing a red alert with no further action was told
    "Decision recorded" (on the child's page and in the queue) though it awaited countersignature;
    the item's page then offered the manager a decision form (refused: a decision awaits
    countersignature) and no countersign button (only the child's page had one); and its trail's
    "decision proposed" step was blank."""
    app, store = routed
    with session_scope(store.engine) as session:
        item = open_alert_item(session, store.leo_id)
        assert item is not None and item.alert_level == "red"
        item_id = item.id
    analyst = TestClient(app)
    sign_in(analyst, role="mash_analyst", agency="children_social_care", team="mash")
    page = analyst.get(f"/people/{store.leo_id}")
    proposed = analyst.post(
        f"/triage/items/{item_id}/decide",
        data={
            "csrf_token": _csrf(page.text),
            "return_to": f"/people/{store.leo_id}",
            "decision": "no_further_action",
            "rationale": "Family moved out of the area; the new authority has the case.",
        },
    )
    said = "Closing proposed: it stays open until a team manager countersigns it."
    assert said in proposed.text and "Decision recorded" not in proposed.text  # the child's page
    queue = analyst.get("/triage", params={"team": "MASH", "done": f"decided-{item_id}"}).text
    assert "Closing proposed: " in queue and "until a team manager countersigns it" in queue
    assert "Decision recorded" not in queue
    manager = TestClient(app)
    sign_in(manager, role="team_manager", agency="children_social_care", team="MASH")
    # Where she starts, she is told a closing waits on her (it never escalates while it waits).
    start = manager.get("/", follow_redirects=True)
    assert start.url.path == "/triage/analytics"
    assert "Waiting for your countersignature" in start.text
    waiting = "/triage?team=MASH&waiting=countersignature"
    assert (
        "MASH: 1 closing to countersign" in start.text
        and f'href="{waiting.replace("&", "&amp;")}"' in start.text
    )
    # The link opens the closings waiting, not the team's whole queue (session 17: before, all 50
    # of the MASH's open items, the one to countersign among them), each leading to its signature.
    only = manager.get(waiting).text
    assert "1 closing of red alerts proposed, waiting for a team manager" in only
    assert only.count('<tr class="govuk-table__row" id="item-') == 1
    assert f'href="/triage/items/{item_id}#countersign">Read and countersign' in only
    analytics = analyst.get("/triage/analytics")
    assert analytics.status_code == 200 and "Waiting for your countersignature" not in analytics.text
    page = manager.get(f"/triage/items/{item_id}")
    assert "Countersign closing this red alert" in page.text
    assert f'action="/triage/items/{item_id}/decide"' not in page.text
    assert "No further action: Family moved out of the area" in page.text  # the trail's proposal
    signed = manager.post(
        f"/triage/items/{item_id}/countersign",
        data={"csrf_token": _csrf(page.text), "return_to": f"/triage/items/{item_id}"},
        follow_redirects=False,
    )
    assert signed.headers["location"] == f"/triage/items/{item_id}?done=decided-{item_id}"
    after = manager.get(signed.headers["location"]).text
    assert "Countersigned: the closing is recorded and the item is closed." in after  # session 17
    assert "Countersign closing this red alert" not in after
    assert "Waiting for your countersignature" not in manager.get("/triage/analytics").text
    with session_scope(store.engine) as session:
        row = session.get(TriageItem, item_id)
        assert row is not None and (row.status, row.decision) == ("decided", "no_further_action")
    # An address typed by hand says nothing untrue: the item is decided, not taken on anew.
    typed = manager.get(f"/triage/items/{item_id}", params={"done": f"acknowledged-{item_id}"}).text
    assert "You have taken this on" not in typed
