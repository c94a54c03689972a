"""Words and dates as pages show them: agency names, relations, levels, GOV.UK-style dates."""

from __future__ import annotations

import re
from datetime import date, datetime

from alarmbell.domain.vocabulary import AGENCY_LABELS, humanise_kind

RELATION_LABELS: dict[str, str] = {
    "mother": "mother",
    "father": "father",
    "step_parent": "step-parent",
    "mother_partner": "mother's partner",
    "father_partner": "father's partner",
    "carer": "carer",
    "sibling": "sibling",
    "grandparent": "grandparent",
    "household_member": "household member",
    "other": "other relation",
}

LEVEL_RANK: dict[str, int] = {"red": 2, "amber": 1, "green": 0}


def agency_label(agency: str) -> str:
    return AGENCY_LABELS.get(agency, agency.replace("_", " ").capitalize())


def relation_label(kind: str) -> str:
    """`mother_partner` -> "mother's partner"; `child_of_mother` (the inverse) -> "child"."""
    if kind.startswith("child_of_"):
        return "child"
    return RELATION_LABELS.get(kind, kind.replace("_", " "))


def kind_label(kind: str) -> str:
    """`gp_consultation` -> "GP consultation": the vocabulary's wording, with initialisms kept."""
    words = humanise_kind(kind).split(" ")
    return " ".join(_INITIALISMS.get(word.lower(), word) for word in words)


_INITIALISMS = {"gp": "GP", "ed": "ED", "cp": "CP", "dash": "DASH", "a&e": "A&E"}


def level_label(level: str) -> str:
    return level.capitalize()


def short_date(moment: date | datetime) -> str:
    """`9 Apr 2007`: compact, for tables and the timeline."""
    return f"{moment.day} {moment:%b %Y}"


def long_date(moment: date | datetime) -> str:
    """`9 April 2007`: the GOV.UK style for running text and summaries."""
    return f"{moment.day} {moment:%B %Y}"


def iso_date(moment: date | datetime) -> str:
    return f"{moment:%Y-%m-%d}"


def event_anchor(agency: str, source_id: str) -> str:
    """A fragment id for an event row, safe in HTML ids and URLs."""
    return "event-" + re.sub(r"[^A-Za-z0-9_-]", "-", f"{agency}-{source_id}")


def whole_years(born: date, at: date) -> int:
    years = at.year - born.year
    return years - 1 if (at.month, at.day) < (born.month, born.day) else years
