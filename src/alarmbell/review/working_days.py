"""Working days in England and the day boundaries a review counts in.

The working-day rule (weekdays less England's bank holidays, from the `holidays` package) is
triage's: `alarmbell.triage.timescales` owns it and the review uses it, so the queue and the
review never disagree about a deadline. If triage is not installed, the same rule is computed
here from the same calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ENGLAND = ZoneInfo("Europe/London")

try:
    from alarmbell.triage.timescales import add_working_days, is_working_day, working_days_between
except ImportError:  # pragma: no cover - triage ships with alarmbell; kept for partial installs
    from functools import lru_cache

    import holidays

    @lru_cache(maxsize=256)
    def _bank_holidays(year: int) -> frozenset[date]:
        return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())

    def is_working_day(day: date) -> bool:
        return day.weekday() < 5 and day not in _bank_holidays(day.year)

    def add_working_days(start: date, days: int) -> date:
        current, left = start, days
        while left:
            current += timedelta(days=1)
            left -= is_working_day(current)
        return current

    def working_days_between(start: date, end: date) -> int:
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            count += is_working_day(current)
        return count


def end_of_day(day: date) -> datetime:
    """The last moment of `day` in England, as UTC: "as of 30 June 2011" includes all of that day."""
    start_next = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ENGLAND)
    return start_next.astimezone(UTC) - timedelta(microseconds=1)


__all__ = ["add_working_days", "end_of_day", "is_working_day", "working_days_between"]
