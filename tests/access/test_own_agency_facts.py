"""An own-agency view shows only facts its agency recorded, in the page and in its JSON.

A store of its own (module scope): the demo case plus a children's social care record of Leo's
death, which no other test here expects.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.ingest.service import ingest_file
from alarmbell.presentation import long_date, short_date
from alarmbell.settings import Settings
from alarmbell.web.app import create_app
from tests.auth_support import sign_in
from tests.helpers import event, write_jsonl
from tests.web.conftest import DemoStore, populate

DIED = date(2012, 3, 7)


@pytest.fixture(scope="module")
def death_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    folder: Path = tmp_path_factory.mktemp("death-store")
    store = populate(Settings(database_url=f"sqlite:///{folder / 'store.db'}"))
    death = event(
        "CHI-demo-E-death",
        ["CHI-demo-P1"],
        agency="children_social_care",
        kind="other",
        occurred_at=DIED.isoformat(),
        attrs={"event": "death", "census_item": "PersonDeathDate"},
    )
    summary = ingest_file(engine=store.engine, path=write_jsonl(folder / "death.jsonl", [death]))
    assert summary.accepted == 1, summary
    yield store
    store.engine.dispose()


@pytest.fixture(scope="module")
def death_app(death_store: DemoStore) -> Iterator[FastAPI]:
    app = create_app(death_store.settings)
    yield app
    app.state.engine.dispose()


def _shown(app: FastAPI, store: DemoStore, **who: str) -> dict[str, str]:
    """Leo's page, its JSON and its chronology's JSON, as this user gets them."""
    with TestClient(app) as client:
        sign_in(client, **who)
        leo = store.leo_id
        shown = {
            "page": client.get(f"/people/{leo}"),
            "json": client.get(f"/api/v1/people/{leo}"),
            "chronology": client.get(f"/api/v1/people/{leo}/chronology"),
        }
    assert {name: r.status_code for name, r in shown.items()} == dict.fromkeys(shown, 200)
    return {name: r.text for name, r in shown.items()}


def _mentions_death(text: str) -> list[str]:
    forms = (DIED.isoformat(), long_date(DIED), short_date(DIED), "when they died", "Died ")
    return [form for form in forms if form in text]


def test_an_own_agency_page_shows_no_death_date_only_another_agency_recorded(
    death_app: FastAPI, death_store: DemoStore
) -> None:
    """A health manager in a team no alert is routed to sees health's part of Leo: social care
    recorded his death, so neither the age ("4 when they died, 7 March 2012"), the timeline's
    "Died" line, nor the JSON's `died` may show it. A MASH analyst sees it all."""
    full = _shown(death_app, death_store, role="mash_analyst")
    assert _mentions_death(full["page"]) and _mentions_death(full["json"])
    own = _shown(death_app, death_store, role="team_manager", agency="health", team="health_visiting")
    assert "only your own agency" in own["page"]
    assert {name: _mentions_death(text) for name, text in own.items()} == dict.fromkeys(own, [])


def test_an_own_agency_page_names_the_person_as_its_own_records_do(
    death_app: FastAPI, death_store: DemoStore
) -> None:
    """Education recorded Leo's surname as "Brennna"; the whole record's vote is "Brennan", from
    the other agencies. A school's manager, seeing the school's part only, sees the school's
    spelling on his page, in search results and in their list of people with alerts: another
    agency's is not theirs to read. A MASH analyst sees the whole record's."""
    full = _shown(death_app, death_store, role="mash_analyst")
    assert "Leo Brennan" in full["page"]
    own = _shown(death_app, death_store, role="team_manager", agency="education", team="dsl")
    assert "only your own agency" in own["page"]
    assert {
        name: ("Leo Brennna" in text, "Leo Brennan" in text) for name, text in own.items()
    } == dict.fromkeys(own, (True, False))
    with TestClient(death_app) as client:
        sign_in(client, role="team_manager", agency="education", team="dsl")
        lists = {
            "search": client.get("/people", params={"q": "Brennna"}).text,
            "mine": client.get("/mine").text,
        }
    assert {
        name: ("Leo Brennna" in text, "Leo Brennan" in text) for name, text in lists.items()
    } == dict.fromkeys(lists, (True, False))


def test_an_own_agency_page_names_the_household_as_its_own_records_do(
    death_app: FastAPI, death_store: DemoStore
) -> None:
    """Education recorded Leo's mother as "Kayleigh Brenann"; the other agencies as "Brennan"."""
    own = _shown(death_app, death_store, role="team_manager", agency="education", team="dsl")
    assert "Kayleigh Brenann" in own["page"] and "Kayleigh Brennan" not in own["page"]
    full = _shown(death_app, death_store, role="mash_analyst")
    assert "Kayleigh Brennan" in full["page"]
