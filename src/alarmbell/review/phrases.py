"""Plain-English pieces of the report: agency names, dates and counted nouns.

Kept apart from the web's formatting helpers so the pure report builder imports nothing of web.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from alarmbell.domain.wording import agency_in_sentence, agency_label, long_date, month_year, short_date

_NOUNS: Final[dict[str, tuple[str, str]]] = {
    "injury": ("injury to {child}", "injuries to {child}"),
    "domestic abuse": (
        "domestic abuse incident in the household",
        "domestic abuse incidents in the household",
    ),
    "hunger or weight loss": ("record of hunger or weight loss", "records of hunger or weight loss"),
    "health assessment": ("health assessment", "health assessments"),
    "school or nursery concern": ("school or nursery concern", "school or nursery concerns"),
    "attendance": ("attendance concern", "attendance concerns"),
    "missed health appointment": ("missed health appointment", "missed health appointments"),
    "disclosure or report": ("disclosure or report about {child}", "disclosures or reports about {child}"),
    "police welfare concern": ("police welfare concern", "police welfare concerns"),
    "safeguarding process": (
        "record of a safeguarding step (referral, strategy discussion, enquiry or assessment)",
        "records of safeguarding steps (referrals, strategy discussions, enquiries or assessments)",
    ),
    "case closure": ("case closure", "case closures"),
    "visit": ("visit", "visits"),
    "adult's offending or history": (
        "record of an adult's offending or history",
        "records of adults' offending or history",
    ),
}


def agency_name(agency: str) -> str:
    """`children_social_care` -> "Children's social care" (for the start of a sentence)."""
    return agency_label(agency)


def agency_lower(agency: str) -> str:
    """Agency name inside a sentence: "police", "children's social care"."""
    return agency_in_sentence(agency)


def day(moment: date | datetime) -> str:
    """`31 January 2011`: the GOV.UK date style."""
    return long_date(moment)


def short_day(moment: date | datetime) -> str:
    return short_date(moment)


def month(moment: date | datetime) -> str:
    return month_year(moment)


def period(start: datetime, end: datetime) -> str:
    """`January 2011`, or `October 2011 to January 2012`."""
    if (start.year, start.month) == (end.year, end.month):
        return month(start)
    return f"{month(start)} to {month(end)}"


def category_phrase(category: str, count: int, child: str) -> str:
    """`3 injuries to Leo`, `1 case closure`: a counted noun for a matrix category."""
    one, many = _NOUNS.get(category, (f"{category} record", f"{category} records"))
    noun = (one if count == 1 else many).format(child=child)
    return f"{count} {noun}"


def working_days_phrase(days: int) -> str:
    return "1 working day" if days == 1 else f"{days} working days"


def with_article(noun: str) -> str:
    """`assessment` -> `an assessment`; `strategy discussion` -> `a strategy discussion`."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun
