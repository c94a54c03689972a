"""The identity review's words: human values, same/differs, weights in words, honest reasons."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alarmbell.identity.clusters import DISTINCT_PARTIES
from alarmbell.identity.coherence import COHERENCE_MARK, DATES, SIBLINGS
from alarmbell.identity.model import SPECS
from alarmbell.presentation.identity_words import (
    DIFFERS,
    FIELDS,
    LEVEL_WORDS,
    MISSING,
    ONE_MISSING,
    SAME,
    HeldIdentifier,
    OneAgency,
    Side,
    compare,
    odds_words,
    percent,
    prior_sentence,
    reason,
    shown_value,
    total_sentence,
    weight_words,
)

LEO = {
    "given_name": "Leo",
    "family_name": "Brennan",
    "dob": "2007-07-15",
    "sex": "M",
    "postcode": "cv2 5la",
    "nhs_number": None,
    "upn": None,
    "role_hint": "child",
}


@pytest.mark.parametrize(
    ("field", "raw", "shown"),
    [
        ("sex", "M", "Male"),
        ("sex", "F", "Female"),
        ("sex", "U", "Not known"),
        ("role_hint", "child", "Child"),
        ("role_hint", "adult", "Adult"),
        ("dob", "2007-07-15", "15 July 2007"),
        ("nhs_number", "4857773457", "485 777 3457"),
        ("postcode", "cv63ht", "CV6 3HT"),
        ("postcode", "sw1a 1aa", "SW1A 1AA"),
        ("upn", "K753252990791", "K753252990791"),
        ("given_name", "Zofia", "Zofia"),
        ("nhs_number", None, ""),
    ],
)
def test_values_are_shown_as_people_write_them(field: str, raw: str | None, shown: str) -> None:
    assert shown_value(field, raw) == shown


def test_each_field_is_same_differs_or_missing_with_a_note_where_it_helps() -> None:
    other = LEO | {
        "given_name": "LEO",
        "family_name": "Brénnan",
        "postcode": "CV2 5LA",
        "nhs_number": "4857773457",
    }
    rows = {r.field: r for r in compare(LEO, other)}
    assert [r.field for r in rows.values()] == [f for f, _ in FIELDS]
    assert (rows["given_name"].state, rows["postcode"].state, rows["dob"].state) == (SAME, SAME, SAME)
    assert (rows["family_name"].state, rows["family_name"].note) == (DIFFERS, "only in accents")
    assert (rows["nhs_number"].state, rows["nhs_number"].tag) == (ONE_MISSING, "Only one recorded")
    assert (rows["upn"].state, rows["upn"].tag) == (MISSING, "Not recorded")
    assert rows["sex"].tag == "Same" and rows["family_name"].tag == "Differs"


@pytest.mark.parametrize(
    ("a", "b", "note"),
    [
        ("2003-11-06", "2003-06-11", "day and month swapped"),
        ("1996-01-21", "1998-08-24", "2 years 7 months apart"),
        ("2010-01-01", "2011-01-01", "1 year apart"),
        ("2010-01-01", "2010-01-20", "less than a month apart"),
    ],
)
def test_differing_dates_of_birth_say_how_far_apart(a: str, b: str, note: str) -> None:
    row = next(r for r in compare(LEO | {"dob": a}, LEO | {"dob": b}) if r.field == "dob")
    assert (row.state, row.note) == (DIFFERS, note)


@pytest.mark.parametrize(
    ("weight", "words"),
    [
        (13.3, "very strongly suggests the same person"),
        (6.64, "very strongly suggests the same person"),
        (6.1, "strongly suggests the same person"),
        (3.32, "strongly suggests the same person"),
        (1.0, "suggests the same person"),
        (0.5, "makes little difference either way"),
        (0.0, "makes little difference either way"),
        (-0.9, "makes little difference either way"),
        (-3.2, "suggests different people"),
        (-5.8, "strongly suggests different people"),
        (-10.0, "very strongly suggests different people"),
    ],
)
def test_weights_in_words_follow_the_documented_thresholds(weight: float, words: str) -> None:
    assert weight_words(weight) == words


def test_odds_and_probabilities_never_claim_false_precision() -> None:
    assert odds_words(6.83) == "about 110 times as likely if they are one person"
    assert odds_words(-3.23) == "about 9.4 times as likely if they are two people"
    assert odds_words(0.4) == "barely changes the odds"
    assert (percent(0.9863), percent(0.99999), percent(0.0000001)) == ("98.6%", "over 99.9%", "under 0.1%")
    assert total_sentence(6.2, 0.986).startswith("Added up, the fields give +6.2 bits: odds of about 74 to 1")


def test_the_prior_is_explained_in_one_sentence() -> None:
    text = prior_sentence(-14.68)
    assert text.startswith(
        "Before comparing any field, two records picked at random are very unlikely to be the same "
        "person: the odds start at about 1 in 26,000 (-14.7 bits)."
    )


def test_every_level_of_the_shipped_model_has_words() -> None:
    levels = {level.label for spec in SPECS.values() for c in spec.comparisons for level in c.levels}
    assert levels <= set(LEVEL_WORDS), sorted(levels - set(LEVEL_WORDS))


NHS_A, NHS_B = "294 518 3218", "485 777 3457"
CLASH_NOTE = "would link, but different valid NHS numbers"


def _sides(left: tuple[HeldIdentifier, ...], right: tuple[HeldIdentifier, ...]) -> tuple[Side, Side]:
    return Side("Leo Brennan (person 1)", left), Side("Leo Brennan (person 8)", right)


def test_a_clash_through_another_record_quotes_both_numbers_and_where_they_are() -> None:
    rows = compare(LEO, LEO | {"nhs_number": "4857773457"})
    held_a = (HeldIdentifier("nhs_number", NHS_A, "Health", "HEA-demo-P1"),)
    held_b = (HeldIdentifier("nhs_number", NHS_B, "Health", "HEA-demo-P9"),)
    first, agreement = reason(CLASH_NOTE, rows, _sides(held_a, held_b), probability=0.999)
    assert (
        f"Leo Brennan (person 1) already has NHS number {NHS_A} (on the Health record HEA-demo-P1)" in first
    )
    assert f"Leo Brennan (person 8) has NHS number {NHS_B} (on the Health record HEA-demo-P9)" in first
    assert agreement.endswith("only one of them records NHS number.")


def test_a_clash_no_longer_on_the_page_is_not_claimed() -> None:
    """The old page said "different valid NHS numbers" with one number shown; now it never does."""
    rows = compare(LEO, LEO | {"nhs_number": "4857773457"})
    held_b = (HeldIdentifier("nhs_number", NHS_B, "Health", "HEA-demo-P9"),)
    first, _ = reason(CLASH_NOTE, rows, _sides((), held_b), probability=0.999)
    assert "different valid" not in first and "different NHS numbers" not in first
    assert "neither person's records hold that clash now" in first


def test_numbers_that_differ_on_the_pair_are_both_quoted() -> None:
    rows = compare(LEO | {"nhs_number": "2945183218"}, LEO | {"nhs_number": "4857773457"})
    for note in (CLASH_NOTE, "NHS number: different valid numbers"):
        first, agreement = reason(note, rows, _sides((), ()), probability=0.56)
        assert f"different NHS numbers ({NHS_A} and {NHS_B})" in first
        assert "they differ on NHS number" in agreement


def test_uncertain_and_veto_reasons_quote_the_values_shown() -> None:
    rows = compare(LEO | {"dob": "2003-07-06"}, LEO | {"dob": "2008-04-09"})
    first, agreement = reason("Date of birth: years apart", rows, _sides((), ()), probability=0.8)
    assert first == (
        "The dates of birth are more than 3 years apart (6 July 2003 and 9 April 2008). "
        "The model may not link these records without a person's decision."
    )
    assert "they differ on date of birth (4 years 9 months apart)" in agreement
    first, _ = reason("uncertain band", rows, _sides((), ()), probability=0.943)
    assert first.startswith("The model was not sure. Its match probability, 94.3%,")


def test_a_pair_from_one_agency_says_so_and_what_accepting_changes() -> None:
    rows = compare(LEO, LEO | {"family_name": "Brenan"})
    pair = OneAgency("Education", ("EDU-1", "EDU-7"))
    why, one, agreement = reason("uncertain band", rows, _sides((), ()), probability=0.6, one_agency=pair)
    assert why.startswith("The model was not sure")
    assert one.startswith("Both records come from Education (EDU-1 and EDU-7). One agency can hold the same")
    assert "a school registering a child again" in one and "Education's own records are not changed" in one
    assert agreement.startswith("They agree on")
    declared = reason(
        "uncertain band",
        rows,
        _sides((), ()),
        probability=0.6,
        one_agency=replace(pair, declared_unique=True),
    )
    assert "Education has told alarmbell that each of its records is a different person" in declared[1]
    assert len(reason("uncertain band", rows, _sides((), ()), probability=0.6)) == 2, (
        "two agencies: no sentence"
    )


@pytest.mark.parametrize(
    ("check", "words"),
    [
        (f"{COHERENCE_MARK}: {SIBLINGS}", "one keying error cannot explain (given name and date of birth"),
        (
            f"{COHERENCE_MARK}: {DATES}",
            "one keying error cannot explain (the person would hold dates of birth",
        ),
        (DISTINCT_PARTIES, "an agency named a record of each as two different people in one event"),
    ],
)
def test_the_cluster_guard_refusals_say_what_stopped_the_link(check: str, words: str) -> None:
    rows = compare(LEO, LEO | {"dob": "2013-06-01"})
    first, _ = reason(f"would link, but {check}", rows, _sides((), ()), probability=0.998)
    assert first.startswith(
        "The model would link them (match probability 99.8%), but a safety check stopped it: "
    )
    assert words in first
