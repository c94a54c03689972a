"""Twins who look alike on paper: close given names, placeholder names, different sex.

Merging two children attaches one child's injuries, plans and alerts to the other, so a pair
that may be twins waits for a person (docs/identity.md, "Twins: close names, placeholder
names, different sex"). Each test runs the whole linker on a real store.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from alarmbell.identity import link_people, person_ids_for_records
from alarmbell.ingest.service import ingest_file
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import IdentityReview
from tests.helpers import person, write_jsonl

HOME = {"family_name": "Hughes", "dob": "2024-03-14", "postcode": "CV2 5LA"}
#: The day these tests link on: who counts as a child (identity/twins.py CHILD_YEARS) is fixed.
TODAY = date(2026, 12, 3)


def _link(
    engine: Engine, tmp_path: Path, rows: list[dict[str, Any]], today: date = TODAY
) -> dict[tuple[str, str], int]:
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "twins.jsonl", rows))
    with session_scope(engine) as session:
        link_people(session, today=today)
    with session_scope(engine) as session:
        return person_ids_for_records(session, [(r["agency"], r["source_id"]) for r in rows])


def _pending(engine: Engine) -> list[IdentityReview]:
    with session_scope(engine) as session:
        items = session.scalars(select(IdentityReview).where(IdentityReview.status == "pending")).all()
        session.expunge_all()
        return list(items)


@pytest.mark.parametrize(("first", "second", "sex"), [("Jayden", "Jaylen", "M"), ("Lily", "Lilly", "F")])
def test_twins_with_close_given_names_go_to_review_not_to_a_link(
    engine: Engine, tmp_path: Path, first: str, second: str, sex: str
) -> None:
    rows = [
        person("H1", agency="health", given_name=first, sex=sex, **HOME),
        person("E1", agency="education", given_name=second, sex=sex, **HOME),
    ]
    ids = _link(engine, tmp_path, rows)
    assert ids[("health", "H1")] != ids[("education", "E1")]
    [item] = _pending(engine)
    assert "twins" in (item.note or "")


@pytest.mark.parametrize(("written", "short"), [("Lacey-Mae", "Lacey"), ("Mary Jane", "Mary")])
def test_a_double_given_name_and_its_first_part_are_one_child_not_twins(
    engine: Engine, tmp_path: Path, written: str, short: str
) -> None:
    """A school records "Lacey-Mae", the health visitor "Lacey" (review corpus, child-bs-2016)."""
    rows = [
        person("H1", agency="health", given_name=short, sex="F", **HOME),
        person("E1", agency="education", given_name=written, sex="F", **HOME),
    ]
    ids = _link(engine, tmp_path, rows)
    assert ids[("health", "H1")] == ids[("education", "E1")]
    assert _pending(engine) == []


PLACEHOLDERS = [("Baby", "Baby"), ("Baby Boy", "Baby Girl"), ("Twin 1", "Twin 2"), ("Unborn", "Unborn")]


@pytest.mark.parametrize(("boy", "girl"), [*PLACEHOLDERS, ("Infant", "Infant")])
def test_newborn_boy_and_girl_twins_under_a_placeholder_name_are_not_merged(
    engine: Engine, tmp_path: Path, boy: str, girl: str
) -> None:
    rows = [
        person("H1", agency="health", given_name=boy, sex="M", **HOME),
        person("S1", agency="children_social_care", given_name=girl, sex="F", **HOME),
    ]
    ids = _link(engine, tmp_path, rows)
    assert ids[("health", "H1")] != ids[("children_social_care", "S1")]
    [item] = _pending(engine)  # recorded sex is sometimes wrong: a person decides
    assert "recorded sex differs" in (item.note or "")


def test_a_placeholder_name_never_agrees_with_a_twin_s_real_name(engine: Engine, tmp_path: Path) -> None:
    # "Baby Hughes" could be either twin: joining it to one of them by score is a coin toss.
    rows = [
        person("H1", agency="health", given_name="Baby", sex="F", **HOME),
        person("E1", agency="education", given_name="Olivia", sex="F", **HOME),
        person("E2", agency="education", given_name="Isla", sex="F", **HOME),
    ]
    ids = _link(engine, tmp_path, rows)
    assert len(set(ids.values())) == 3


@pytest.mark.parametrize(("first", "second"), [("Baby", "Baby"), ("Twin 1", "Twin 2"), ("Unborn", "Infant")])
def test_two_same_sex_newborns_under_a_placeholder_go_to_review(
    engine: Engine, tmp_path: Path, first: str, second: str
) -> None:
    # One baby recorded twice, or twins: nothing on the records tells which.
    rows = [
        person("H1", agency="health", given_name=first, sex="F", **HOME),
        person("S1", agency="children_social_care", given_name=second, sex="F", **HOME),
    ]
    ids = _link(engine, tmp_path, rows)
    assert ids[("health", "H1")] != ids[("children_social_care", "S1")]
    [item] = _pending(engine)
    assert "no given name to tell them apart" in (item.note or "")


def test_a_record_without_a_recorded_sex_does_not_bridge_a_boy_and_a_girl(
    engine: Engine, tmp_path: Path
) -> None:
    # The name and date of birth rule joins each record to the first with its key: the police
    # record, with no sex, came first, so the boy and the girl each matched it, not each other.
    rows = [
        person("P1", agency="police", given_name="Alex", sex=None, **HOME),
        person("H1", agency="health", given_name="Alex", sex="M", **HOME),
        person("E1", agency="education", given_name="Alex", sex="F", **HOME),
    ]
    ids = _link(engine, tmp_path, rows)
    assert ids[("police", "P1")] == ids[("health", "H1")]
    assert ids[("education", "E1")] != ids[("health", "H1")]


def test_a_real_name_recorded_with_different_sex_is_offered_for_review(
    engine: Engine, tmp_path: Path
) -> None:
    # The name and date of birth rule used to join these before the model saw the sex.
    rows = [
        person("H1", agency="health", given_name="Alex", sex="M", **HOME),
        person("P1", agency="police", given_name="Alex", sex="F", **HOME),
    ]
    ids = _link(engine, tmp_path, rows)
    assert ids[("health", "H1")] != ids[("police", "P1")]
    [item] = _pending(engine)
    assert "recorded sex differs" in (item.note or "")


@pytest.mark.parametrize(("first", "second"), [("Jayden", "Jayden"), ("Thomas", "Tom")])
def test_one_child_under_the_same_name_or_a_known_nickname_still_links(
    engine: Engine, tmp_path: Path, first: str, second: str
) -> None:
    rows = [
        person("H1", agency="health", given_name=first, sex="M", **HOME),
        person("E1", agency="education", given_name=second, sex="M", **HOME),
    ]
    ids = _link(engine, tmp_path, rows)
    assert ids[("health", "H1")] == ids[("education", "E1")]


def test_placeholder_names_are_recognised_whatever_their_spelling() -> None:
    from alarmbell.identity.names import is_placeholder_given

    for name in ("Baby", "BABY BOY", "baby-girl", "Twin 1", "Twin B", "Unborn", "Infant", "NK", "Not Known"):
        assert is_placeholder_given(name), name
    for name in ("Babette", "Twinkle", "Jayden", "Nkechi", ""):
        assert not is_placeholder_given(name), name


def test_the_review_page_says_why_a_pair_may_be_twins() -> None:
    from alarmbell.presentation.identity_words import Side, reason

    sides = (Side("Jayden Hughes (person 1)", ()), Side("Jaylen Hughes (person 2)", ()))
    note = (
        "Possible twins: same date of birth, family name and postcode, and given names close but not the same"
    )
    first, _ = reason(note, [], sides, probability=0.99)
    assert first.startswith(
        "The two records may be twins: same date of birth, family name and postcode, and given"
    )
    refused = (
        "would link, but recorded sex differs, with the same date of birth and family name (possible twins)"
    )
    first, _ = reason(refused, [], sides, probability=0.99)
    assert "a boy and a girl with the same date of birth and family name, who may be twins" in first


@pytest.mark.parametrize(("dob", "twins"), [("2020-06-01", True), ("1996-06-01", False)])
def test_close_given_names_at_one_address_wait_for_a_person_only_for_children(
    engine: Engine, tmp_path: Path, dob: str, twins: bool
) -> None:
    # A 6-year-old Jayden and Jaylen may be twins; at 30 they are one adult with a typo'd name
    # (FEBRL's duplicates), linked as before the twins rules: the review queue is capped.
    home = {**HOME, "dob": dob}
    rows = [
        person("H1", agency="health", given_name="Jayden", sex="M", **home),
        person("E1", agency="education", given_name="Jaylen", sex="M", **home),
    ]
    ids = _link(engine, tmp_path, rows)
    assert (ids[("health", "H1")] != ids[("education", "E1")]) is twins
    notes = [item.note or "" for item in _pending(engine)]
    assert any("twins" in note for note in notes) is twins


def test_an_adult_boy_and_girl_with_one_birthday_and_surname_still_go_to_review(
    engine: Engine, tmp_path: Path
) -> None:
    home = {**HOME, "dob": "1990-01-01"}
    rows = [
        person("H1", agency="health", given_name="Baby", sex="M", **home),
        person("S1", agency="children_social_care", given_name="Baby", sex="F", **home),
    ]
    ids = _link(engine, tmp_path, rows)
    assert ids[("health", "H1")] != ids[("children_social_care", "S1")]
    [item] = _pending(engine)
    assert "recorded sex differs" in (item.note or "")


def test_a_child_is_someone_born_less_than_child_years_before_the_linkage_day() -> None:
    from alarmbell.identity.twins import CHILD_YEARS, is_young

    assert CHILD_YEARS == 25
    assert is_young(date(2001, 12, 4), TODAY)
    assert not is_young(date(2001, 12, 3), TODAY)
    assert is_young(None, TODAY)  # an unknown age keeps the precaution
    assert is_young(date(2000, 2, 29), date(2025, 2, 28))  # 25 on 1 March
    assert not is_young(date(2003, 2, 28), date(2028, 2, 29))  # the linkage day is 29 February


def test_only_records_sharing_a_birthday_and_surname_with_the_other_sex_hold_sex_data() -> None:
    # At a million records most hold a date of birth, surname and sex; only these can trip the check.
    from alarmbell.identity.clusters import SEX_DIFFERS, Clusters
    from alarmbell.identity.rules import LinkCandidate

    def record(record_id: int, given: str, sex: str, dob: str = "2024-03-14") -> LinkCandidate:
        return LinkCandidate.build(
            record_id,
            "health",
            f"H{record_id}",
            given_name=given,
            family_name="Hughes",
            dob=dob,
            sex=sex,
            postcode=None,
            nhs_number=None,
            upn=None,
        )

    clusters = Clusters([record(1, "Baby", "M"), record(2, "Baby", "F"), record(3, "Amy", "F", "2019-01-01")])
    assert set(clusters.sexed) == {1, 2}
    assert clusters.why_not(1, 2) == SEX_DIFFERS
    assert clusters.why_not(2, 3) is None


DOUBLE_NAMED_TWINS = [("Lacey-Mae", "Lacey-Jo"), ("Lily-Rose", "Lily-Mae"), ("Mary Jane", "Mary Ann")]


@pytest.mark.parametrize(("first", "second"), DOUBLE_NAMED_TWINS)
def test_twins_with_double_names_sharing_a_first_part_are_not_a_known_variant(
    engine: Engine, tmp_path: Path, first: str, second: str
) -> None:
    """Twin sisters Lacey-Mae and Lacey-Jo: each double name reads as "Lacey" too, but that makes
    each a variant of a record of just "Lacey", not of each other (model.py `Level.wider`)."""
    rows = [
        person("E1", agency="education", given_name=first, sex="F", **HOME),
        person("H1", agency="health", given_name=second, sex="F", **HOME),
    ]
    ids = _link(engine, tmp_path, rows)
    assert ids[("education", "E1")] != ids[("health", "H1")]
    [item] = _pending(engine)
    assert "twins" in (item.note or "")
