"""Identity: source person records become people, with provenance, households and history."""

from alarmbell.identity.linker import LinkSummary, link_people
from alarmbell.identity.lookup import PersonNotFound, find_person
from alarmbell.identity.people import (
    PersonView,
    Relation,
    all_views,
    household_adults,
    person_ids_for_records,
    record_rows,
    relations,
    resolve,
    view,
    view_from_rows,
)
from alarmbell.identity.review import (
    PENDING,
    ReviewError,
    ReviewItem,
    accept,
    get_item,
    list_items,
    pending_count,
    reject,
)
from alarmbell.identity.search import search_people, search_terms

__all__ = [
    "PENDING",
    "LinkSummary",
    "PersonNotFound",
    "PersonView",
    "Relation",
    "ReviewError",
    "ReviewItem",
    "accept",
    "all_views",
    "find_person",
    "get_item",
    "household_adults",
    "link_people",
    "list_items",
    "pending_count",
    "person_ids_for_records",
    "record_rows",
    "reject",
    "relations",
    "resolve",
    "search_people",
    "search_terms",
    "view",
    "view_from_rows",
]
