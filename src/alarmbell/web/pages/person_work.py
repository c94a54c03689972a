"""The work about one person, for their page: open items with their clocks and history, and
what was decided. Each item reuses the triage item page's data, so both pages say the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.storage.tables import TriageItem
from alarmbell.triage import OPEN_STATUSES, clock_words
from alarmbell.web.pages.triage_data import ItemPage, build_item_page

#: Decided items older than this are left to the review; the page shows recent decisions.
DECIDED_SHOWN = 20


@dataclass(frozen=True, slots=True)
class WorkView:
    page: ItemPage
    clock: str
    open: bool


def person_work(session: Session, person_id: int, *, now: datetime) -> tuple[WorkView, ...]:
    """Open items first (earliest due first), then the most recent decisions."""
    rows = list(session.scalars(select(TriageItem).where(TriageItem.person_id == person_id)))
    open_rows = sorted((r for r in rows if r.status in OPEN_STATUSES), key=lambda r: (r.due_at, r.id))
    decided = sorted(
        (r for r in rows if r.status not in OPEN_STATUSES),
        key=lambda r: (r.decided_at or r.created_at, r.id),
        reverse=True,
    )[:DECIDED_SHOWN]
    return tuple(
        WorkView(
            page=build_item_page(session, item_id=row.id, now=now),
            clock=clock_words(row.opened_at, row.due_at, now, row.timescale),
            open=row.status in OPEN_STATUSES,
        )
        for row in (*open_rows, *decided)
    )
