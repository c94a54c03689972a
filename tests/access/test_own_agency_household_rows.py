"""An own-agency view's chronology rows about the child's family say only what that agency recorded.

A store of its own (module scope): the demo case plus two records the other tests here do not
expect. Health holds a record of Kyle Fletcher (whom only the police record as Leo's mother's
partner) and an emergency attendance of his; the school records Leo's mother, whom it spells
"Kayleigh Brenann" (every other agency: "Brennan"), collecting him drunk. A health manager who
sees Leo through health's records only must not read, in Leo's chronology, that Kyle is his
mother's partner: the household list leaves Kyle out for them, as only the police say so. A
school manager reads the mother named as the school's records name her.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.web.app import create_app
from tests.access.leo_views import leo_as_shown
from tests.helpers import event, write_jsonl
from tests.web.conftest import DemoStore, populate

KYLE_AT_HEALTH = {
    "type": "person",
    "agency": "health",
    "source_id": "HEA-demo-P9",
    "given_name": "Kyle",
    "family_name": "Fletcher",
    "dob": "1982-04-15",
    "sex": "M",
    "postcode": "CV2 5LA",
    "role_hint": "adult",
}
KYLE_SEEN = "Seen in ED with a hand injury after punching a wall."
MOTHER_SEEN = "Mother collected Leo from school smelling strongly of alcohol."


@pytest.fixture(scope="module")
def family_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    folder: Path = tmp_path_factory.mktemp("family-rows-store")
    store = populate(Settings(database_url=f"sqlite:///{folder / 'store.db'}"))
    records = [
        KYLE_AT_HEALTH,
        event(
            "HEA-demo-E-kyle",
            ["HEA-demo-P9"],
            agency="health",
            kind="ed_attendance",
            occurred_at="2010-05-10",
            text=KYLE_SEEN,
        ),
        event(
            "EDU-demo-E-mother",
            ["EDU-demo-P2"],
            agency="education",
            kind="school_concern",
            occurred_at="2011-09-20",
            text=MOTHER_SEEN,
        ),
    ]
    summary = ingest_file(engine=store.engine, path=write_jsonl(folder / "family.jsonl", records))
    assert summary.accepted == 3, summary
    with session_scope(store.engine) as session:
        link_people(session)
    yield store
    store.engine.dispose()


@pytest.fixture(scope="module")
def family_app(family_store: DemoStore) -> Iterator[FastAPI]:
    app = create_app(family_store.settings)
    yield app
    app.state.engine.dispose()


def test_the_analyst_reads_the_partners_record_in_leos_chronology(
    family_app: FastAPI, family_store: DemoStore
) -> None:
    full = leo_as_shown(
        family_app, family_store, role="mash_analyst", agency="children_social_care", team="mash"
    )
    assert {name: KYLE_SEEN in text for name, text in full.items()} == dict.fromkeys(full, True)
    assert "Leo&#39;s mother&#39;s partner (Kyle Fletcher)" in full["page"]


def test_an_own_agency_chronology_does_not_tie_someone_to_the_child_by_another_agencys_record(
    family_app: FastAPI, family_store: DemoStore
) -> None:
    own = leo_as_shown(family_app, family_store, role="team_manager", agency="health", team="health-visiting")
    assert "only your own agency" in own["page"]
    assert {name: ("Kyle" in text, KYLE_SEEN in text) for name, text in own.items()} == dict.fromkeys(
        own, (False, False)
    )
    # Health's own rows about the mother, whom health records as Leo's mother, stay.
    assert {name: "mother (Kayleigh Brennan)" in text for name, text in own.items()} == dict.fromkeys(
        own, True
    )


def test_an_own_agency_chronology_names_the_family_as_its_own_records_do(
    family_app: FastAPI, family_store: DemoStore
) -> None:
    own = leo_as_shown(family_app, family_store, role="team_manager", agency="education", team="dsl")
    assert {name: MOTHER_SEEN in text for name, text in own.items()} == dict.fromkeys(own, True)
    assert {
        name: ("mother (Kayleigh Brenann)" in text, "Kayleigh Brennan" in text) for name, text in own.items()
    } == dict.fromkeys(own, (True, False))
