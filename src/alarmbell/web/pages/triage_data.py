"""Page data for the triage pages: a team's work queue, one item, and workload analytics.

Built once and rendered as HTML (templates/triage_*.html) or JSON (/api/v1/triage/...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from math import ceil
from typing import Any

from sqlalchemy.orm import Session

from alarmbell.identity import resolve
from alarmbell.storage.tables import TriageEvent, TriageItem
from alarmbell.triage import (
    DECISIONS,
    ENGLAND,
    ESCALATION_LABELS,
    ITEM_KINDS,
    TIMESCALES,
    Analytics,
    EscalationLoad,
    QueueEntry,
    TeamSummary,
    TriageConfig,
    WorkLogEntry,
    audit_trail,
    describe,
    escalation_load,
    get_item,
    queue,
    teams,
    timeliness,
    work_log,
    workload_analytics,
)
from alarmbell.web.pages.triage_charts_svg import (
    DisplacementDay,
    StackedRow,
    displacement_chart,
    stacked_bars,
)

PER_PAGE = 50
#: In the words of the "Take this on" button beside them: "acknowledged" is the store's word.
STATUS_LABELS = {
    "open": "No one has taken this on yet",
    "acknowledged": "Taken on",
    "awaiting_countersignature": "Closing proposed: awaiting a team manager's countersignature",
    "decided": "Decided",
}


def when(moment: datetime) -> str:
    """'Tue 7 Apr 2026, 17:00' in England time: practitioners read local clocks."""
    local = moment.astimezone(ENGLAND)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


@dataclass(frozen=True, slots=True)
class ItemRow:
    item_id: int
    rank: int
    title: str
    kind_label: str
    person_id: int | None
    band: str
    harm_days: float
    harm_basis: str
    harm_source: str
    waiting_label: str
    due_label: str
    due_iso: str
    timeliness_state: str
    timeliness_label: str
    status: str
    status_label: str
    escalated_to: str | None
    owner: str | None


@dataclass(frozen=True, slots=True)
class QueuePage:
    team: str
    teams: tuple[TeamSummary, ...]
    rows: tuple[ItemRow, ...]
    total: int
    past_due: int
    unacknowledged: int
    page: int
    pages: int
    acting: str
    now_label: str
    #: Only the items escalated this far ("team_manager", "head_of_service"), or "" for all.
    escalated_to: str = ""
    #: Only the closings waiting for a team manager's countersignature.
    to_countersign: bool = False

    @property
    def escalated_label(self) -> str:
        return ESCALATION_LABELS.get(self.escalated_to, "")


def _row(session: Session, entry: QueueEntry, now: datetime) -> ItemRow:
    item = entry.item
    state = timeliness(item, now)
    return ItemRow(
        item_id=item.id,
        rank=entry.rank,
        title=item.title,
        kind_label=ITEM_KINDS.get(item.kind, item.kind),
        person_id=person_now(session, item.person_id),
        band=entry.band,
        harm_days=item.harm_days,
        harm_basis=item.harm_basis,
        harm_source=item.harm_source,
        waiting_label=describe(now - item.opened_at),
        due_label=when(item.due_at),
        due_iso=item.due_at.isoformat(),
        timeliness_state=state.state,
        timeliness_label=state.label,
        status=item.status,
        status_label=STATUS_LABELS.get(item.status, item.status),
        escalated_to=_escalated_to(item),
        owner=item.owner,
    )


def _escalated_to(item: TriageItem) -> str | None:
    steps = list(ESCALATION_LABELS.values())
    return steps[item.escalation_level - 1] if item.escalation_level else None


def build_queue_page(
    session: Session,
    *,
    team: str,
    now: datetime,
    config: TriageConfig,
    page: int = 1,
    acting: str = "",
    preferred: str | None = None,
    escalated_to: str = "",
    to_countersign: bool = False,
) -> QueuePage:
    """`team`'s queue; without one, the `preferred` team (the user's own) if it has open work,
    else the team with the most items past due. A team is found in any case, as the access
    policy matches it: a manager whose account says "mash" has the "MASH" queue (before: an empty
    queue of "mash" above the MASH's 50 open items)."""
    all_teams = tuple(teams(session, now=now))
    if not team and all_teams:
        own = [t.team for t in all_teams if preferred and t.team.lower() == preferred.lower()]
        team = own[0] if own else all_teams[0].team
    team = next((t.team for t in all_teams if t.team.lower() == team.lower()), team)
    page = max(page, 1)
    escalated_to = escalated_to if escalated_to in ESCALATION_LABELS else ""
    q = queue(
        session,
        team=team,
        now=now,
        config=config,
        limit=PER_PAGE,
        offset=(page - 1) * PER_PAGE,
        escalated_to=escalated_to or None,
        awaiting_countersignature=to_countersign,
    )
    return QueuePage(
        team=team,
        teams=all_teams,
        rows=tuple(_row(session, e, now) for e in q.entries),
        total=q.total,
        past_due=q.past_due,
        unacknowledged=q.unacknowledged,
        page=page,
        pages=max(ceil(q.total / PER_PAGE), 1),
        acting=acting.strip()[:200],
        now_label=when(now),
        escalated_to=escalated_to,
        to_countersign=to_countersign,
    )


@dataclass(frozen=True, slots=True)
class AuditRow:
    at_label: str
    kind: str
    by: str
    detail: str


@dataclass(frozen=True, slots=True)
class ItemPage:
    item: TriageItem
    #: The child's page: the item's person, or whom they were merged into since.
    person_id: int | None
    kind_label: str
    timescale_label: str
    opened_label: str
    due_label: str
    timeliness_label: str
    timeliness_state: str
    status_label: str
    escalated_to: str | None
    decision_label: str | None
    audit: tuple[AuditRow, ...]
    work: tuple[WorkLogEntry, ...]
    hours: float
    decisions: dict[str, str]
    #: "by Sam Ahmed", or for a countersigned closing "proposed by ..., countersigned by ...".
    decided_by_words: str = ""


def build_item_page(session: Session, *, item_id: int, now: datetime) -> ItemPage:
    item = get_item(session, item_id)
    state = timeliness(item, now)
    work = tuple(work_log(session, item_id=item_id))
    trail = audit_trail(session, item_id)
    decided_words = decided_by_words(item, trail)
    status = STATUS_LABELS.get(item.status, item.status)
    return ItemPage(
        item=item,
        person_id=person_now(session, item.person_id),
        kind_label=ITEM_KINDS.get(item.kind, item.kind),
        timescale_label=TIMESCALES[item.timescale].label if item.timescale in TIMESCALES else item.timescale,
        opened_label=when(item.opened_at),
        due_label=when(item.due_at),
        timeliness_label=state.label,
        timeliness_state=state.state,
        status_label=f"{status} {decided_words}" if decided_words else status,
        escalated_to=_escalated_to(item),
        decision_label=DECISIONS.get(item.decision or "", item.decision),
        audit=tuple(_audit_row(e) for e in trail),
        work=work,
        hours=sum(w.hours for w in work),
        decisions=dict(DECISIONS),
        decided_by_words=decided_words,
    )


def person_now(session: Session, person_id: int | None) -> int | None:
    """The person an item is about as they are now: an item opened before a merge keeps the
    merged-away id (an unmerge gives it back), whose page no longer exists."""
    return None if person_id is None else resolve(session, person_id) or person_id


def decided_by_words(item: TriageItem, trail: list[TriageEvent]) -> str:
    """Who decided, in words. A closing countersigned by a team manager names both people: the
    item's `decided_by` is the analyst who proposed it, and before session 17 the status line
    named only her (and, as its owner, again), never the manager whose signature closed it."""
    if item.status != "decided" or not item.decided_by:
        return ""
    signer = next((e.by for e in reversed(trail) if e.kind == "countersigned"), None)
    if signer and signer != item.decided_by:
        return f"(proposed by {item.decided_by}, countersigned by {signer})"
    return f"by {item.decided_by}"


def _day_of(moment: object) -> str:
    """`5 Mar 2012` in England from a stored ISO moment (the day the alert's records were known)."""
    try:
        local = datetime.fromisoformat(str(moment)).astimezone(ENGLAND)
    except ValueError:
        return "an unknown date"
    return f"{local.day} {local:%b %Y}"


#: The score and policy version the explanation's first sentence carries, for the alert's
#: technical detail: a number without words in the audit trail a practitioner reads.
_SCORE = re.compile(r" \(score [^()]*\)")


def _first_sentence(detail: dict[str, Any]) -> str:
    """What is new, without the whole explanation (the alert card on the person page has it)
    and without the score (its technical detail has that)."""
    text = _SCORE.sub("", str(detail.get("explanation", "")), count=1)
    head, dot, _rest = text.partition(". ")
    return head + dot.strip() if dot else text


def _fed(detail: dict[str, Any]) -> str:
    """The indicators new evidence fed, by their titles in the policy, as the alert card names them.

    Items updated before titles were recorded hold only ids: those are shown as words.
    """
    titles = [str(t) for t in detail.get("titles") or ()]
    if not titles:
        titles = [str(i).replace("_", " ") for i in detail.get("indicators", ())]
    return "; ".join(titles)


def _audit_row(event: TriageEvent) -> AuditRow:
    detail = event.detail
    if event.kind == "escalated":
        text = (
            f"to the {ESCALATION_LABELS.get(detail.get('to', ''), detail.get('to'))} of {detail.get('team')}"
        )
        if detail.get("waiting_for") == "countersignature":
            proposer = detail.get("proposed_by")
            text += f": {proposer} proposed closing it, and no team manager countersigned in time"
        elif detail.get("waiting_for") == "decision":
            text += f": {detail.get('taken_on_by')} took it on and had not decided it in time"
    elif event.kind in ("decided", "decision_proposed"):
        text = (
            f"{DECISIONS.get(detail.get('decision', ''), detail.get('decision'))}: {detail.get('rationale')}"
        )
    elif event.kind == "new_evidence":
        rise = (
            f" (level rose from {detail.get('from_level')} to {detail.get('level')})"
            if detail.get("from_level")
            else ""
        )
        raised = _day_of(detail.get("raised_at"))
        text = (
            f"{str(detail.get('level', '')).capitalize()} alert of {raised}{rise}: {_first_sentence(detail)}"
        )
    elif event.kind == "evidence_added":
        count = len(detail.get("evidence", ()))
        records = f"{count} record{'s' if count != 1 else ''} of {_day_of(detail.get('at'))}"
        text = f"{records}, evidence for: {_fed(detail)}"
    elif event.kind == "proposal_lapsed":
        text = (
            f"the closing {detail.get('proposed_by')} proposed lapsed, as {detail.get('because')}: "
            "decide again with it in view"
        )
    elif event.kind == "handed_back":
        text = f"back to the queue from {detail.get('from')}: {detail.get('because')}"
    elif event.kind == "time_logged":
        text = f"{detail.get('hours'):g} hours by {detail.get('person')}"
    else:
        text = "late" if detail.get("late") else ""
    return AuditRow(when(event.at), event.kind.replace("_", " "), _who(event), text)


def _who(event: TriageEvent) -> str:
    """The person who took the step, and, when the audit log names someone else for it (a step
    recorded at the command line is `cli:<login>`), how and as whom it was recorded."""
    via = event.detail.get("via")
    if not via:
        return event.by
    how = "at the command line" if str(via).startswith("cli:") else "recorded"
    return f"{event.by} ({how}, as {via})"


@dataclass(frozen=True, slots=True)
class AnalyticsPage:
    analytics: Analytics
    days: int
    now_label: str
    hours_svg: str
    past_due_svg: str
    displacement_svgs: tuple[tuple[str, str], ...]
    headline: str | None
    escalations: tuple[EscalationLoad, ...] = ()
    escalate_from_harm_days: float = 0.0
    #: Working days a person who took an item on has to decide it before it escalates.
    taken_on_working_days: int = 1


def build_analytics_page(
    session: Session, *, config: TriageConfig, now: datetime, days: int = 28, titles_of: str | None = None
) -> AnalyticsPage:
    """`titles_of`: show item titles (which name children) for this team's work only; None: all."""
    days = min(max(days, 1), 366)
    analytics = workload_analytics(session, config=config, now=now, days=days)
    if titles_of is not None:
        analytics = without_titles(analytics, keep=titles_of)
    hours = [
        StackedRow(t.team, {str(k): v for k, v in t.hours.items()}) for t in analytics.teams if t.total_hours
    ]
    past = [StackedRow(t.team, {k: float(v) for k, v in t.past_due_now.items()}) for t in analytics.teams]
    past = [r for r in past if sum(r.values.values())]
    displaced_teams = sorted({p.team for p in analytics.displacement})
    charts = tuple((team, _displacement_svg(analytics, team, i)) for i, team in enumerate(displaced_teams))
    return AnalyticsPage(
        analytics=analytics,
        days=days,
        now_label=when(now),
        hours_svg=_wide_and_narrow(
            lambda narrow: stacked_bars(
                hours, title="Hours by harm band and team", unit="hours", ident="hours", narrow=narrow
            )
        ),
        past_due_svg=_wide_and_narrow(
            lambda narrow: stacked_bars(
                past, title="Items past due now, by harm band", unit="items", ident="past-due", narrow=narrow
            )
        ),
        displacement_svgs=charts,
        headline=_headline(analytics),
        escalations=escalation_load(session, config=config, now=now),
        escalate_from_harm_days=config.escalate_from_harm_days,
        taken_on_working_days=config.taken_on_working_days,
    )


def without_titles(analytics: Analytics, *, keep: str) -> Analytics:
    """Other teams' displacement periods with each item told by its kind, harm and opening date
    in place of its title (counts kept), and so naming no children (`low_people`,
    `waiting_people` empty)."""
    periods = tuple(
        p
        if p.team.lower() == keep.lower()
        else replace(
            p,
            low_items=p.low_unnamed,
            waiting_items=p.waiting_unnamed,
            low_people=(),
            waiting_people=(),
        )
        for p in analytics.displacement
    )
    return replace(analytics, displacement=periods)


def _displacement_svg(analytics: Analytics, team: str, index: int) -> str:
    load = next(t for t in analytics.teams if t.team == team)
    periods = [(p.start, p.end) for p in analytics.displacement if p.team == team]
    first = min(start for start, _ in periods)
    days = [
        DisplacementDay(
            d.day,
            d.hours["low"],
            d.hours["medium"] + d.hours["high"],
            d.high_waiting,
            any(start <= d.day <= end for start, end in periods),
        )
        for d in load.days
        if (d.day - first).days >= -3
    ]
    return _wide_and_narrow(
        lambda narrow: displacement_chart(team, days, ident=f"displacement-{index}", narrow=narrow)
    )


def _wide_and_narrow(draw: Callable[[bool], str]) -> str:
    """A chart drawn twice, for a desktop and for a phone; pages.css shows the one that fits.

    Before session 17 a phone showed the 900-unit chart at 720 px, scrolling sideways; one chart
    scaled to a 360 px column made its labels about 5 px high. The phone's copy carries its own
    ids (`-narrow`), so the page has no duplicate id."""
    narrow = draw(True).replace('-title"', '-narrow-title"')
    return f'<div class="app-chart--wide">{draw(False)}</div>\n<div class="app-chart--narrow">{narrow}</div>'


def _headline(analytics: Analytics) -> str | None:
    if not analytics.displacement:
        return None
    worst = max(analytics.displacement, key=lambda p: (len(p.waiting_items), p.low_hours))
    return (
        f"{worst.team} spent {worst.low_hours:g} hours on low-harm work while "
        f"{len(worst.waiting_items)} high-harm items waited past their due time."
    )


def analytics_json(page: AnalyticsPage) -> dict[str, Any]:
    a = page.analytics
    return {
        "start": a.start.isoformat(),
        "end": a.end.isoformat(),
        "now": a.now.isoformat(),
        "bands": {"low_at_most": a.bands.low, "high_at_least": a.bands.high},
        "escalated_now": [
            {
                "team": e.team,
                "to_team_manager": e.to_team_manager,
                "to_head_of_service": e.to_head_of_service,
                "past_due_not_escalated": e.past_due_not_escalated,
            }
            for e in page.escalations
        ],
        "escalate_from_harm_days": page.escalate_from_harm_days,
        "teams": [
            {
                "team": t.team,
                "hours": t.hours,
                "past_due_now": t.past_due_now,
                "days": [
                    {
                        "day": d.day.isoformat(),
                        "hours": d.hours,
                        "high_waiting": d.high_waiting,
                        "displaced": d.displaced,
                    }
                    for d in t.days
                ],
            }
            for t in a.teams
        ],
        "displacement": [
            {
                "team": p.team,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "displaced_days": p.displaced_days,
                "low_hours": p.low_hours,
                "low_items": list(p.low_items),
                "waiting_items": list(p.waiting_items),
                "max_waiting": p.max_waiting,
                "longest_overdue_hours": round(p.longest_overdue.total_seconds() / 3600, 1),
                "sentence": p.sentence,
            }
            for p in a.displacement
        ],
        "headline": page.headline,
    }
