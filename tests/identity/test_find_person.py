"""One `find_person` for every surface: `123` or `AGENCY:SOURCE_ID`, and a precise error otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.identity import PersonNotFound, find_person, link_people, person_ids_for_records
from alarmbell.identity.review import merge
from alarmbell.ingest.service import ingest_file
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope

LEO = ("health", "HEA-demo-P1")
MOTHER = ("children_social_care", "CHI-demo-P2")


@pytest.fixture
def session(engine: Engine, demo_case: Path) -> Iterator[Session]:
    ingest_file(engine=engine, path=demo_case)
    with session_scope(engine) as s:
        link_people(s)
        yield s


def _person(session: Session, key: tuple[str, str]) -> int:
    return person_ids_for_records(session, [key])[key]


def test_a_person_id_or_an_agency_record_finds_the_same_person(session: Session) -> None:
    leo = _person(session, LEO)
    assert find_person(session, str(leo)) == leo
    assert find_person(session, f"  {leo}\n") == leo
    assert find_person(session, "health:HEA-demo-P1") == leo
    assert find_person(session, "education:EDU-demo-P1") == leo


def test_the_agency_of_a_record_is_read_in_any_case_or_spacing_as_intake_reads_it(session: Session) -> None:
    leo, mother = _person(session, LEO), _person(session, MOTHER)
    assert find_person(session, "Health:HEA-demo-P1") == leo
    assert find_person(session, "Children Social-Care:CHI-demo-P2") == mother


def test_a_merged_away_id_finds_the_person_it_was_merged_into(session: Session) -> None:
    leo, mother = _person(session, LEO), _person(session, MOTHER)
    merge(session, mother, leo, by="tester", reason="test: one person")
    assert find_person(session, str(mother)) == leo


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "'' is not a person: expected a person id (a number, e.g. 123) or an agency record as AGENCY:"),
        ("Leo Brennan", "'Leo Brennan' is not a person: expected a person id (a number, e.g. 123) or an "),
        ("health:", "'health:' is not a person: expected a person id"),
        (":HEA-demo-P1", "':HEA-demo-P1' is not a person: expected a person id"),
        ("²", "'²' is not a person: expected a person id"),
        (
            "polis:P1",
            "'polis:P1': 'polis' is not an agency; expected AGENCY:SOURCE_ID with AGENCY one of: police,",
        ),
        ("police:NOBODY", "no person has the police record 'NOBODY' (not received, or not yet linked)"),
        ("99999", "no person 99999: no one in the store has, or was merged from, that id"),
        ("0099999", "no person 99999: no one in the store has, or was merged from, that id"),
        ("1" * 19, f"'{'1' * 19}' is not a person id: expected at most 18 digits"),
    ],
)
def test_bad_input_says_what_was_given_and_what_was_expected(
    session: Session, text: str, message: str
) -> None:
    with pytest.raises(PersonNotFound) as raised:
        find_person(session, text)
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize("command", ["chronology", "review"])
def test_the_commands_say_why_a_person_is_not_found(
    store_settings: Settings, demo_case: Path, command: str
) -> None:
    env = {"ALARMBELL_DATABASE_URL": store_settings.database_url}
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(demo_case)], env=env).exit_code == 0
    for text, expected in (
        ("²", "'²' is not a person: expected a person id"),
        ("[x]", "'[x]' is not a person: expected a person id"),
        ("polis:P1", "'polis' is not an agency"),
    ):
        result = runner.invoke(app, [command, text], env=env)
        assert result.exit_code == 2, result.output
        assert expected in result.output
