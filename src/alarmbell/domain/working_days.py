"""Working days in England: weekdays less England's bank holidays. The one home of the rule.

Triage's statutory clocks and the review's response times both count in these days, so the
queue and the review never disagree about a deadline. The calendar is the `holidays` package's
GB/ENG one (Wales shares it). For the years it covers, its dates are read from a table stored
beside this module (data/england-bank-holidays.json), because importing the package loads
every country's calendar (0.1-0.25 s of each `alarmbell review` process); years
outside the table are asked of the package. tests/domain checks that the table still says what
the installed package says; `python -m alarmbell.domain.working_days` rewrites it.
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

#: England's wall-clock time (GMT or BST), in which working days and deadlines are counted.
ENGLAND: Final[ZoneInfo] = ZoneInfo("Europe/London")
#: England's bank holidays from the `holidays` package, by date, for a range of years.
TABLE: Final = Path(__file__).parent / "data" / "england-bank-holidays.json"
#: The years the stored table covers when it is rewritten.
TABLE_YEARS: Final = (1990, 2040)


@lru_cache(maxsize=1)
def _table() -> dict[int, dict[date, str]]:
    """Each year the stored table covers, with its bank holidays and their names."""
    stored = json.loads(TABLE.read_text(encoding="utf-8"))
    years: dict[int, dict[date, str]] = {y: {} for y in range(stored["first_year"], stored["last_year"] + 1)}
    for text, name in stored["days"].items():
        day = date.fromisoformat(text)
        years[day.year][day] = name
    return years


@lru_cache(maxsize=64)
def _calendar(year: int) -> dict[date, str]:
    """The year's bank holidays and their names: from the table, else from the package."""
    stored = _table().get(year)
    if stored is not None:
        return stored
    import holidays

    return {day: str(name) for day, name in holidays.country_holidays("GB", subdiv="ENG", years=year).items()}


def bank_holiday_name(day: date) -> str | None:
    return _calendar(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _calendar(day.year)


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


def package_table(first_year: int, last_year: int) -> dict[str, Any]:
    """The stored table's content, as the installed `holidays` package gives it."""
    import holidays

    calendar = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return {
        "source": "the holidays package's calendar for GB, subdivision ENG (England and Wales)",
        "first_year": first_year,
        "last_year": last_year,
        "days": {day.isoformat(): str(name) for day, name in sorted(calendar.items())},
    }


def main(argv: list[str]) -> None:
    """Rewrite the stored table from the installed `holidays` package (`python -m` this module)."""
    path = Path(argv[0]) if argv else TABLE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(package_table(*TABLE_YEARS), indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
