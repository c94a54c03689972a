"""Page data for the unanswered-alarms report: tables, breakdowns and their charts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from alarmbell.presentation import agency_label
from alarmbell.triage import TriageConfig, UnansweredReport, report_rows, unanswered_alarms
from alarmbell.web.pages.triage_data import when
from alarmbell.web.pages.unanswered_svg import count_bars

#: The month chart draws this many months unless asked for all: drawn whole, five years of
#: months made the chart about 1,100 px tall on a 390 px phone (session 17).
RECENT_MONTHS = 24
#: Each table lists this many of its most recently raised alerts unless asked for all: as
#: cards on a 390 px phone, about 250 px each, a manager's 101 rows made the page 27,000 px.
RECENT_ROWS = 20


@dataclass(frozen=True, slots=True)
class UnansweredPage:
    report: UnansweredReport
    now_label: str
    month_svg: str
    agency_svg: str
    team_svg: str
    hidden: int = 0
    unanswered_total: int = 0
    closed_total: int = 0
    #: The months the month chart draws, in words ("Mar 2010 to Feb 2012"), and how many months
    #: have an alert; `all_months` when the viewer asked to see each of those.
    months_shown: str = ""
    months_in_report: int = 0
    all_months: bool = False
    recent_months: int = RECENT_MONTHS
    #: Some months with an alert are older than the chart's window: offer to show them.
    more_months: bool = False
    #: Rows the viewer may see, before the tables were cut to the most recent (`all_rows`: not cut).
    unanswered_listable: int = 0
    closed_listable: int = 0
    all_rows: bool = False
    recent_rows: int = RECENT_ROWS

    def url(self, *, months: bool | None = None, rows: bool | None = None, anchor: str = "") -> str:
        """This report's address with the chart's months and the tables' rows as asked, the
        other choice kept as it is."""
        months = self.all_months if months is None else months
        rows = self.all_rows if rows is None else rows
        query = "&".join(q for q, on in (("months=all", months), ("rows=all", rows)) if on)
        return "/triage/unanswered" + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


def build_unanswered_page(
    session: Session,
    *,
    config: TriageConfig,
    now: datetime,
    may_see: Callable[[list[int]], set[int]],
    all_months: bool = False,
    recent_rows: int | None = None,
) -> UnansweredPage:
    """The report with its counts whole and its rows limited to children the viewer may see.

    Counts by agency, team and month name nobody, so they cover every alert; a row names a
    child, so it is shown only if the viewer sees that child's page in full (`may_see`), and the
    rows left out are counted ("held by another agency: contact the MASH").
    """
    full = unanswered_alarms(session, config=config, now=now)
    visible = may_see(sorted({o.person_id for o in (*full.unanswered, *full.closed_then_harm)}))
    report = replace(
        full,
        unanswered=tuple(o for o in full.unanswered if o.person_id in visible),
        closed_then_harm=tuple(o for o in full.closed_then_harm if o.person_id in visible),
    )
    hidden = (
        len(full.unanswered)
        + len(full.closed_then_harm)
        - len(report.unanswered)
        - len(report.closed_then_harm)
    )
    listable = (len(report.unanswered), len(report.closed_then_harm))
    if recent_rows is not None:  # the most recently raised, still oldest first
        report = replace(
            report,
            unanswered=report.unanswered[-recent_rows:],
            closed_then_harm=report.closed_then_harm[-recent_rows:],
        )
    by = full.unanswered_by
    months = list(by.by_month.items()) if all_months else month_rows(by.by_month, recent=RECENT_MONTHS)
    return UnansweredPage(
        report=report,
        now_label=when(now),
        month_svg=count_bars(
            [(_month(m), n) for m, n in months],
            title="Alerts with no decision in time, by the month they were raised",
            ident="by-month",
        ),
        agency_svg=count_bars(
            [(agency_label(a), n) for a, n in by.by_agency.items()],
            title="Alerts with no decision in time, by the agency whose records raised them",
            ident="by-agency",
        ),
        team_svg=count_bars(
            list(by.by_team.items()), title="Alerts with no decision in time, by team", ident="by-team"
        ),
        hidden=hidden,
        unanswered_total=len(full.unanswered),
        closed_total=len(full.closed_then_harm),
        months_shown=f"{_month(months[0][0])} to {_month(months[-1][0])}" if months else "",
        months_in_report=len(by.by_month),
        all_months=all_months,
        more_months=sum(1 for _, n in months if n) < len(by.by_month),
        unanswered_listable=listable[0],
        closed_listable=listable[1],
        all_rows=recent_rows is None,
    )


def month_rows(by_month: dict[str, int], *, recent: int) -> list[tuple[str, int]]:
    """The `recent` months ending with the last month with an alert, quiet months as 0, so the
    bars keep time's shape. The window ends at the report's last alert, not today: a store of
    history (the demo's ends in 2012) would otherwise draw 24 empty months."""
    if not by_month:
        return []
    last = _index(max(by_month))
    first = max(_index(min(by_month)), last - recent + 1)
    keys = [f"{i // 12}-{i % 12 + 1:02d}" for i in range(first, last + 1)]
    return [(key, by_month.get(key, 0)) for key in keys]


def _index(month: str) -> int:
    """`2012-02` as a count of months, so months can be stepped through."""
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def _month(text: str) -> str:
    return datetime.strptime(text, "%Y-%m").strftime("%b %Y")


def unanswered_json(page: UnansweredPage) -> dict[str, Any]:
    r = page.report
    return {
        "now": r.now.isoformat(),
        "alerts": r.alerts,
        "unanswered": page.unanswered_total,
        "closed_then_harm": page.closed_total,
        "unanswered_by": {
            "agency": r.unanswered_by.by_agency,
            "team": r.unanswered_by.by_team,
            "month": r.unanswered_by.by_month,
        },
        "closed_then_harm_by": {
            "agency": r.closed_by.by_agency,
            "team": r.closed_by.by_team,
            "month": r.closed_by.by_month,
        },
        "listed": report_rows(r),
        "not_shown": page.hidden,
    }
