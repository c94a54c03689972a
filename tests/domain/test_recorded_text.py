"""Recorded words are compared as a reader compares them."""

from __future__ import annotations

import pytest

from alarmbell.domain.recorded_text import fold, mentions


@pytest.mark.parametrize(
    ("a", "b"),
    [("High", "high"), ("Physical abuse", "physical_abuse"), ("fixed-term", "fixed_term"), (" NAI ", "nai")],
)
def test_case_spaces_underscores_and_hyphens_fold_away(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        ("Possession with intent to supply", "supply", True),
        ("supplying class A drugs", "supply", True),
        ("Possession of a Bladed Article in a public place", "bladed article", True),
        ("Non-accidental injury suspected", "non-accidental", True),
        ("Nutritional Rickets", "rickets", True),
        ("13A", "3A", False),
        ("oversupply", "supply", False),
    ],
)
def test_words_must_start_a_word(text: str, words: str, expected: bool) -> None:
    assert mentions(text, words) is expected
