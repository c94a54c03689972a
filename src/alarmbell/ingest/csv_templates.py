"""The columns of each CSV template, as docs/formats documents them, with what each cell must hold.

One list per format serves three ends: a header is matched against it (case, spaces and
punctuation ignored, so `ConcernID`, `Concern ID` and `concern_id` are one column, as are
`U.P.N.` and `UPN`); a column the template does not know is reported once as ignored, never
dropped silently; and every typed cell of a row is checked, so a row reports all its bad
cells at once rather than one per attempt. A test holds each list to its docs page.

Only the cell's form is checked here (a date, a whole number, Yes/No, a sex); what a value
means (a category, a DASH answer, a UPN's check letter) is the format module's to judge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["text", "date", "moment", "time", "integer", "yes_no", "sex"]


KEYS: dict[str, str] = {}
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def column_key(header: str) -> str:
    """`Body Map Site`, `body_map_site` and `BodyMapSite` are one column: exports vary in spelling.

    Memoised in a plain dict: every cell lookup passes through here. Headers are few; the
    dict is cleared if a stream of odd names ever grows it past a bound.
    """
    key = KEYS.get(header)
    if key is None:
        if len(KEYS) > 10_000:
            KEYS.clear()
        key = KEYS[header] = _NOT_KEY.sub("", header.strip().lower())
    return key


@dataclass(frozen=True)
class Column:
    """A documented column; `aliases` are other headers the format reads in its place (documented
    as "Name (or Other, ...)"); only the documented name's cells are checked by kind."""

    header: str
    kind: Kind = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return column_key(self.header)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(column_key(h) for h in (self.header, *self.aliases))


def _columns(*columns: Column | str) -> tuple[Column, ...]:
    return tuple(c if isinstance(c, Column) else Column(c) for c in columns)


_PUPIL: Final[tuple[Column | str, ...]] = (
    "Surname",
    "Forename",
    Column("Date of Birth", "date", aliases=("DOB",)),
    Column("Gender", "sex"),
    "Postcode",
    "School",
)

TEMPLATES: Final[dict[str, tuple[Column, ...]]] = {
    "school-concerns-csv": _columns(
        Column("Concern ID", required=True),
        Column("Date", "moment", required=True),
        Column("Time", "time"),
        Column("UPN", required=True),
        *_PUPIL,
        "Year Group",
        Column("Category", required=True),
        "Body Map Site",
        "Concern",
        "Action Taken",
        "DSL",
        "Recorded By",
    ),
    "school-attendance-csv": _columns(
        Column("UPN", required=True),
        *_PUPIL,
        "Term",
        Column("Period Start", "date", required=True),
        Column("Period End", "date", required=True),
        Column("Sessions Possible", "integer", required=True),
        Column("Sessions Missed", "integer", required=True),
        Column("Authorised Absence", "integer"),
        Column("Unauthorised Absence", "integer"),
    ),
    "police-csv": _columns(
        Column("Occurrence Ref", required=True),
        Column("Occurrence Date", "moment", required=True),
        Column("Occurrence Time", "time"),
        Column("Recorded Date", "moment"),
        Column("Occurrence Type", required=True),
        "Offence",
        "Offence Code",
        "Location Postcode",
        "Officer",
        "Summary",
        Column(
            "DASH Officer Grade",
            aliases=(
                "DASH Grade",
                "DASH Risk",
                "DASH Risk Level",
                "DASH Risk Grade",
                "Risk Grade",
                "Risk Level",
            ),
        ),
        Column("DASH Score", aliases=("DASH Total", "DASH Total Score")),
        Column("Alcohol", "yes_no"),
        Column("Drugs", "yes_no"),
        Column("Nominal Ref", required=True),
        Column("Role", required=True),
        Column("Surname", required=True),
        Column("Forename", required=True),
        Column("DOB", "date"),
        Column("Sex", "sex"),
        "Postcode",
        "Address",
        Column("Relationship To Victim", aliases=("Relationship",)),
        *(f"Q{n}" for n in range(1, 28)),
    ),
    "cin-csv": _columns(
        Column("LEA", required=True),
        Column("LAchildID", required=True),
        "UPN",
        "UPNunknown",
        Column("PersonBirthDate", "date"),
        Column("ExpectedPersonBirthDate", "date"),
        "GenderCurrent",
        Column("PersonDeathDate", "date"),
        "Ethnicity",
        "Disabilities",
        Column("CINreferralDate", "date", required=True),
        Column("Step", required=True),
        Column("Date", "date", required=True),
        Column("EndDate", "date"),
        "Code",
        "PrimaryNeed",
        Column("NFA", "yes_no"),
        "Factors",
        Column("ICPCTarget", "date"),
        Column("ICPCDate", "date"),
        Column("ICPCNotRequired", "yes_no"),
        "LatestCategory",
        Column("PreviousPlans", "integer"),
    ),
}
