"""The people search page: anyone in the store by name, bounded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from alarmbell.identity import PersonView, search_people, search_terms
from alarmbell.presentation import agency_label, short_date

SEARCH_LIMIT = 50


@dataclass(frozen=True, slots=True)
class PersonResult:
    person_id: int
    name: str
    dob: date | None
    dob_label: str
    role: str
    agency_labels: tuple[str, ...]
    agencies: tuple[str, ...] = ()
    #: Other agencies hold records the viewer may not see (their names are not shown).
    other_agencies_hidden: bool = False


@dataclass(frozen=True, slots=True)
class SearchPage:
    q: str
    searched: bool
    results: tuple[PersonResult, ...]
    limit: int

    @property
    def truncated(self) -> bool:
        return len(self.results) >= self.limit


def build_search(
    session: Session, q: str, *, limit: int = SEARCH_LIMIT, where: ColumnElement[bool] | None = None
) -> SearchPage:
    """The first `limit` people matching `q` among those `where` lets the searcher find."""
    q = q.strip()
    if not search_terms(q):
        return SearchPage(q=q, searched=False, results=(), limit=limit)
    people = search_people(session, q, limit, where=where)
    return SearchPage(q=q, searched=True, results=tuple(_result(p) for p in people), limit=limit)


def _result(person: PersonView) -> PersonResult:
    return PersonResult(
        person_id=person.person_id,
        name=person.display_name,
        dob=person.dob,
        dob_label=short_date(person.dob) if person.dob else "Not known",
        role=person.role,
        agency_labels=tuple(agency_label(a) for a in person.agencies),
        agencies=tuple(person.agencies),
    )
