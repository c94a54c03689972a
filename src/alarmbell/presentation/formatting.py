"""Words and dates as pages show them; the words themselves live in domain.wording (one module)."""

from __future__ import annotations

import re
from datetime import date, datetime

from alarmbell.domain.timeparse import local_moment
from alarmbell.domain.wording import (
    agency_label,
    kind_label,
    level_label,
    long_date,
    relation_label,
    short_date,
)

__all__ = [
    "LEVEL_RANK",
    "agency_label",
    "clock_label",
    "event_anchor",
    "iso_date",
    "kind_label",
    "level_label",
    "local_day",
    "long_date",
    "relation_label",
    "short_date",
    "whole_years",
]

LEVEL_RANK: dict[str, int] = {"red": 2, "amber": 1, "green": 0}


def iso_date(moment: date | datetime) -> str:
    return f"{moment:%Y-%m-%d}"


def clock_label(moment: datetime) -> str:
    """`4 Dec 2026, 20:27` on England's clock (GMT or BST; naive means UTC): when someone did
    something, as the people who did it read their own clocks, the day without a leading zero."""
    local = local_moment(moment)
    return f"{short_date(local)}, {local:%H:%M}"


def local_day(moment: datetime) -> str:
    """`4 Dec 2026`, the day in England of a stored instant (an alert raised at 23:30 UTC in
    summer was raised the next day)."""
    return short_date(local_moment(moment))


def event_anchor(agency: str, source_id: str) -> str:
    """A fragment id for an event row, safe in HTML ids and URLs."""
    return "event-" + re.sub(r"[^A-Za-z0-9_-]", "-", f"{agency}-{source_id}")


def whole_years(born: date, at: date) -> int:
    years = at.year - born.year
    return years - 1 if (at.month, at.day) < (born.month, born.day) else years


SEX_LABELS: dict[str, str] = {"M": "Male", "F": "Female", "X": "Other", "U": "Not known"}


def sex_label(code: str) -> str:
    """`M` -> "Male": the exchange format's codes (M, F, X, U) as a person would say them."""
    return SEX_LABELS.get(code.upper(), code)


def role_label(role: str) -> str:
    """`child` -> "Child", `adult` -> "Adult"."""
    return role.replace("_", " ").capitalize()


def nhs_number_label(number: str) -> str:
    """`4857773457` -> "485 777 3457": NHS numbers are read and written 3-3-4."""
    digits = number.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return number
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def postcode_label(postcode: str) -> str:
    """`cv63ht` -> "CV6 3HT": upper case, the inward code (last three characters) set apart."""
    compact = postcode.upper().replace(" ", "")
    if 5 <= len(compact) <= 7:
        return f"{compact[:-3]} {compact[-3:]}"
    return postcode.strip().upper()


def date_text_label(text: str) -> str:
    """A stored `YYYY-MM-DD` as "15 July 2007"; `YYYY-MM` as "July 2007"; anything else as given."""
    try:
        if len(text) == 10:
            return long_date(date.fromisoformat(text))
        if len(text) == 7:
            return f"{date.fromisoformat(text + '-01'):%B %Y}"
    except ValueError:
        pass
    return text
