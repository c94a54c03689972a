"""Working days in England and the day boundaries a review counts in.

The working-day rule lives in domain/working_days.py, which triage's clocks use too, so the
queue and the review never disagree about a deadline.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from alarmbell.domain.working_days import ENGLAND, add_working_days, is_working_day, working_days_between


def end_of_day(day: date) -> datetime:
    """The last moment of `day` in England, as UTC: "as of 30 June 2011" includes all of that day."""
    start_next = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ENGLAND)
    return start_next.astimezone(UTC) - timedelta(microseconds=1)


__all__ = ["add_working_days", "end_of_day", "is_working_day", "working_days_between"]
