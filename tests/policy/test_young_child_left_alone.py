"""A child under five found or reported left alone: amber on its own, red with other signs.

Working Together's definition of neglect names a failure to ensure adequate supervision, and the
NSPCC's guidance says babies, toddlers and very young children should never be left alone; older
children are often left alone lawfully, so only the under-fives are read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.policy import Policy, evaluate

from .conftest import ChronologyBuilder, moment

AT = moment("2017-11-01")
INDICATOR = "young_child_left_alone"


def _assess(policy: Policy, child: ChronologyBuilder) -> tuple[AlertLevel, set[str]]:
    assessment = evaluate(policy, child.build(), AT)
    return assessment.level, {f.indicator_id for f in assessment.findings}


def _toddler() -> ChronologyBuilder:
    return ChronologyBuilder(dob=date(2015, 12, 5))


def test_a_toddler_found_left_alone_by_police_is_amber(policy: Policy) -> None:
    child = _toddler().own(
        "child_welfare_concern",
        "2017-10-31",
        findings=["child present where drugs were found", "child believed left alone for long periods"],
    )
    assert _assess(policy, child) == (AlertLevel.AMBER, {INDICATOR})


@pytest.mark.parametrize(
    ("attr", "words"),
    [
        ("concern", "neighbour says the toddler is left home alone"),
        ("reason", "child found home alone by officers"),
        ("note", "baby left unattended in the flat"),
        ("text", "No adult present at the address; two-year-old alone in the house"),
    ],
)
def test_the_words_are_read_wherever_the_agency_wrote_them(policy: Policy, attr: str, words: str) -> None:
    child = _toddler()
    if attr == "text":
        child.own("child_welfare_concern", "2017-10-31", narrative=words)
    else:
        attrs: dict[str, Any] = {attr: words}
        child.own("neighbour_report", "2017-10-31", **attrs)
    assert INDICATOR in _assess(policy, child)[1]


def test_with_an_adult_known_for_violence_in_the_household_it_is_red(policy: Policy) -> None:
    child = _toddler().household(
        "intelligence", "2017-10-01", relation="father", adult_history=["violence", "domestic abuse"]
    )
    assert _assess(policy, child)[0] is AlertLevel.AMBER
    child.own("child_welfare_concern", "2017-10-31", finding="child believed left alone for long periods")
    level, ids = _assess(policy, child)
    assert level is AlertLevel.RED
    assert {INDICATOR, "violent_adult_in_household"} <= ids


@pytest.mark.parametrize(
    ("dob", "words"),
    [
        # An ordinary family: a nine-year-old home alone after school for an hour.
        (date(2008, 3, 1), "children left home alone, parent returned; advice given"),
        # A parent alone with the baby, not the baby alone.
        (date(2017, 6, 1), "mum left alone with the baby since her partner moved out"),
        # Recorded as not left alone.
        (date(2015, 12, 5), "child was not left alone at any point"),
        # A contact arrangement.
        (date(2015, 12, 5), "unsupervised contact with father agreed"),
    ],
)
def test_an_older_child_a_parent_alone_or_a_denial_stays_quiet(policy: Policy, dob: date, words: str) -> None:
    child = ChronologyBuilder(dob=dob).own("child_welfare_concern", "2017-10-31", concern=words)
    assert _assess(policy, child) == (AlertLevel.GREEN, set())
