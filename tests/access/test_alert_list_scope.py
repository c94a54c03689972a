"""The list of people with alerts counts, within its limit, only the people the viewer may open.

On each backend, a store of its own: the demo case plus LIST_LIMIT children whom only the police
hold records about, each with a red alert raised today, so they rank above every alert of the
demo case (from 2012). A health practitioner may open Leo (health holds his records) and none of
the police's children: the list read the first LIST_LIMIT people with alerts in the whole store
and then kept those the viewer may open, so Leo, ranked after them, was never listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy import insert, select
from starlette.testclient import TestClient

from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import AlertRow, Person, PersonLink, PersonRecordRow
from alarmbell.web.app import create_app
from alarmbell.web.pages.alert_list import LIST_LIMIT
from tests.auth_support import sign_in
from tests.web.conftest import DemoStore, populate


def _police_children_with_red_alerts(store: DemoStore, count: int) -> None:
    """`count` people, each with one police record and a red alert raised now."""
    now = datetime.now(UTC)
    with session_scope(store.engine) as session:
        first = (session.scalar(select(Person.id).order_by(Person.id.desc()).limit(1)) or 0) + 1
        ids = range(first, first + count)
        session.execute(insert(Person), [{"id": i, "created_at": now} for i in ids])
        records = [
            {
                "id": 10_000 + i,
                "agency": "police",
                "source_id": f"POL-busy-{i}",
                "content_hash": f"{i:032d}",
                "given_name": "Busy",
                "family_name": f"Child{i}",
                "dob": "2019-01-01",
                "role_hint": "child",
                "payload": {},
            }
            for i in ids
        ]
        session.execute(insert(PersonRecordRow), records)
        links = [
            {
                "person_record_id": 10_000 + i,
                "person_id": i,
                "method": "test",
                "decided_by": "test",
                "created_at": now,
            }
            for i in ids
        ]
        session.execute(insert(PersonLink), links)
        alerts = [
            {
                "person_id": i,
                "level": "red",
                "raised_at": now,
                "rules": [],
                "evidence": [],
                "explanation": "Red.",
                "policy_version": "test",
                "created_at": now,
            }
            for i in ids
        ]
        session.execute(insert(AlertRow), alerts)


@pytest.fixture
def busy_store(store_settings: Settings) -> Iterator[DemoStore]:
    store = populate(store_settings)
    _police_children_with_red_alerts(store, LIST_LIMIT)
    yield store
    store.engine.dispose()


@pytest.fixture
def busy_app(busy_store: DemoStore) -> Iterator[FastAPI]:
    app = create_app(busy_store.settings)
    yield app
    app.state.engine.dispose()


def test_a_practitioners_alert_list_is_not_filled_by_people_they_may_not_open(
    busy_app: FastAPI, busy_store: DemoStore
) -> None:
    with TestClient(busy_app) as client:
        sign_in(client, role="practitioner", agency="health", team="health-visiting")
        listed = client.get("/api/v1/alerts").json()
        mine = client.get("/mine").text
    assert listed["people"] == []
    assert busy_store.leo_id in [row["person_id"] for row in listed["restricted"]]
    assert f'href="/people/{busy_store.leo_id}"' in mine
    # The analyst's list still ranks everyone: the police's children fill it.
    with TestClient(busy_app) as client:
        sign_in(client, role="mash_analyst", agency="children_social_care", team="mash")
        everyone = client.get("/api/v1/alerts").json()
        page = client.get("/alerts").text
    assert len(everyone["people"]) == LIST_LIMIT
    assert {row["level"] for row in everyone["people"]} == {"red"}
    # ... and says that it is cut, not "500 people" as if they were all.
    assert f"Only the first {LIST_LIMIT} are listed: find anyone else by name." in page


def test_a_reviewers_closed_cases_are_not_pushed_out_by_open_ones(
    busy_app: FastAPI, busy_store: DemoStore
) -> None:
    """The Reviews start page looks for closed cases among the people with alerts: the police's
    500 children, none of them a closed case, rank first, and Leo's closed case comes after."""
    with TestClient(busy_app) as client:
        sign_in(client, role="reviewer")
        page = client.get("/reviews")
    assert page.status_code == 200
    assert f'href="/people/{busy_store.leo_id}/review"' in page.text
