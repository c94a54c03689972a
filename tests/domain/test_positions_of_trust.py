"""A role in a position of trust is read from the words agencies write for it."""

from __future__ import annotations

import pytest

from alarmbell.domain.positions_of_trust import trusted_role


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Teacher", "teacher"),
        ("Class teacher", "class teacher"),
        ("form tutor", "form tutor"),
        ("Form Tutor (Year 9)", "form tutor"),
        ("PE teacher", "pe teacher"),
        ("Head of Year", "head of year"),
        ("Teaching Assistant", "teaching assistant"),
        ("TA", "ta"),
        ("Football coach", "football coach"),
        ("swimming instructor", "swimming instructor"),
        ("Youth worker", "youth worker"),
        ("residential care worker", "residential care worker"),
        ("Scout leader", "scout leader"),
        ("member of staff", "member of staff"),
        ("faith leader at the mosque", "faith leader"),
    ],
)
def test_a_role_in_a_position_of_trust_is_read_in_any_wording(text: str, role: str) -> None:
    assert trusted_role(text) == role


@pytest.mark.parametrize(
    "text",
    ["Mr Smith", "yes", "Y", "older boyfriend", "family friend", "stepfather", "worker", "coach driver",
     "personal trainer", "neighbour", "", "taxi driver"],
)  # fmt: skip
def test_words_naming_no_such_role_are_not_read(text: str) -> None:
    assert trusted_role(text) is None
