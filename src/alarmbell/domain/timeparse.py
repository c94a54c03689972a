"""Parsing the exchange format's dates: ISO dates and date-times, always timezone-aware UTC."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_PARTIAL_DOB = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class BeyondCalendar(ValueError):
    """A date-time that leaves the years 1 to 9999 once its time zone is applied."""


def parse_moment(text: str) -> datetime:
    """Parse `YYYY-MM-DD` or an ISO 8601 date-time; naive times are taken as UTC.

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
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise BeyondCalendar(f"{text!r} is beyond the calendar once its time zone is applied") from None


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
