"""The review benchmark's per-child measures: what counts as red before the harm, and the lead.

A red on the day of the harm is not a warning; a child never red counts 0 days of lead (so the
median is not flattered by leaving the silent children out); amber on the day of the first
missed opportunity counts as in time.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from policy_reviews import Dates, aggregate, best_single  # noqa: E402
from review_corpus import MissedOpportunity, ReviewCase  # noqa: E402

HARM = date(2020, 6, 30)


def _case(first_missed: date | None = date(2020, 1, 31)) -> ReviewCase:
    missed = (MissedOpportunity(first_missed, "health", "bruise not referred"),) if first_missed else ()
    return ReviewCase("t", ROOT / "x.jsonl", {}, HARM, frozenset({("health", "H1")}), missed)


def test_red_on_the_day_of_harm_is_not_before_it() -> None:
    row = Dates(first_amber=HARM, first_red=HARM).row(_case())
    assert row["red_before_harm"] is False
    assert row["red_lead_days"] == 0


def test_lead_is_days_from_first_red_to_harm() -> None:
    row = Dates(first_amber=date(2020, 1, 1), first_red=date(2020, 3, 2)).row(_case())
    assert row["red_before_harm"] is True
    assert row["red_lead_days"] == 120
    assert row["amber_by_first_missed"] is True


def test_amber_on_the_missed_opportunity_counts_and_a_day_later_does_not() -> None:
    assert Dates(date(2020, 1, 31), None).row(_case())["amber_by_first_missed"] is True
    assert Dates(date(2020, 2, 1), None).row(_case())["amber_by_first_missed"] is False


def test_children_never_red_count_zero_in_the_median() -> None:
    rows = [
        {**Dates(None, None).row(_case()), "has_missed": True},
        {**Dates(None, None).row(_case()), "has_missed": True},
        {**Dates(date(2019, 1, 1), date(2019, 6, 30)).row(_case()), "has_missed": True},
    ]
    summary = aggregate(rows)
    assert summary["share_red_before_harm"] == round(1 / 3, 3)
    assert summary["median_red_lead_days"] == 0


def test_best_single_agency_is_none_when_no_agency_alone_rang() -> None:
    silent = {"health": Dates(None, None), "police": Dates(None, HARM)}
    assert best_single(_case(), silent)["agency"] is None
    ringing = {"health": Dates(date(2020, 2, 1), None), "police": Dates(None, date(2020, 5, 1))}
    assert best_single(_case(), ringing)["agency"] == "police"


def test_a_harm_known_only_to_the_month_counts_from_the_first_of_that_month() -> None:
    """The harm sits at the month's end in the corpus; an alert inside that month may have come after it."""
    case = ReviewCase(
        "t", ROOT / "x.jsonl", {}, HARM, frozenset({("health", "H1")}), (), harm_precision="month"
    )
    assert case.harm_from == date(2020, 6, 1)
    row = Dates(first_amber=date(2020, 5, 1), first_red=date(2020, 6, 10)).row(case)
    assert row["red_before_harm"] is False
    assert row["amber_lead_days"] == 31
    yearly = ReviewCase("t", ROOT / "x.jsonl", {}, HARM, frozenset(), (), harm_precision="year")
    assert yearly.harm_from == date(2020, 1, 1)
