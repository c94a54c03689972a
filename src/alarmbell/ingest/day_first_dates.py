"""Dates written the English way (`03/04/2025`, 3 April 2025) in the exchange format.

The format asks for ISO dates, but senders export from systems and spreadsheets that write
dates day first, as the CSV exports do. Such a date is read by the CSV reader's own parser
(csv_dates.py), so the two read a date the same way and an impossible one (`31/02/2025`) keeps
its precise error. The record stores the ISO date, so sending the line again changes nothing,
and the sender is told what was read: a date written month first would be read wrongly, and
the warning shows it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from alarmbell.ingest.base import Warning_
from alarmbell.ingest.csv_dates import read_date, read_moment, written_day_first


def read_day_first(
    obj: dict[str, Any], name: str, *, line_no: int, warnings: list[Warning_], date_only: bool = False
) -> None:
    """Rewrite obj[name] in place to its ISO form, with a warning, when it is written day first;
    anything else is left as written, for the caller's check to judge."""
    written = obj.get(name)
    if type(written) is not str or not written_day_first(written):
        return
    read = read_date(written, name) if date_only else read_moment(written, name)
    obj[name] = read
    warnings.append(Warning_(line_no, name, f"read {written!r} day first, as {_in_words(read)} ({read})"))


def _in_words(iso: str) -> str:
    """`2025-04-03T14:30:00` as `3 April 2025 at 14:30`: the day and month the sender can check."""
    day = date.fromisoformat(iso[:10])
    words = f"{day.day} {day:%B %Y}"
    return f"{words} at {iso[11:16]}" if "T" in iso else words
