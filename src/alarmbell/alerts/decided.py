"""When each child's alert work was decided: what ends an open item's bound on re-notification.

The engine raises new evidence on a child whose alert item is still open only when an indicator
newly applies or the level rises (policy.engine.alert_timeline); a decision on the item ends
that. The incremental path, rescore and replay must give the same alerts, so all of them read
the decisions here, from the same column (a decided alert item's `decided_at`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.identity import survivors
from alarmbell.storage.tables import TriageItem

Decided = dict[int, tuple[datetime, ...]]


def decided_moments(session: Session, person_ids: Iterable[int] | None = None) -> Decided:
    """person id -> the moments their alert items were decided, oldest first (everyone if None).

    Keyed by the person each item's child is now: work keeps the id it was opened under when
    its person is merged into another (so an unmerge gives it back), and read by that id alone a
    decision taken before the merge was lost to the survivor, whose decided alert was raised
    again as new and whose new evidence was taken as joining an open item.
    """
    merged = survivors(session)
    query = select(TriageItem.person_id, TriageItem.decided_at).where(
        TriageItem.kind == "alert", TriageItem.decided_at.is_not(None), TriageItem.person_id.is_not(None)
    )
    wanted: set[int] | None = None
    if person_ids is not None:
        wanted = set(person_ids)
        under = wanted | {old for old, now in merged.items() if now in wanted}
        query = query.where(TriageItem.person_id.in_(sorted(under)))
    found: dict[int, list[datetime]] = defaultdict(list)
    for person_id, at in session.execute(query):
        if person_id is not None and at is not None:  # both filtered by the query; for the type checker
            found[merged.get(person_id, person_id)].append(at)
    return {
        person: tuple(sorted(moments))
        for person, moments in found.items()
        if wanted is None or person in wanted
    }


__all__ = ["Decided", "decided_moments"]
