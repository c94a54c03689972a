"""Working days in England: weekdays less England's bank holidays. The one home of the rule.

Triage's statutory clocks and the review's response times both count in these days, so the
queue and the review never disagree about a deadline. The calendar is the `holidays` package's
GB/ENG one (Wales shares it).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo

import holidays

#: England's wall-clock time (GMT or BST), in which working days and deadlines are counted.
ENGLAND: Final[ZoneInfo] = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(calendar.keys())


def bank_holiday_name(day: date) -> str | None:
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=day.year)
    name = calendar.get(day)
    return str(name) if name else None


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (`start` itself never counts, whatever it is)."""
    if days < 1:
        raise ValueError("count at least one working day")
    current, left = start, days
    while left:
        current += timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if end is not after start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += is_working_day(current)
    return count


def previous_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
