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
