"""Each kind of identity error, one function at a time: what it does, and that it is seeded."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date

import pytest

from alarmbell.synth.corruptions import (
    KEY_NEIGHBOURS,
    keyboard_typo,
    ocr_error,
    partial_dob,
    phonetic_error,
    postcode_keying_error,
    swap_day_month,
    variant,
    wrong_digit,
)
from alarmbell.synth.names import NICKNAMES, TRANSLITERATIONS

TODAY = date(2021, 12, 31)


def _many(fn: Callable[[random.Random, str], str], text: str, n: int = 200) -> list[str]:
    rng = random.Random(7)
    return [fn(rng, text) for _ in range(n)]


def test_keyboard_neighbours_are_the_touching_keys() -> None:
    assert set(KEY_NEIGHBOURS["s"]) == set("qweadzxc")
    assert set(KEY_NEIGHBOURS["q"]) == set("wsa")
    assert set(KEY_NEIGHBOURS["m"]) == set("hjkn")  # left-justified grid, as in pseudopeople


def test_keyboard_typo_substitutes_a_neighbouring_key_or_swaps_or_drops() -> None:
    seen = _many(keyboard_typo, "Brennan")
    assert all(s[0] == "B" for s in seen)
    assert sum(s == "Brennan" for s in seen) < len(seen) / 10  # only a swap of the two n's
    one_key = [s for s in seen if len(s) == len("Brennan") and sorted(s) != sorted("Brennan")]
    assert one_key, "no substitution made"
    for s in one_key:
        i = next(k for k, (a, b) in enumerate(zip(s, "Brennan", strict=True)) if a != b)
        assert s[i].lower() in KEY_NEIGHBOURS["Brennan"[i].lower()], s
    assert any(len(s) == 8 for s in seen) and any(len(s) == 6 for s in seen)


def test_phonetic_and_ocr_errors_use_their_tables() -> None:
    assert "Stefen" in _many(phonetic_error, "Stephen")
    assert "Niav" in _many(phonetic_error, "Niamh")
    assert "Ernma" in _many(ocr_error, "Emma")
    assert phonetic_error(random.Random(1), "Jo") == "Jo"  # nothing eligible: unchanged


def test_nicknames_and_transliterations_come_from_package_data() -> None:
    assert "Bill" in NICKNAMES["William"] and "Gosia" in NICKNAMES["Małgorzata"]
    assert "Yousef" in TRANSLITERATIONS["Yusuf"] and "O'Brien" in TRANSLITERATIONS["Ó Briain"]
    assert variant(random.Random(3), "Yusuf", TRANSLITERATIONS) in TRANSLITERATIONS["Yusuf"]
    assert variant(random.Random(3), "Zed", NICKNAMES) == "Zed"


@pytest.mark.parametrize(
    ("dob", "swapped"),
    [(date(2015, 3, 7), "2015-07-03"), (date(2015, 3, 17), "2015-03-17"), (date(2015, 4, 4), "2015-04-04")],
)
def test_swap_day_month_only_when_the_day_could_be_a_month(dob: date, swapped: str) -> None:
    assert swap_day_month(dob) == swapped


def test_wrong_digit_changes_one_digit_and_stays_a_valid_past_date() -> None:
    dob = date(2019, 6, 15)
    seen = _many(lambda rng, _: wrong_digit(rng, dob, TODAY), "")
    for text in seen:
        assert sum(a != b for a, b in zip(text, dob.isoformat(), strict=True)) <= 1
        assert date.fromisoformat(text) <= TODAY
    assert len(set(seen)) > 5


def one_keystroke(a: str, b: str) -> bool:
    """True when b is a with one character replaced, added or dropped, or two adjacent swapped."""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = (diff + [0, 0])[:2]
        return len(diff) == 2 and j == i + 1 and (a[i], a[j]) == (b[j], b[i])
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) == 1 and any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def test_postcode_keying_error_is_one_keystroke_off_and_still_a_postcode() -> None:
    seen = _many(postcode_keying_error, "CV2 5LA", 400)
    for code in seen:
        assert re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", code), code
        assert code[0] == "C" and one_keystroke(code.replace(" ", ""), "CV25LA"), code
    assert "CV5 2LA" in seen, "two digits swapped across the space"
    assert "CV2 5AL" in seen, "two letters swapped"
    assert any(code.startswith("CV") and code[2] not in "25" for code in seen), "district digit wrong"
    assert any(code[1] != "V" for code in seen), "area letter a neighbouring key"


def test_partial_dob_is_year_or_year_and_month() -> None:
    seen = set(_many(lambda rng, _: partial_dob(rng, date(2012, 9, 30)), ""))
    assert seen == {"2012", "2012-09"}


def test_same_seed_same_errors() -> None:
    def run(seed: int) -> list[str]:
        rng = random.Random(seed)
        return [f(rng, "Whitfield") for f in (keyboard_typo, phonetic_error, ocr_error) for _ in range(20)]

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_name_history_gives_some_sons_their_father_s_name_and_most_wives_a_former_surname() -> None:
    from alarmbell.synth.households import add_name_history, build_household

    juniors = eligible_sons = former = eligible_mothers = 0
    for index in range(3000):
        hh = build_household(1, index, 3, 737_000, 737_365)
        father = next((p for p in hh.people if p.kind == "father"), None)
        before = {c.slot: c.given for c in hh.children}
        add_name_history(hh, random.Random(f"1:identity:{index}"))
        if father is None:
            assert hh.mother.former_family is None
            continue
        sons = [c for c in hh.children if c.sex == "M"]
        if sons:
            eligible_sons += 1
            juniors += sons[0].given == father.given != before[sons[0].slot]
        if hh.mother.family == father.family:
            eligible_mothers += 1
            former += hh.mother.former_family is not None
            assert hh.mother.former_family != hh.mother.family
    assert 0.01 < juniors / eligible_sons < 0.06
    assert 0.85 < former / eligible_mothers < 0.95
