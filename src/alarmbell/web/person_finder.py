"""The record-a-concern form's person finder: children only, each with their age.

A concern is about a child, so the finder leaves out anyone 18 or over on the concern's date;
the search page itself still finds everyone. Before a date is entered, it lists those under 18
today and those the agencies recorded as a child (a concern may be about the past: the demo's
Leo was a child in 2012). Someone with no known date of birth stays in unless the agencies
recorded them as an adult, because leaving out a child whose birthday no one recorded would be
worse than listing an adult.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from alarmbell.presentation import whole_years
from alarmbell.web.pages.search import PersonResult, SearchPage

ADULT_AGE = 18


@dataclass(frozen=True, slots=True)
class ChildOption:
    person_id: int
    name: str
    dob_label: str
    age: str
    agency_labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChildSearch:
    q: str
    searched: bool
    results: tuple[ChildOption, ...]
    #: How many people the search found who were adults on the concern's date (not listed).
    adults_left_out: int


def is_child(result: PersonResult, at: date, *, dated: bool) -> bool:
    """Under 18 on `at`; when `at` is only today (`dated` False), also anyone recorded as a child."""
    if result.dob is None:
        return result.role != "adult"
    return not adult_on(result.dob, at) or (not dated and result.role == "child")


def adult_on(dob: date | None, at: date) -> bool:
    """18 or over on `at` by a known date of birth: not a child a concern can be recorded about."""
    return dob is not None and whole_years(dob, at) >= ADULT_AGE


def age_words(dob: date | None, at: date) -> str:
    """`age 4`, `under 1`, `not born yet` (a pre-birth concern), or `age not known`."""
    if dob is None:
        return "age not known"
    if dob > at:
        return "not born yet"
    years = whole_years(dob, at)
    return f"age {years}" if years else "under 1"


def children_only(page: SearchPage, at: date, *, dated: bool = True) -> ChildSearch:
    """The search results that are children on `at` (the concern's date, or today), with their age then."""
    children = [r for r in page.results if is_child(r, at, dated=dated)]
    options = tuple(
        ChildOption(r.person_id, r.name, r.dob_label, age_words(r.dob, at), r.agency_labels) for r in children
    )
    return ChildSearch(page.q, page.searched, options, len(page.results) - len(children))
