"""An own-agency view shows only facts its agency recorded, in the page and in its JSON.

A store of its own (module scope): the demo case plus a children's social care record of Leo's
death, which no other test here expects.
"""

from __future__ import annotations

import re
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
from tests.access.leo_views import leo_as_shown
from tests.auth_support import form_token, sign_in
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


def _mentions_death(text: str) -> list[str]:
    forms = (DIED.isoformat(), long_date(DIED), short_date(DIED), "when they died", "Died ")
    return [form for form in forms if form in text]


def test_an_own_agency_page_shows_no_death_date_only_another_agency_recorded(
    death_app: FastAPI, death_store: DemoStore
) -> None:
    """A health manager in a team no alert is routed to sees health's part of Leo: social care
    recorded his death, so neither the age ("4 when they died, 7 March 2012"), the timeline's
    "Died" line, nor the JSON's `died` may show it. A MASH analyst sees it all."""
    full = leo_as_shown(death_app, death_store, role="mash_analyst")
    assert _mentions_death(full["page"]) and _mentions_death(full["json"])
    own = leo_as_shown(death_app, death_store, role="team_manager", agency="health", team="health_visiting")
    assert "only your own agency" in own["page"]
    assert {name: _mentions_death(text) for name, text in own.items()} == dict.fromkeys(own, [])


def test_an_own_agency_page_names_the_person_as_its_own_records_do(
    death_app: FastAPI, death_store: DemoStore
) -> None:
    """Education recorded Leo's surname as "Brennna"; the whole record's vote is "Brennan", from
    the other agencies. A school's manager, seeing the school's part only, sees the school's
    spelling on his page, in search results and in their list of people with alerts: another
    agency's is not theirs to read. A MASH analyst sees the whole record's."""
    full = leo_as_shown(death_app, death_store, role="mash_analyst")
    assert "Leo Brennan" in full["page"]
    own = leo_as_shown(death_app, death_store, role="team_manager", agency="education", team="dsl")
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
    own = leo_as_shown(death_app, death_store, role="team_manager", agency="education", team="dsl")
    assert "Kayleigh Brenann" in own["page"] and "Kayleigh Brennan" not in own["page"]
    full = leo_as_shown(death_app, death_store, role="mash_analyst")
    assert "Kayleigh Brennan" in full["page"]


def test_a_concern_about_someone_seen_in_part_names_them_as_own_records_do_and_hides_the_level(
    death_app: FastAPI, death_store: DemoStore
) -> None:
    """The form for a concern about Leo and the confirmation after it name him as the school's
    records do ("Brennna") for a school DSL who sees the school's part only, as his page does;
    and the confirmation says whether early warning raised or updated an alert without its level,
    which the page holds back ("Held by the MASH"). A concern about him is written last here, as
    the store is the module's."""
    leo = death_store.leo_id
    with TestClient(death_app) as client:
        sign_in(client, role="practitioner", agency="education", team="dsl")
        form = client.get("/record-concern", params={"person": str(leo)}).text
        assert "Brennna" in form and "Brennan" not in form
        submission = re.search(r'name="submission_id" value="([^"]+)"', form)
        assert submission
        data = {
            "csrf_token": form_token(client),
            "submission_id": submission.group(1),
            "person": str(leo),
            "agency": "education",
            "kind": "school_concern",
            "category": "neglect",
            "occurred-day": "3",
            "occurred-month": "3",
            "occurred-year": "2011",
            "text": "Arrived hungry again.",
        }
        posted = client.post("/record-concern", data=data, follow_redirects=False)
        assert posted.status_code == 303, posted.text[:2000]
        confirmation = client.get(posted.headers["location"]).text
    assert "Concern recorded" in confirmation
    assert "Leo Brennna" in confirmation and "Brennan" not in confirmation
    levels = [word for word in ("red alert", "amber alert", "green alert") if word in confirmation.lower()]
    assert levels == []
