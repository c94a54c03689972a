"""The review page: the pair side by side, the weight chart as SVG, decisions by POST with CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import IdentityDecision, IdentityReview
from alarmbell.web.app import create_app
from tests.auth_support import form_token, sign_in
from tests.helpers import person, write_jsonl

PAIR = [
    person("H1", agency="health", nhs_number="2945183218", given_name="Amy", family_name="Stone"),
    person(
        "C1", agency="children_social_care", nhs_number="7958992939", given_name="Amy", family_name="Stoner"
    ),
]


@pytest.fixture
def reviewed(store_settings: Settings, tmp_path: Path) -> Iterator[tuple[TestClient, int]]:
    """A signed-in analyst's client on a store with one pair in the review queue."""
    engine = make_engine(store_settings)
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "a.jsonl", PAIR))
    with session_scope(engine) as session:
        link_people(session)
        review_id = session.scalars(select(IdentityReview.id)).one()
    engine.dispose()
    with TestClient(create_app(store_settings)) as client:
        sign_in(client, role="mash_analyst")
        yield client, review_id


def test_list_and_item_pages_show_the_pair_and_the_chart(reviewed: tuple[TestClient, int]) -> None:
    client, review_id = reviewed
    listing = client.get("/identity/review")
    assert listing.status_code == 200 and f"/identity/review/{review_id}" in listing.text
    page = client.get(f"/identity/review/{review_id}")
    assert page.status_code == 200
    assert "Stoner" in page.text and "2945183218" in page.text
    assert "<svg" in page.text and "NHS number: different valid numbers" in page.text
    assert "style=" not in page.text and "<script" not in page.text
    assert client.get("/identity/review/99999").status_code == 404


def test_post_without_token_is_refused_and_with_it_decides(
    reviewed: tuple[TestClient, int], store_settings: Settings
) -> None:
    client, review_id = reviewed
    url = f"/identity/review/{review_id}"
    assert client.post(url, data={"decision": "reject", "by": "x", "reason": "y"}).status_code == 403
    token = form_token(client)
    assert f'value="{token}"' in client.get(url).text
    missing = client.post(url, data={"csrf_token": token, "decision": "reject", "by": "", "reason": ""})
    assert missing.status_code == 400 and "Enter your name" in missing.text
    done = client.post(
        url,
        data={"csrf_token": token, "decision": "reject", "by": "R. Viewer", "reason": "two children"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    engine = make_engine(store_settings)
    with session_scope(engine) as session:
        decision = session.scalars(select(IdentityDecision)).one()
        assert (decision.kind, decision.decided_by, decision.reason) == (
            "reject",
            "R. Viewer",
            "two children",
        )
    engine.dispose()
    assert "Decided: rejected by R. Viewer" in client.get(url).text
