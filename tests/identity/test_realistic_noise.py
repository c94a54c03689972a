"""Linkage on noise the shipped model was not tuned on (issue 16): sources without a date of birth
or sex, names misspelt twice over or entered the wrong way round, and names whose rarity is the
evidence. Real blocking and scoring (Splink on DuckDB) with the shipped model."""

from __future__ import annotations

import random

from alarmbell.identity.features import RawPerson, build_features
from alarmbell.identity.linker import cluster_population
from alarmbell.identity.names import soundex
from alarmbell.identity.probabilistic import shipped_model
from alarmbell.identity.splink_runner import ScoredPair, predict, predict_incremental


def _person(record_id: int, given: str, family: str, **fields: str | None) -> RawPerson:
    return RawPerson(
        record_id=record_id,
        agency=fields.get("agency") or ("taxes" if record_id % 2 else "benefits"),
        source_id=f"S{record_id}",
        given_name=given,
        family_name=family,
        dob=fields.get("dob"),
        sex=fields.get("sex"),
        postcode=fields.get("postcode"),
        nhs_number=None,
        upn=None,
        role_hint=None,
    )


def _scored(people: list[RawPerson]) -> dict[tuple[int, int], ScoredPair]:
    pairs = predict(build_features(people), shipped_model(), threshold=None)
    return {(p.left, p.right): p for p in pairs}


def test_soundex_codes_names_as_the_census_does() -> None:
    assert [soundex(n) for n in ("robert", "rupert", "ashcraft", "pfister", "tymczak")] == [
        "r163",
        "r163",
        "a261",
        "p236",
        "t522",
    ]
    assert soundex("") == ""


def test_a_source_without_dates_of_birth_is_still_compared_on_names() -> None:
    # A tax form carries a name and nothing else this model reads: every blocking rule that
    # needed a date of birth or a postcode left it out of every comparison (recall 0.0).
    pairs = _scored(
        [
            _person(1, "Ottoline", "Quarrington"),
            _person(2, "Ottoline", "Quarrington", dob="1984-05-06", sex="F"),
        ]
    )
    assert (1, 2) in pairs


def test_postcode_and_family_name_are_compared_where_sex_is_not_recorded() -> None:
    pairs = _scored(
        [
            _person(1, "Amy", "Hartigan", postcode="CV2 5LA", dob="1990-01-02"),
            _person(2, "Zoe", "Hartigan", postcode="CV2 5LA", dob="1975-07-08"),
        ]
    )
    assert (1, 2) in pairs


def test_both_names_misspelt_with_the_date_of_birth_intact_are_compared() -> None:
    pairs = _scored(
        [
            _person(1, "Bartholomew", "Fenwick", dob="1971-03-09", postcode="CV2 5LA"),
            _person(2, "Bartholemew", "Fennwick", dob="1971-03-09", postcode="B15 2TT"),
        ]
    )
    assert (1, 2) in pairs


def test_given_and_family_name_the_wrong_way_round_with_a_typo_still_link() -> None:
    # Before: the given names differed wholly, so the twins veto kept the two records apart.
    people = [
        _person(1, "Oliver", "Hartigan", dob="1988-11-12", postcode="CV2 5LA"),
        _person(2, "Hartigen", "Oliver", dob="1988-11-12", postcode="CV2 5LA"),
    ]
    pair = _scored(people)[(1, 2)]
    model = shipped_model()
    given = model.spec.comparison("given_name")
    assert given.levels[pair.levels["given_name"]].label == "given and family transposed"
    groups, _ = cluster_population(people, model)
    assert sorted(groups.values()) == [[1, 2]]


def _population(rng: random.Random) -> list[RawPerson]:
    """1,200 names-only records: 100 share one common name, the rest are distinct strangers."""
    people = [_person(i, "John", "Smith") for i in range(1, 101)]
    for i in range(101, 1201):
        given = "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))
        family = "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(4))
        people.append(_person(i, given.title(), family.title()))
    return people


def test_a_rare_name_agreeing_weighs_more_than_a_common_one() -> None:
    people = _population(random.Random(16))
    rare = people[-1]
    people.append(_person(2001, rare.given_name or "", rare.family_name or "", dob="1960-01-01"))
    pairs = _scored(people)
    common = pairs[(1, 2)].probability
    assert pairs[(rare.record_id, 2001)].probability > 0.9 > 0.5 > common


def test_scoring_new_records_against_a_store_uses_the_whole_store_s_frequencies() -> None:
    people = _population(random.Random(16))
    people.append(_person(2001, "John", "Smith", dob="1960-01-01"))
    whole = _scored(people)
    model = shipped_model()
    new, old = build_features(people[-50:]), build_features(people[:-50])
    incremental = {(p.left, p.right): p for p in predict_incremental(new, old, model)}
    assert incremental[(1, 2001)].probability == whole[(1, 2001)].probability


def test_retraining_on_a_deployment_without_nhs_numbers_skips_that_rule() -> None:
    # `alarmbell identity train` failed outright on records holding no NHS number: Splink's EM
    # session blocked on it found no pairs and raised.
    from alarmbell.identity.splink_runner import train_unsupervised

    rng = random.Random(7)
    people = _population(rng)[100:]
    twice = [
        _person(5000 + p.record_id, p.given_name or "", p.family_name or "", dob="1980-01-01")
        for p in people[:300]
    ]
    people = [
        _person(p.record_id, p.given_name or "", p.family_name or "", dob="1980-01-01") for p in people
    ] + twice
    estimate = train_unsupervised(build_features(people), shipped_model())
    assert "EM skipped nhs: no two records agree on it" in estimate.notes
    assert "EM blocked on given_key, dob" in estimate.notes
    assert set(estimate.parameters) == {c.name for c in shipped_model().spec.comparisons}


def test_names_alone_block_only_where_a_record_has_no_date_of_birth() -> None:
    # Two dated John Smiths born decades apart are not compared on names alone: at a million
    # records that block would hold every pair of John Smiths.
    pairs = _scored(
        [
            _person(1, "John", "Smith", dob="1950-01-02"),
            _person(2, "John", "Smith", dob="1990-03-04"),
            _person(3, "John", "Smith"),
        ]
    )
    assert (1, 2) not in pairs
    assert (1, 3) in pairs and (2, 3) in pairs


def test_the_undated_names_rule_is_written_for_each_backend() -> None:
    from alarmbell.identity.model import PERSON_V1
    from alarmbell.identity.splink_runner import settings_for

    spark = settings_for(PERSON_V1, dialect="spark")["blocking_rules_to_generate_predictions"][-1]
    assert spark == (
        "l.`given_key` = r.`given_key` AND l.`family_key` = r.`family_key` "
        "AND (l.`dob` IS NULL OR r.`dob` IS NULL)"
    )
