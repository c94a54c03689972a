"""The home page: people with alerts, the highest current level first, then the most recent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select
from sqlalchemy.orm import Session

from alarmbell.alerts import AlertedPerson, alerted_people
from alarmbell.presentation import agency_label, level_label, short_date

LIST_LIMIT = 500


@dataclass(frozen=True, slots=True)
class AlertedPersonRow:
    person_id: int
    name: str
    level: str
    level_label: str
    last_raised_at: datetime
    last_raised_label: str
    alerts: int
    agencies: tuple[str, ...]
    agency_labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RestrictedPersonRow:
    """Someone with alerts the viewer may not see: their agency holds records, the MASH the rest."""

    person_id: int
    name: str
    agency_labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AlertListPage:
    people: tuple[AlertedPersonRow, ...]
    limit: int
    #: People the viewer may open with their own agency's records only, by name: no level,
    #: count or date, since those come from every agency's records (the person page agrees).
    restricted: tuple[RestrictedPersonRow, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """How many people are at each level, for the page's summary line."""
        totals = {"red": 0, "amber": 0, "green": 0}
        for row in self.people:
            totals[row.level] = totals.get(row.level, 0) + 1
        return totals


def build_alert_list(
    session: Session, *, limit: int = LIST_LIMIT, among: Select[int] | None = None
) -> AlertListPage:
    """The first `limit` people with alerts, of `among` (the people the viewer may open) if given."""
    rows = tuple(_row(person) for person in alerted_people(session, limit=limit, among=among))
    return AlertListPage(people=rows, limit=limit)


def _row(person: AlertedPerson) -> AlertedPersonRow:
    return AlertedPersonRow(
        person_id=person.person_id,
        name=person.display_name,
        level=person.level,
        level_label=level_label(person.level),
        last_raised_at=person.last_raised_at,
        last_raised_label=short_date(person.last_raised_at),
        alerts=person.alerts,
        agencies=person.agencies,
        agency_labels=tuple(agency_label(a) for a in person.agencies),
    )
