"""Words and dates as pages show them; the words themselves live in domain.wording (one module)."""

from __future__ import annotations

import re
from datetime import date, datetime

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
    "event_anchor",
    "iso_date",
    "kind_label",
    "level_label",
    "long_date",
    "relation_label",
    "short_date",
    "whole_years",
]

LEVEL_RANK: dict[str, int] = {"red": 2, "amber": 1, "green": 0}


def iso_date(moment: date | datetime) -> str:
    return f"{moment:%Y-%m-%d}"


def event_anchor(agency: str, source_id: str) -> str:
    """A fragment id for an event row, safe in HTML ids and URLs."""
    return "event-" + re.sub(r"[^A-Za-z0-9_-]", "-", f"{agency}-{source_id}")


def whole_years(born: date, at: date) -> int:
    years = at.year - born.year
    return years - 1 if (at.month, at.day) < (born.month, born.day) else years
