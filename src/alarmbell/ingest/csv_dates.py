"""Dates and date-times as agency systems export them into CSV, read into the exchange format's forms.

Accepted: ISO 8601 (`2023-10-19`, `2023-10-19T08:55`, `2023-10-19 08:55:00`, with or without
`Z` or an offset), UK day-first (`19/10/2023`, `19/10/2023 08:55`, `19/10/2023 08:55:30`) and
the legacy `dd-MMM-yy` of older case systems (`03-Feb-11`, also `03-Feb-2011` and `03 Feb 11`).

A time without an offset is wall-clock time in England: it is written back without an offset
(`2023-10-19T08:55:00`), which `parse_moment` reads as Europe/London, exactly as a FHIR
date-time without an offset is. A time with an offset keeps it. A date-only column given a
date-time takes the date as it was in England at that moment.

Two-digit years (only in `dd-MMM-yy`) pivot on next year: the year is the latest one ending in
those digits that is not after next year (in 2026: `27` is 2027, `28` is 1928). Next year is
the latest an event may be dated (domain/plausible.py), so no valid event date is pushed a
century back, and a date of birth is never put in the future.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Final

from alarmbell.domain.plausible import event_date_problem, event_range_text, latest_event_year
from alarmbell.domain.timeparse import local_moment, parse_moment
from alarmbell.ingest.base import FieldError

DATE_EXPECTED: Final[str] = "a date as YYYY-MM-DD, DD/MM/YYYY or DD-Mon-YY"
DATE_TIME_EXPECTED: Final[str] = (
    "a date as YYYY-MM-DD, DD/MM/YYYY or DD-Mon-YY, optionally with a time (HH:MM or HH:MM:SS)"
)
TIME_EXPECTED: Final[str] = "a time as HH:MM or HH:MM:SS (24-hour)"

_CLOCK = r"(\d{1,2}):(\d{2})(?::(\d{2}))?"
_UK = re.compile(rf"^(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})(?:[ T]{_CLOCK})?$")
_LEGACY = re.compile(rf"^(\d{{1,2}})[- ]([A-Za-z]{{3,9}})\.?[- ](\d{{2}}|\d{{4}})(?:[ T]{_CLOCK})?$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$")
_TIME = re.compile(rf"^{_CLOCK}$")
#: A time as staff write it: four digits (`2305`) or with a full stop (`19.30`, `9.30`).
_HHMM = re.compile(r"^(\d{2})(\d{2})$|^(\d{1,2})\.(\d{2})$")
#: A time on the 12-hour clock as staff write it: `9.30am`, `9:30 am`, `1.15pm`, `9am`, `12.40 p.m.`.
_TWELVE_HOUR = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))? ?([ap])\.? ?m\.?$", re.IGNORECASE)
MONTHS: Final[dict[str, int]] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def full_year(two_digits: int, today: date | None = None) -> int:
    """The latest year ending in these two digits that is not after next year."""
    latest = latest_event_year(today)
    return latest - (latest - two_digits) % 100


@lru_cache(maxsize=65536)
def read_moment(value: str, column: str) -> str:
    """A date (`YYYY-MM-DD`) or date-time (ISO 8601, naive meaning England) for the exchange format.

    Cached: an extract repeats the same dates thousands of times. Only accepted values are
    cached, and the plausible range only widens as time passes, so none goes stale.
    """
    text = value.strip()
    if _ISO_DAY.match(text):
        return _checked(_calendar(text, column, lambda: date.fromisoformat(text)), value, column)
    if _ISO_TIME.match(text):
        return _iso_time(text, value, column)
    parts = _day_first(text, value, column)
    day = _checked(parts[0], value, column)
    clock = parts[1]
    return day if clock is None else f"{day}T{clock}"


@lru_cache(maxsize=65536)
def read_date(value: str, column: str) -> str:
    """A date only; a date-time in a date column gives its date in England (exports add 00:00:00)."""
    moment = read_moment(value, column)
    if "T" not in moment:
        return moment
    if moment[-6] in "+-" or moment.endswith("Z"):
        return local_moment(parse_moment(moment)).date().isoformat()
    return moment[:10]


def read_time(value: str, column: str) -> str:
    """`HH:MM` or `HH:MM:SS` as `HH:MM:SS`."""
    match = _TIME.match(value.strip())
    clock = _clock(match.group(1), match.group(2), match.group(3)) if match else None
    if clock is None:
        raise FieldError(column, f"{value!r}", TIME_EXPECTED)
    return clock


def hhmm_time(value: str) -> str | None:
    """`2305` as `23:05`, `19.30` as `19:30`, `9.30pm` as `21:30`: police systems write a time as
    four digits, and staff as the clock is said in Britain, with a full stop, often on the
    12-hour clock. None for anything else, including times that are no time of day (`2405`,
    `0975`, `25.10`, `13.00pm`) and `12 am` (midnight to some, noon to others), which keep
    their error."""
    match = _HHMM.match(value.strip())
    if match is None:
        return _twelve_hour(value)
    hours, minutes = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    if _clock(hours, minutes, None) is None:
        return None
    return f"{int(hours):02d}:{minutes}"


def _twelve_hour(value: str) -> str | None:
    """`9.30am` as `09:30`, `1.15pm` as `13:15`, `12.40pm` as `12:40` (noon); None for `12am`,
    an hour of 0 or over 12, or anything that is not a 12-hour time."""
    match = _TWELVE_HOUR.match(value.strip())
    if match is None:
        return None
    hours, minutes, half = int(match.group(1)), match.group(2) or "00", match.group(3).lower()
    if not 1 <= hours <= 12 or int(minutes) > 59 or (hours == 12 and half == "a"):
        return None
    hours = hours % 12 + (12 if half == "p" else 0)
    return f"{hours:02d}:{minutes}"


def _iso_time(text: str, value: str, column: str) -> str:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        instant = parse_moment(moment.isoformat())
    except (ValueError, OverflowError):
        raise FieldError(column, f"{value!r} is not a real date and time", DATE_TIME_EXPECTED) from None
    _checked(moment.date(), value, column, instant)
    return moment.isoformat()


def _day_first(text: str, value: str, column: str) -> tuple[date, str | None]:
    uk, legacy = _UK.match(text), _LEGACY.match(text)
    if uk:
        day, month, year, clock = int(uk.group(1)), int(uk.group(2)), int(uk.group(3)), uk.groups()[3:]
    elif legacy and legacy.group(2).lower() in MONTHS:
        digits = legacy.group(3)
        year = int(digits) if len(digits) == 4 else full_year(int(digits))
        day, month, clock = int(legacy.group(1)), MONTHS[legacy.group(2).lower()], legacy.groups()[3:]
    else:
        raise FieldError(column, f"{value!r}", DATE_TIME_EXPECTED)
    found = _calendar(text, column, lambda: date(year, month, day))
    if clock[0] is None:
        return found, None
    time_text = _clock(*clock)
    if time_text is None:
        raise FieldError(column, f"{value!r} has no such time of day", DATE_TIME_EXPECTED)
    return found, time_text


def _clock(hours: str | None, minutes: str | None, seconds: str | None) -> str | None:
    h, m, s = int(hours or 0), int(minutes or 0), int(seconds or 0)
    if h > 23 or m > 59 or s > 59:
        return None
    return f"{h:02d}:{m:02d}:{s:02d}"


def _calendar(text: str, column: str, make: Callable[[], date]) -> date:
    try:
        return make()
    except ValueError:
        raise FieldError(column, f"{text!r} is not a real calendar date", DATE_EXPECTED) from None


def _checked(day: date, value: str, column: str, instant: datetime | None = None) -> str:
    """The date as ISO text, if it lies within the plausible years (domain/plausible.py)."""
    problem = event_date_problem(instant or datetime(day.year, day.month, day.day, tzinfo=UTC))
    if problem is not None:
        raise FieldError(column, f"{value!r} is {problem}", event_range_text())
    return day.isoformat()


def written_day_first(value: str) -> bool:
    """Whether `value` is written day first (`03/04/2025`, `03-Apr-25`), as read_moment reads it:
    the exchange format reads such dates with this module too (day_first_dates.py)."""
    text = value.strip()
    legacy = _LEGACY.match(text)
    return bool(_UK.match(text) or (legacy and legacy.group(2).lower() in MONTHS))
