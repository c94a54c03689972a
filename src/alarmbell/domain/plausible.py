"""What counts as a plausible date in a safeguarding record, in one place.

A date outside these bounds is a typing or export error, never a fact about a child: no record
alarmbell holds predates 1900, and nothing is recorded as happening more than a year ahead
(appointments booked for next year are the latest real dates). The bounds also keep every
accepted date inside what both stores round-trip (four-digit years, no overflow when a time
zone is applied).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Final

EARLIEST_YEAR: Final[int] = 1900

#: Event kinds that may rightly be dated before the subject was born: pregnancy care, the
#: pre-birth referral, assessment and child protection work for an unborn baby, and police
#: concerns and domestic abuse reported during the pregnancy, which police and MASH record
#: against the unborn child (abuse often starts or escalates in pregnancy).
PRE_BIRTH_KINDS: Final[frozenset[str]] = frozenset(
    {
        "maternity",
        "domestic_incident",
        "child_welfare_concern",
        "health_visitor_contact",
        "missed_appointment",
        "referral",
        "assessment",
        "strategy_discussion",
        "section_47",
        "cp_conference",
        "cp_plan_start",
        "cp_plan_end",
        "home_visit",
        "family_support",
        "case_closed",
    }
)


def latest_event_year(today: date | None = None) -> int:
    return (today or datetime.now(UTC).date()).year + 1


def event_range_text(today: date | None = None) -> str:
    return f"a date from {EARLIEST_YEAR}-01-01 to {latest_event_year(today)}-12-31"


def event_date_problem(moment: datetime, today: date | None = None) -> str | None:
    """Why a (UTC) event moment is implausible, or None when it is fine."""
    if moment.year < EARLIEST_YEAR:
        return f"before {EARLIEST_YEAR}"
    if moment.year > latest_event_year(today):
        return f"after the end of {latest_event_year(today)}"
    return None


DOB_EXPECTED: Final[str] = f"a date of birth from {EARLIEST_YEAR} to today"


def dob_problem(earliest: date, today: date | None = None) -> str | None:
    """Why a (possibly partial) date of birth is implausible; `earliest` is the first day it allows."""
    today = today or datetime.now(UTC).date()
    if earliest.year < EARLIEST_YEAR:
        return f"before {EARLIEST_YEAR}"
    if earliest > today:
        return "in the future"
    return None
