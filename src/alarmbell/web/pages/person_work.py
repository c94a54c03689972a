"""The work about one person, for their page: open items with their clocks and history, and
what was decided. Each item reuses the triage item page's data, so both pages say the same.

Only the teams the viewer may see are read: the page once read the person's 20 most recent
decisions of every team and then dropped those of teams the viewer may not see, so a team
manager could be shown none of her own team's decisions while other teams' filled the 20.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alarmbell.identity import merged_ids
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


@dataclass(frozen=True, slots=True)
class PersonWork:
    """The items shown, and how many decisions the viewer may see in all (more than are shown
    when the list is cut at DECIDED_SHOWN)."""

    views: tuple[WorkView, ...]
    decided_total: int

    @property
    def decided_shown(self) -> int:
        return sum(1 for view in self.views if not view.open)


def person_work(
    session: Session, person_id: int, *, now: datetime, may_see: Callable[[str], bool]
) -> PersonWork:
    """Open items first (earliest due first), then the most recent decisions, of the teams
    `may_see` allows, chosen in the query (before any limit). Items opened under an id since
    merged into the person's are theirs: otherwise they were on no page (that id's page is gone)."""
    about = TriageItem.person_id.in_(merged_ids(session, person_id))
    teams = [t for t in session.scalars(select(TriageItem.team).where(about).distinct()) if may_see(t)]
    seen = (about, TriageItem.team.in_(teams))
    opened = select(TriageItem).where(*seen, TriageItem.status.in_(OPEN_STATUSES))
    open_rows = list(session.scalars(opened.order_by(TriageItem.due_at, TriageItem.id)))
    closed = (*seen, TriageItem.status.not_in(OPEN_STATUSES))
    latest = func.coalesce(TriageItem.decided_at, TriageItem.created_at)
    recent = select(TriageItem).where(*closed).order_by(latest.desc(), TriageItem.id.desc())
    decided = list(session.scalars(recent.limit(DECIDED_SHOWN)))
    total = session.scalar(select(func.count()).select_from(TriageItem).where(*closed)) or 0
    views = tuple(_view(session, row, now) for row in (*open_rows, *decided))
    return PersonWork(views, total)


def _view(session: Session, row: TriageItem, now: datetime) -> WorkView:
    return WorkView(
        page=build_item_page(session, item_id=row.id, now=now),
        clock=clock_words(row.opened_at, row.due_at, now, row.timescale),
        open=row.status in OPEN_STATUSES,
    )
