"""Who closed a red alert: the analyst who proposed the closing and the manager who countersigned it.

Before session 17 the item's status line read "Decided (<analyst>)" after a manager's
countersignature, and the decision "No further action by <analyst>": the manager whose signature
closed the alert was named nowhere but the history.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.storage.db import session_scope
from alarmbell.triage.alert_work import open_alert_item
from tests.auth_support import sign_in
from tests.web.conftest import DemoStore
from tests.web.test_person_work import _csrf, routed_store


@pytest.fixture(scope="module")
def routed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, DemoStore]]:
    """A store of its own: the test closes Leo's red alert."""
    yield from routed_store(Path(tmp_path_factory.mktemp("countersigned-names")))


def test_a_countersigned_closing_names_who_proposed_it_and_who_countersigned(
    routed: tuple[FastAPI, DemoStore],
) -> None:
    app, store = routed
    with session_scope(store.engine) as session:
        item = open_alert_item(session, store.leo_id)
        assert item is not None
        item_id = item.id
    analyst = TestClient(app)
    proposer = sign_in(analyst, role="mash_analyst", agency="children_social_care", team="mash").name
    page = analyst.get(f"/triage/items/{item_id}")
    analyst.post(
        f"/triage/items/{item_id}/acknowledge",
        data={"csrf_token": _csrf(page.text), "return_to": f"/triage/items/{item_id}"},
    )
    analyst.post(
        f"/triage/items/{item_id}/decide",
        data={
            "csrf_token": _csrf(page.text),
            "decision": "no_further_action",
            "rationale": "Family moved out of the area; the new authority has the case.",
        },
    )
    manager = TestClient(app)
    signer = sign_in(manager, role="team_manager", agency="children_social_care", team="MASH").name
    page = manager.get(f"/triage/items/{item_id}")
    manager.post(f"/triage/items/{item_id}/countersign", data={"csrf_token": _csrf(page.text)})
    both = f"(proposed by {proposer}, countersigned by {signer})"
    item_page = manager.get(f"/triage/items/{item_id}").text
    assert f"Decided {both}</dd>" in item_page
    assert f"No further action {both}: Family moved out" in item_page
    assert f"Decided ({proposer})" not in item_page
    person_page = manager.get(f"/people/{store.leo_id}").text
    assert f"No further action {both}," in person_page
