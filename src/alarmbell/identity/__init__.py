"""Identity: source person records become people, with provenance, households and history.

Linking, training, the review queue and Spark pull in Splink, DuckDB and pandas, which take
about two seconds to import. Most callers only read people (a review report, a person page, a
search), so those names are imported when first used (PEP 562), not with the package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alarmbell.domain.lazy import lazy_facade
from alarmbell.identity.lookup import PersonNotFound, find_person
from alarmbell.identity.merges import UnmergeError
from alarmbell.identity.people import (
    PersonView,
    Relation,
    all_views,
    household_adults,
    ids_of_one_person,
    link_history,
    merged_ids,
    person_ids_for_records,
    record_rows,
    recorded_sex,
    relations,
    resolve,
    survivors,
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

# Names imported on first use, by the module that holds them.
# Type checkers read the imports above instead, and so report a name that is not among them.
if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_facade(
        __name__,
        {
            ".linker": ("LinkSummary", "link_people"),
            ".review": (
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
            ".spark": ("local_spark_session",),
            ".training": ("build_model", "read_synthetic"),
        },
    )

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
    "ids_of_one_person",
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
    "recorded_sex",
    "reject",
    "relations",
    "merged_ids",
    "resolve",
    "search_people",
    "search_terms",
    "survivors",
    "unmerge",
    "view",
    "view_from_rows",
    "views_by_agency",
]
