"""Statutory timers (review.timescales) in working days, bank holidays included."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alarmbell.review.timescales import timers
from alarmbell.review.working_days import add_working_days, end_of_day, working_days_between

from .conftest import entry

UNTIL = datetime(2026, 1, 1, tzinfo=UTC)


def test_easter_and_the_royal_wedding_are_not_working_days_in_2011() -> None:
    # Thursday 21 April 2011; Good Friday, Easter Monday, Friday 29 April (the royal wedding).
    assert add_working_days(date(2011, 4, 21), 1) == date(2011, 4, 26)
    assert working_days_between(date(2011, 4, 21), date(2011, 5, 3)) == 4  # 2 May: May Day


def test_as_of_ends_at_midnight_in_england() -> None:
    assert end_of_day(date(2011, 6, 30)).isoformat() == "2011-06-30T22:59:59.999999+00:00"
    assert end_of_day(date(2011, 12, 30)).isoformat() == "2011-12-30T23:59:59.999999+00:00"


def test_a_referral_decided_by_its_own_outcome_meets_the_one_day_timescale() -> None:
    referral = entry("children_social_care", "C1", "referral", "2011-04-21", attrs={"outcome": "assessment"})
    (timer,) = [t for t in timers([referral], until=UNTIL) if t.step == "Decision on a referral"]
    assert (timer.status, timer.working_days) == ("met", 0)


def test_a_decision_after_the_easter_weekend_is_late() -> None:
    referral = entry("children_social_care", "C1", "referral", "2011-04-21")
    visit = entry("children_social_care", "C2", "home_visit", "2011-04-27")
    (timer,) = timers([referral, visit], until=UNTIL)
    assert (timer.status, timer.working_days, timer.due) == ("late", 2, date(2011, 4, 26))
    assert "1 working day late" in timer.sentence


def test_an_assessment_is_timed_from_its_referral_and_a_missing_conference_is_reported() -> None:
    referral = entry("children_social_care", "C1", "referral", "2011-01-04", attrs={"outcome": "s47"})
    strategy = entry("children_social_care", "C2", "strategy_discussion", "2011-01-05")
    assessment = entry("children_social_care", "C3", "assessment", "2011-03-31")
    found = {t.step: t for t in timers([referral, strategy, assessment], until=UNTIL)}
    assert found["Assessment"].status == "late" and found["Assessment"].working_days == 62
    conference = found["Initial child protection conference"]
    assert conference.status == "not recorded" and conference.due == date(2011, 1, 26)


def test_a_timer_still_running_at_the_report_date_is_open() -> None:
    strategy = entry("children_social_care", "C2", "strategy_discussion", "2011-01-05")
    (timer,) = timers([strategy], until=datetime(2011, 1, 10, tzinfo=UTC))
    assert timer.status == "open"
