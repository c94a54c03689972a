"""Words for codes: the one place a stored code becomes what a practitioner reads. Pure.

Web pages, alert explanations, the review report, the CLI and the PDF all take their agency
names, event kinds, relations, roles, teams and dates from here, so "GP consultation" reads the
same everywhere and no snake_case code reaches a screen. Every value of the vocabulary passes
through these functions in tests/domain/test_wording.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Final

from alarmbell.domain.vocabulary import AGENCY_LABELS

#: Words kept in capitals wherever they appear in a humanised code.
INITIALISMS: Final[dict[str, str]] = {
    "gp": "GP",
    "ed": "ED",
    "cp": "CP",
    "dash": "DASH",
    "a&e": "A&E",
    "mash": "MASH",
    "nhs": "NHS",
    "upn": "UPN",
    "cin": "CIN",
    "s47": "s47",
    "nfa": "NFA",
    "cse": "CSE",
    "fgm": "FGM",
}

RELATION_LABELS: Final[dict[str, str]] = {
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

ROLE_LABELS: Final[dict[str, str]] = {
    "practitioner": "Agency practitioner",
    "mash_analyst": "MASH analyst",
    "team_manager": "Team manager",
    "reviewer": "Reviewer",
    "admin": "Administrator",
}

#: Teams alerts and work are routed to, by their configuration code.
TEAM_LABELS: Final[dict[str, str]] = {
    "mash": "MASH",
    "police-cpu": "Police child protection unit",
    "health-visiting": "Health visiting",
    "csc-assessment": "Children's social care assessment",
}

SEX_LABELS: Final[dict[str, str]] = {"M": "Male", "F": "Female", "X": "Indeterminate", "U": "Not known"}

#: A code: lower-case words joined by underscores (what must never reach a screen; hyphenated
#: English such as "step-parent" is words).
CODE: Final = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


def humanise(code: str) -> str:
    """Any code as words: `children_social_care` -> "Children social care", initialisms kept."""
    words = [w for w in re.split(r"[_\-\s]+", code.strip()) if w]
    if not words:
        return ""
    text = " ".join(INITIALISMS.get(word.lower(), word.lower()) for word in words)
    return text[0].upper() + text[1:]


def agency_label(agency: str) -> str:
    """`children_social_care` -> "Children's social care" (for a heading or the start of a sentence)."""
    return AGENCY_LABELS.get(agency, humanise(agency))


def referrer_label(referrer: str) -> str:
    """A work item's referrer as recorded: an agency's code (a concern's or a referral's own
    agency) as the agency's name, anything else (a person, "alarmbell early warning") as it is."""
    return AGENCY_LABELS[referrer] if referrer in AGENCY_LABELS else referrer


def agency_in_sentence(agency: str) -> str:
    """`police` -> "police", `children_social_care` -> "children's social care" (mid-sentence)."""
    label = agency_label(agency)
    first = label.split(" ")[0]
    return label if first.isupper() else label[0].lower() + label[1:]


def kind_label(kind: str) -> str:
    """`gp_consultation` -> "GP consultation"; `ed_attendance` -> "ED attendance"."""
    return humanise(kind)


def kind_in_sentence(kind: str) -> str:
    """`gp_consultation` -> "GP consultation", `school_concern` -> "school concern" (mid-sentence)."""
    label = kind_label(kind)
    first = label.split(" ")[0]
    return label if first in INITIALISMS.values() else label[0].lower() + label[1:]


def counted_kind(kind: str, count: int) -> str:
    """`2 GP consultations`, `1 hunger observed`, `3 injury observed records`."""
    return f"{count} {plural(kind_in_sentence(kind), count)}"


def events_from(count: int, agencies: Sequence[str]) -> str:
    """`3 events from Health, Police`, `1 event from Police`, or `no events recorded`."""
    if count == 0:
        return "no events recorded"
    return f"{count} {plural('event', count)} from {', '.join(agencies)}"


def plural(label: str, count: int) -> str:
    """English plural of a noun phrase's last word; a participle gets "records" instead."""
    if count == 1:
        return label
    words = label.split()
    last = words[-1]
    if last.endswith("y") and not last.endswith(("ay", "ey", "oy")):
        words[-1] = last[:-1] + "ies"
    elif last.endswith(("s", "sh", "ch", "x")):
        words[-1] = last + "es"
    elif last.endswith(("ed", "ing")):
        words.append("records")
    else:
        words[-1] = last + "s"
    return " ".join(words)


def relation_label(kind: str) -> str:
    """`mother_partner` -> "mother's partner"; `child_of_mother` (the inverse) -> "child"."""
    if kind.startswith("child_of_"):
        return "child"
    return RELATION_LABELS.get(kind, humanise(kind).lower())


def level_label(level: str) -> str:
    return level.capitalize()


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, humanise(role))


def team_label(team: str) -> str:
    """A routing or triage team code as its name; a name already in words is kept."""
    if team in TEAM_LABELS:
        return TEAM_LABELS[team]
    return humanise(team) if team.islower() else team


def teams_sentence(teams: Sequence[str]) -> str:
    """`["mash"]` -> "the MASH"; several -> "the MASH and Police child protection unit"."""
    names = [team_label(t) for t in teams]
    return join_words([f"the {n}" if n == "MASH" else n for n in names])


def sex_label(sex: str | None) -> str:
    return SEX_LABELS.get((sex or "U").upper(), "Not known")


def join_words(words: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def short_date(moment: date | datetime) -> str:
    """`9 Apr 2007`: compact, for tables, chronologies and the timeline."""
    return f"{moment.day} {moment:%b %Y}"


def long_date(moment: date | datetime) -> str:
    """`9 April 2007`: the GOV.UK style for running text and summaries."""
    return f"{moment.day} {moment:%B %Y}"


def month_year(moment: date | datetime) -> str:
    """`January 2011`: a date known only to the month."""
    return f"{moment:%B %Y}"


#: How precisely an event's date is known (exchange format `date_precision`). Senders place a
#: date known to the month or year at the end of that period; `period` is a date known only to
#: lie between two dated events (placed at the end of that interval); `illustrative` is a date
#: the sender made up to spread a counted series over its period (a review says "27 incidents").
DATE_PRECISIONS: Final[tuple[str, ...]] = ("day", "month", "year", "period", "illustrative")


def event_date(moment: date | datetime, precision: str | None = "day") -> str:
    """`9 Apr 2007`; `Jan 2012` known to the month; `c. 2012` to the year; `by 31 Jan 2012` when
    known only to lie before then; `about Jan 2012` for an illustrative date.

    A date known only to its month is never shown as a made-up day (senders put it at the month's
    end, which would otherwise read as eight events on "31 Jan 2012").
    """
    if precision == "month":
        return f"{moment:%b %Y}"
    if precision == "year":
        return f"c. {moment:%Y}"
    if precision == "period":
        return f"by {short_date(moment)}"
    if precision == "illustrative":
        return f"about {moment:%b %Y}"
    return short_date(moment)


#: Reasons that say nothing: a decision to take no action (closing a work item with "no further
#: action", overriding an alert) needs one that does.
EMPTY_REASONS: Final[frozenset[str]] = frozenset(
    {"nfa", "no further action", "none", "n/a", "na", "-", "ok", "no action", "not needed", "closed"}
)


def says_nothing(reason: str) -> bool:
    """True for an empty reason, a mark ("x", ".", "?!": fewer than three letters) or a stock
    phrase ("nfa", "n/a")."""
    said = " ".join(reason.split()).lower().strip(".! ")
    return not said or said in EMPTY_REASONS or sum(c.isalpha() for c in said) < 3
