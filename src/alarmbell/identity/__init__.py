"""Identity: source person records become people, with provenance, households and history.

Linking, training, the review queue and Spark pull in Splink, DuckDB and pandas, which take
about two seconds to import. Most callers only read people (a review report, a person page, a
search), so those names are imported when first used (PEP 562), not with the package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from alarmbell.identity.lookup import PersonNotFound, find_person
from alarmbell.identity.merges import UnmergeError
from alarmbell.identity.people import (
    PersonView,
    Relation,
    all_views,
    household_adults,
    link_history,
    person_ids_for_records,
    record_rows,
    relations,
    resolve,
    view,
    view_from_rows,
    views_by_agency,
)
from alarmbell.identity.search import matched_by_agency, search_people, search_terms

if TYPE_CHECKING:
    from alarmbell.identity.linker import LinkSummary, link_people
    from alarmbell.identity.review import (
        PENDING,
        ReviewError,
        ReviewItem,
        accept,
        get_item,
        list_items,
        merge,
        pending_count,
        reject,
        unmerge,
    )
    from alarmbell.identity.spark import local_spark_session
    from alarmbell.identity.training import build_model, read_synthetic

#: Names imported on first use, and the module that holds each.
_LAZY: dict[str, str] = {
    **dict.fromkeys(("LinkSummary", "link_people"), "alarmbell.identity.linker"),
    **dict.fromkeys(
        (
            "PENDING",
            "ReviewError",
            "ReviewItem",
            "accept",
            "get_item",
            "list_items",
            "merge",
            "pending_count",
            "reject",
            "unmerge",
        ),
        "alarmbell.identity.review",
    ),
    "local_spark_session": "alarmbell.identity.spark",
    **dict.fromkeys(("build_model", "read_synthetic"), "alarmbell.identity.training"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "PENDING",
    "LinkSummary",
    "PersonNotFound",
    "PersonView",
    "Relation",
    "ReviewError",
    "ReviewItem",
    "UnmergeError",
    "accept",
    "all_views",
    "build_model",
    "find_person",
    "get_item",
    "household_adults",
    "link_history",
    "link_people",
    "list_items",
    "local_spark_session",
    "matched_by_agency",
    "merge",
    "pending_count",
    "person_ids_for_records",
    "read_synthetic",
    "record_rows",
    "reject",
    "relations",
    "resolve",
    "search_people",
    "search_terms",
    "unmerge",
    "view",
    "view_from_rows",
    "views_by_agency",
]
