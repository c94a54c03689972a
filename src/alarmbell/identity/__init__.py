"""Identity: source person records become people, with provenance, households and history."""

from alarmbell.identity.linker import LinkSummary, link_people
from alarmbell.identity.people import (
    PersonView,
    Relation,
    all_views,
    household_adults,
    person_ids_for_records,
    relations,
    resolve,
    view,
)

__all__ = [
    "LinkSummary",
    "PersonView",
    "Relation",
    "all_views",
    "household_adults",
    "link_people",
    "person_ids_for_records",
    "relations",
    "resolve",
    "view",
]
