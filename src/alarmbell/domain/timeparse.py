"""Parsing the exchange format's dates: ISO dates and date-times, always timezone-aware UTC.

Instants are stored in UTC; what a practitioner calls "the day" is the Europe/London date, so
anything shown or counted by the day goes through `local_moment` (an attendance at 00:30 British
Summer Time on the 18th is on the 18th, not the 17th).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo

from alarmbell.domain.errors import ServiceError

LONDON: Final[ZoneInfo] = ZoneInfo("Europe/London")
_PARTIAL_DOB = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class BeyondCalendar(ServiceError):
    """A date-time that leaves the years 1 to 9999 once its time zone is applied."""


def parse_moment(text: str) -> datetime:
    """Parse `YYYY-MM-DD` or an ISO 8601 date-time into a UTC instant.

    A date-time without an offset is wall-clock time in England (Europe/London), as agency
    systems record it; a bare date is midnight UTC, which is the same date in London.

    Raises ValueError with a message fit for an ingest error.
    """
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]), tzinfo=UTC)
        if len(text) < 10:
            raise ValueError(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a valid ISO date (expected YYYY-MM-DD or an ISO 8601 date-time)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise BeyondCalendar(f"{text!r} is beyond the calendar once its time zone is applied") from None


def local_moment(moment: datetime) -> datetime:
    """The same instant in Europe/London time, so `.date()` is the local date; naive means UTC.

    The zone is fixed to the offset of that instant (GMT or BST): a `ZoneInfo` time in the hour
    the clocks go back carries fold=1, and such times never compare equal to UTC ones (PEP 495).
    Every chronology entry passes through here, so the offset is looked up per hour (the clocks
    change on the hour in UTC) and cached.
    """
    if moment.tzinfo is not UTC:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.astimezone(_london_zone(moment.year, moment.month, moment.day, moment.hour))


@lru_cache(maxsize=8192)
def _london_zone(year: int, month: int, day: int, hour: int) -> timezone:
    """GMT or BST for that UTC hour, as a fixed-offset zone."""
    offset = datetime(year, month, day, hour, tzinfo=UTC).astimezone(LONDON).utcoffset()
    return _ZONES.setdefault(offset or timedelta(0), timezone(offset or timedelta(0)))


_ZONES: dict[timedelta, timezone] = {}


def is_partial_dob(text: str) -> bool:
    """`YYYY-MM-DD`, `YYYY-MM` or `YYYY`, with a real calendar date where the day is given."""
    if not _PARTIAL_DOB.match(text):
        return False
    parts = [int(p) for p in text.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def dob_to_date(text: str | None) -> date | None:
    """The earliest date a partial date of birth allows, or None."""
    if not text or not is_partial_dob(text):
        return None
    parts = [int(p) for p in text.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def age_in_years(dob: date, at: datetime) -> float:
    return (at.date() - dob).days / 365.25
