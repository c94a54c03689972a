"""Every statutory and MASH timescale against England and Wales working days and bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from alarmbell.triage.timescales import (
    add_months,
    add_working_days,
    assessment_due,
    bank_holiday_name,
    escalation_times,
    initial_conference_due,
    is_working_day,
    mash_due,
    previous_working_day,
    referral_decision_due,
    review_conference_due,
    working_days_between,
)

LONDON = ZoneInfo("Europe/London")
#: England and Wales bank holidays, typed in from the published list, so the tests do not trust
#: the `holidays` package to check itself.
BANK_HOLIDAYS = {
    date(2025, 12, 25),
    date(2025, 12, 26),
    date(2026, 1, 1),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 4),
    date(2026, 5, 25),
    date(2026, 8, 31),
    date(2026, 12, 25),
    date(2026, 12, 28),
    date(2027, 1, 1),
}


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def five_pm(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 17, tzinfo=LONDON).astimezone(UTC)


def count_by_hand(start: date, days: int) -> date:
    """An independent working-day counter over the typed-in list."""
    current = start
    while days:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in BANK_HOLIDAYS:
            days -= 1
    return current


def test_the_calendar_knows_the_bank_holidays() -> None:
    for day in BANK_HOLIDAYS:
        assert not is_working_day(day), day
    assert bank_holiday_name(date(2026, 4, 3)) == "Good Friday"
    assert bank_holiday_name(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert is_working_day(date(2026, 4, 7)) and not is_working_day(date(2026, 4, 4))


def test_referral_on_the_thursday_before_easter_is_decided_by_tuesday() -> None:
    # Maundy Thursday 2 April 2026: Good Friday, the weekend and Easter Monday do not count.
    due = referral_decision_due(local(2026, 4, 2, 15, 0))
    assert due == five_pm(date(2026, 4, 7))
    assert due == datetime(2026, 4, 7, 16, 0, tzinfo=UTC)  # British Summer Time


@pytest.mark.parametrize(
    ("received", "decided_by"),
    [
        (local(2025, 12, 24, 11, 0), date(2025, 12, 29)),  # Christmas Eve: Christmas, Boxing Day, weekend
        (local(2026, 12, 24, 11, 0), date(2026, 12, 29)),  # Christmas Day Friday; Boxing Day observed Monday
        (local(2026, 5, 1, 9, 0), date(2026, 5, 5)),  # Friday before the early May bank holiday
        (local(2026, 5, 22, 16, 59), date(2026, 5, 26)),  # Friday before the spring bank holiday
        (local(2026, 8, 28, 10, 0), date(2026, 9, 1)),  # Friday before the summer bank holiday
        (local(2026, 6, 13, 10, 0), date(2026, 6, 15)),  # Saturday: the next working day
        (local(2026, 6, 10, 23, 30), date(2026, 6, 11)),  # late evening still counts as that day
    ],
)
def test_referral_decision_within_one_working_day(received: datetime, decided_by: date) -> None:
    assert referral_decision_due(received) == five_pm(decided_by)
    assert decided_by == count_by_hand(received.date(), 1)


def test_assessment_within_45_working_days_of_the_referral_across_easter_and_may() -> None:
    due = assessment_due(local(2026, 4, 2, 15, 0))
    assert due == five_pm(date(2026, 6, 10))
    assert date(2026, 6, 10) == count_by_hand(date(2026, 4, 2), 45)
    assert working_days_between(date(2026, 4, 2), date(2026, 6, 10)) == 45


def test_assessment_across_christmas() -> None:
    referral = local(2026, 12, 1, 10, 0)
    assert assessment_due(referral) == five_pm(count_by_hand(date(2026, 12, 1), 45))
    assert assessment_due(referral) == five_pm(date(2027, 2, 5))


def test_initial_conference_within_15_working_days_of_the_strategy_discussion() -> None:
    # Over Christmas 2026: the 25th, the 28th (Boxing Day observed) and New Year's Day are off.
    due = initial_conference_due(local(2026, 12, 14, 14, 0))
    assert due == five_pm(date(2027, 1, 7))
    assert date(2027, 1, 7) == count_by_hand(date(2026, 12, 14), 15)
    # Over the May bank holidays.
    assert initial_conference_due(local(2026, 4, 30, 9, 0)) == five_pm(count_by_hand(date(2026, 4, 30), 15))
    assert count_by_hand(date(2026, 4, 30), 15) == date(2026, 5, 22)


def test_first_review_at_three_months_moves_back_off_a_bank_holiday() -> None:
    # 25 Feb + 3 months = Monday 25 May 2026, the spring bank holiday: held by Friday 22 May.
    assert review_conference_due(local(2026, 2, 25, 10, 0), first=True) == five_pm(date(2026, 5, 22))
    assert review_conference_due(local(2026, 3, 10, 10, 0), first=True) == five_pm(date(2026, 6, 10))


def test_later_reviews_at_six_months() -> None:
    assert review_conference_due(local(2026, 5, 20, 10, 0), first=False) == five_pm(date(2026, 11, 20))
    # 26 Dec 2026 is a Saturday and Boxing Day; the 25th is Christmas: held by Thursday 24th.
    assert review_conference_due(local(2026, 6, 26, 10, 0), first=False) == five_pm(date(2026, 12, 24))


def test_months_clip_to_the_end_of_the_month() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert previous_working_day(date(2027, 2, 28)) == date(2027, 2, 26)


def test_mash_clocks_run_through_bank_holidays() -> None:
    hours = {"red": 4.0, "amber": 24.0, "green": 72.0}
    christmas_night = datetime(2026, 12, 25, 23, 0, tzinfo=UTC)
    assert mash_due("red", christmas_night, hours) == datetime(2026, 12, 26, 3, 0, tzinfo=UTC)
    assert mash_due("amber", christmas_night, hours) == datetime(2026, 12, 26, 23, 0, tzinfo=UTC)
    assert mash_due("green", christmas_night, hours) == datetime(2026, 12, 28, 23, 0, tzinfo=UTC)
    assert mash_due("red", christmas_night, {**hours, "red": 2.0}) == datetime(2026, 12, 26, 1, 0, tzinfo=UTC)


def test_working_days_need_a_count() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), 0)


def test_escalation_is_a_fraction_of_the_timescale_with_a_cap() -> None:
    fraction = {"team_manager": 0.5, "head_of_service": 1.0}
    cap = {"team_manager": 24.0, "head_of_service": 72.0}
    opened = datetime(2026, 4, 2, 10, 0, tzinfo=UTC)
    red = escalation_times(opened, opened + timedelta(hours=4), fraction, cap)
    assert red == {
        "team_manager": opened + timedelta(hours=2),
        "head_of_service": opened + timedelta(hours=4),
    }
    long = escalation_times(opened, assessment_due(opened), fraction, cap)
    assert long == {
        "team_manager": opened + timedelta(hours=24),
        "head_of_service": opened + timedelta(hours=72),
    }
