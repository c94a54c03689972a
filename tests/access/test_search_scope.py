"""Search applies the viewer's scope before its limit of 50, in SQL.

Fifty-five people that only the police hold records about match the name first (lower ids);
the one person health holds a record about comes after them. A health practitioner must still
find that person, though only fifty matches are ever read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.web.app import create_app
from tests.auth_support import sign_in
from tests.helpers import person, write_jsonl
from tests.web.conftest import DemoStore

OUT_OF_SCOPE = 55
NAME = "Zephyrine"


@pytest.fixture
def crowded_app(store_settings: Settings, tmp_path: Path) -> Iterator[FastAPI]:
    engine = make_engine(store_settings)
    police = [
        person(f"POL-Z{n}", "police", given_name=f"Bram{chr(97 + n % 26)}{n}", family_name=NAME,
               dob=f"19{50 + n % 40}-0{1 + n % 9}-1{n % 9}", postcode=f"ZZ{n} 1AA")
        for n in range(OUT_OF_SCOPE)
    ]  # fmt: skip
    health = [person("HEA-Z1", "health", given_name="Amaryllis", family_name=NAME, dob="2016-05-04")]
    for name, rows in (("police", police), ("health", health)):
        ingest_file(engine=engine, path=write_jsonl(tmp_path / f"{name}.jsonl", rows))
        with session_scope(engine) as session:
            link_people(session, probabilistic=False)
    engine.dispose()
    app = create_app(store_settings)
    yield app
    app.state.engine.dispose()


def _found(client: TestClient) -> list[str]:
    response = client.get("/api/v1/people", params={"q": NAME})
    assert response.status_code == 200
    return [result["name"] for result in response.json()["results"]]


def test_an_own_agency_search_finds_its_person_behind_fifty_out_of_scope_matches(
    crowded_app: FastAPI,
) -> None:
    with TestClient(crowded_app) as analyst:
        sign_in(analyst, role="mash_analyst")
        everyone = _found(analyst)
    assert len(everyone) == 50 and f"Amaryllis {NAME}" not in everyone, "the health person comes last"
    with TestClient(crowded_app) as health:
        sign_in(health, role="practitioner", agency="health", team="health-visiting")
        assert _found(health) == [f"Amaryllis {NAME}"]
        page = health.get("/people", params={"q": NAME})
    assert page.status_code == 200 and f"Amaryllis {NAME}" in page.text


def test_json_list_has_any_on_each_backend(store_settings: Settings) -> None:
    """The dialect's test for "an alert's rules name one of these indicators" (indicator routes)."""
    from sqlalchemy import literal, select

    from alarmbell.storage.dialect import dialect_for

    dialect = dialect_for(store_settings.database_url)
    engine = make_engine(store_settings)
    rules = literal('["domestic_abuse_child_present", "injury_under_one"]')
    try:
        with engine.connect() as connection:
            answers = [
                bool(connection.scalar(select(dialect.json_list_has_any(rules, wanted))))
                for wanted in (["injury_under_one"], ["missing_education", "domestic_abuse_child_present"],
                               ["missing_education"], ["injury"])
            ]  # fmt: skip
    finally:
        engine.dispose()
    assert answers == [True, True, False, False]


def test_findable_agrees_with_the_policy_about_every_person(access_store: DemoStore) -> None:
    """The SQL condition lets through exactly the people the policy lets each user open (for a
    reviewer, at least those: the policy then refuses a closed case reopened since), for users
    whose access comes from their agency, from a level's routing, from an indicator's route,
    and from break-glass."""
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from alarmbell.access import Action, findable, grant_break_glass, person_decisions
    from alarmbell.policy import default_policy
    from alarmbell.storage.tables import AlertRow, PersonLink, PersonRecordRow
    from tests.auth_support import make_user

    engine = access_store.engine
    with session_scope(engine) as session:
        fired = {str(rule) for rules in session.scalars(select(AlertRow.rules)) for rule in rules}
    policy = default_policy()
    routed_indicator = sorted(fired)[0]
    policy = replace(
        policy,
        indicators=tuple(
            replace(i, routes=("school-nursing",)) if i.id == routed_indicator else i
            for i in policy.indicators
        ),
    )
    users = {
        "own agency": make_user(engine, role="practitioner", agency="police", team="neighbourhood"),
        "level routed": make_user(engine, role="team_manager", agency="health", team="mash"),
        # Housing holds no records in the demo case: all this user sees comes through the route.
        "indicator routed": make_user(engine, role="practitioner", agency="housing", team="school-nursing"),
        "break-glass": make_user(engine, role="practitioner", agency="health", team="health-visiting"),
        "reviewer": make_user(engine, role="reviewer"),
        "analyst": make_user(engine, role="mash_analyst"),
    }
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        everyone = set(session.scalars(select(PersonLink.person_id).where(PersonLink.ended_at.is_(None))))
        refused = person_decisions(session, users["break-glass"], Action.VIEW_PERSON, everyone, policy)
        outside = min(p for p, decision in refused.items() if not decision.allowed)
        grant_break_glass(session, user_id=users["break-glass"].id, person_id=outside,
                          reason="child in A&E now", duration=timedelta(hours=1))  # fmt: skip
    found_by: dict[str, set[int]] = {}
    with session_scope(engine) as session:
        for label, user in users.items():
            allowed = {
                p
                for p, d in person_decisions(session, user, Action.VIEW_PERSON, everyone, policy).items()
                if d.allowed
            }
            where = findable(session, user, policy, now=now)
            query = (
                select(PersonLink.person_id)
                .join(PersonRecordRow, PersonRecordRow.id == PersonLink.person_record_id)
                .where(PersonLink.ended_at.is_(None))
                .distinct()
            )
            found = found_by[label] = set(session.scalars(query if where is None else query.where(where)))
            assert allowed <= found, (label, sorted(allowed - found))
            if label != "reviewer":
                assert found == allowed, (label, sorted(found - allowed))
            if label in ("own agency", "indicator routed", "reviewer"):
                assert allowed and allowed != everyone, label
    assert outside in found_by["break-glass"]
