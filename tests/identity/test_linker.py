"""Deterministic identity: identifiers, names and dates of birth, and the checks that keep people apart."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from alarmbell.identity import link_people, person_ids_for_records, relations, resolve
from alarmbell.identity.names import edit_distance_at_most_one, fold_name
from alarmbell.ingest.service import ingest_file
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import Person, PersonLink
from tests.helpers import person, relationship, write_jsonl


def _load(engine: Engine, path: Path) -> None:
    ingest_file(engine=engine, path=path)
    with session_scope(engine) as session:
        link_people(session)


def _ids(engine: Engine, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    with session_scope(engine) as session:
        return person_ids_for_records(session, keys)


def test_fold_name_handles_diacritics_and_polish_l() -> None:
    assert fold_name("Łukasz Żółć") == "lukaszzolc"
    assert fold_name("O'Brien-Smith") == "obriensmith"
    assert fold_name(None) == ""


def test_edit_distance_at_most_one() -> None:
    assert edit_distance_at_most_one("brennan", "brennna")  # adjacent transposition
    assert edit_distance_at_most_one("brennan", "brenan")  # deletion
    assert edit_distance_at_most_one("brennan", "brennen")  # substitution
    assert not edit_distance_at_most_one("brennan", "bernnna")
    assert not edit_distance_at_most_one("fletcher", "fletch")


def test_demo_child_is_one_person_across_four_agencies(engine: Engine, demo_case: Path) -> None:
    _load(engine, demo_case)
    leo = [
        ("children_social_care", "CHI-demo-P1"),
        ("education", "EDU-demo-P1"),
        ("health", "HEA-demo-P1"),
        ("police", "POL-demo-P1"),
    ]
    mother = [
        ("children_social_care", "CHI-demo-P2"),
        ("education", "EDU-demo-P2"),
        ("health", "HEA-demo-P2"),
        ("police", "POL-demo-P2"),
    ]
    ids = _ids(engine, leo + mother)
    assert len({ids[k] for k in leo}) == 1
    assert len({ids[k] for k in mother}) == 1
    assert ids[leo[0]] != ids[mother[0]]


def test_demo_siblings_and_different_partners_stay_apart(engine: Engine, demo_case: Path) -> None:
    _load(engine, demo_case)
    ids = _ids(
        engine,
        [
            ("police", "POL-demo-P1"),
            ("police", "POL-demo-P6"),
            ("health", "HEA-demo-P7"),
            ("police", "POL-demo-P4"),
            ("police", "POL-demo-P5"),
        ],
    )
    assert len(set(ids.values())) == 5


def test_links_carry_provenance(engine: Engine, demo_case: Path) -> None:
    _load(engine, demo_case)
    with session_scope(engine) as session:
        methods = {link.method for link in session.scalars(select(PersonLink))}
        evidence = [link.evidence for link in session.scalars(select(PersonLink))]
    assert {"nhs_number", "name_dob", "near_name_dob"} <= methods
    assert all(e for e in evidence)


def test_different_valid_nhs_numbers_are_never_merged(engine: Engine, tmp_path: Path) -> None:
    rows = [
        person("H1", agency="health", nhs_number="2945183218"),
        person("H2", agency="health", nhs_number="7958992939"),
    ]
    _load(engine, write_jsonl(tmp_path / "a.jsonl", rows))
    ids = _ids(engine, [("health", "H1"), ("health", "H2")])
    assert ids[("health", "H1")] != ids[("health", "H2")]


def test_person_ids_are_stable_as_records_arrive(engine: Engine, tmp_path: Path) -> None:
    _load(
        engine,
        write_jsonl(tmp_path / "a.jsonl", [person("P1"), person("Q1", given_name="Ben", dob="2012-01-01")]),
    )
    before = _ids(engine, [("police", "P1"), ("police", "Q1")])
    later = [
        person("H1", agency="health", nhs_number="2945183218"),
        person("E1", agency="education", family_name="Stoen"),
    ]
    _load(engine, write_jsonl(tmp_path / "b.jsonl", later))
    after = _ids(engine, [("police", "P1"), ("police", "Q1"), ("health", "H1"), ("education", "E1")])
    assert after[("police", "P1")] == before[("police", "P1")]
    assert after[("police", "Q1")] == before[("police", "Q1")]
    assert after[("health", "H1")] == before[("police", "P1")]  # same name and dob
    assert after[("education", "E1")] == before[("police", "P1")]  # one keystroke, same postcode


def test_a_bridging_record_merges_two_people_into_the_older_id(engine: Engine, tmp_path: Path) -> None:
    first = [
        person("P1", nhs_number="2945183218", given_name="Amy"),
        person(
            "H1",
            agency="health",
            given_name="Amelia",
            family_name="Jones",
            upn=None,
            nhs_number=None,
            dob="2015-03-02",
        ),
    ]
    _load(engine, write_jsonl(tmp_path / "a.jsonl", first))
    ids = _ids(engine, [("police", "P1"), ("health", "H1")])
    assert ids[("police", "P1")] != ids[("health", "H1")]
    bridge = [
        person(
            "E9",
            agency="education",
            given_name="Amelia",
            family_name="Jones",
            nhs_number="2945183218",
            dob="2015-03-02",
        )
    ]
    _load(engine, write_jsonl(tmp_path / "b.jsonl", bridge))
    after = _ids(engine, [("police", "P1"), ("health", "H1"), ("education", "E9")])
    survivor = min(ids.values())
    assert set(after.values()) == {survivor}
    with session_scope(engine) as session:
        gone = max(ids.values())
        assert session.get(Person, gone).merged_into == survivor  # type: ignore[union-attr]
        assert resolve(session, gone) == survivor
        ended = session.scalars(select(PersonLink).where(PersonLink.ended_at.is_not(None))).all()
        assert [link.ended_reason for link in ended] == [f"person {gone} merged into person {survivor}"]


def test_relations_point_both_ways(engine: Engine, tmp_path: Path) -> None:
    rows = [
        person("C1"),
        person("M1", given_name="Jo", dob="1985-05-05"),
        relationship("R1", "M1", "C1", "mother"),
    ]
    _load(engine, write_jsonl(tmp_path / "a.jsonl", rows))
    ids = _ids(engine, [("police", "C1"), ("police", "M1")])
    with session_scope(engine) as session:
        child = relations(session, ids[("police", "C1")])
        mother = relations(session, ids[("police", "M1")])
    assert [(r.other, r.kind) for r in child] == [(ids[("police", "M1")], "mother")]
    assert [(r.other, r.kind) for r in mother] == [(ids[("police", "C1")], "child_of_mother")]
