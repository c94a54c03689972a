"""Workload analytics: where the hours went by harm, what is past due, and what displaced what.

Displacement is the pattern the issue exists for: a team spending hours on low-harm work (at or
below ALARMBELL_TRIAGE_LOW_HARM_DAYS, e.g. a bigamy file) on days when its own high-harm items
(at or above ALARMBELL_TRIAGE_HIGH_HARM_DAYS, e.g. red alerts) were waiting past their due time.
Days are England days; a displaced run bridges weekends and bank holidays (nobody logs hours
then, but the children still wait).

A displacement period names its items by title, and titles name children, so each period also
carries the ids of the children its items are about (`low_people`, `waiting_people`): whoever
shows the titles audits them as a list of those children (`triage.analytics`), as a search is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from alarmbell.domain.wording import short_date
from alarmbell.storage.tables import TriageItem, TriageWorkLog
from alarmbell.triage.config import TriageConfig
from alarmbell.triage.scoring import HARM_BANDS, Bands, HarmBand
from alarmbell.triage.service import (
    ESCALATION_STEPS,
    ITEM_KINDS,
    OPEN_STATUSES,
    describe,
    taken_on_clocks,
    waiting_closings,
)
from alarmbell.triage.timescales import ENGLAND, is_working_day, local_date


@dataclass(frozen=True, slots=True)
class DayLoad:
    day: date
    hours: dict[HarmBand, float]
    high_waiting: int

    @property
    def displaced(self) -> bool:
        return self.hours["low"] > 0 and self.high_waiting > 0


@dataclass(frozen=True, slots=True)
class TeamLoad:
    team: str
    hours: dict[HarmBand, float]
    past_due_now: dict[HarmBand, int]
    days: tuple[DayLoad, ...]

    @property
    def total_hours(self) -> float:
        return sum(self.hours.values())


@dataclass(frozen=True, slots=True)
class DisplacementPeriod:
    team: str
    start: date
    end: date
    displaced_days: int
    low_hours: float
    low_items: tuple[str, ...]
    waiting_items: tuple[str, ...]
    max_waiting: int
    longest_overdue: timedelta
    #: The children the low-harm items (named in `sentence`) and the waiting items are about.
    low_people: tuple[int, ...] = ()
    waiting_people: tuple[int, ...] = ()
    #: The same items by kind, harm and opening date, naming nobody: what a manager of another
    #: team is shown in place of the titles (one entry per item, so the count stays true).
    low_unnamed: tuple[str, ...] = ()
    waiting_unnamed: tuple[str, ...] = ()

    @property
    def sentence(self) -> str:
        span = short_date(self.start)
        if self.start != self.end:
            span = f"{self.start.day} {self.start:%b} to {short_date(self.end)}"
        return (
            f"{self.team}, {span}: {self.low_hours:g} hours on low-harm work "
            f"({'; '.join(self.low_items)}) on {self.displaced_days} days while "
            f"{len(self.waiting_items)} high-harm items waited past due "
            f"(up to {self.max_waiting} at once; the longest {describe(self.longest_overdue)} overdue)."
        )


@dataclass(frozen=True, slots=True)
class Analytics:
    start: date
    end: date
    now: datetime
    bands: Bands
    teams: tuple[TeamLoad, ...]
    displacement: tuple[DisplacementPeriod, ...] = field(default=())

    def people(self, *, waiting: bool) -> list[int]:
        """The children whose items are shown by title, for the audit entry of a showing: the
        low-harm items', which every view names (`sentence`), and with `waiting` the waiting
        items' too (the JSON lists their titles; the page and the command line count them)."""
        shown = {p for d in self.displacement for p in d.low_people}
        if waiting:
            shown.update(p for d in self.displacement for p in d.waiting_people)
        return sorted(shown)


@dataclass(frozen=True, slots=True)
class _Logged:
    team: str
    hours: float
    day: date
    band: HarmBand
    title: str
    person_id: int | None
    item_id: int
    unnamed: str


@dataclass(frozen=True, slots=True)
class _Waiting:
    team: str
    title: str
    due_at: datetime
    decided_at: datetime | None
    person_id: int | None
    item_id: int
    unnamed: str

    def waiting_on(self, start: datetime, end: datetime) -> bool:
        """Past due and undecided at some moment between start and end."""
        if self.due_at >= end:
            return False
        return self.decided_at is None or self.decided_at > max(start, self.due_at)


def workload_analytics(session: Session, *, config: TriageConfig, now: datetime, days: int = 28) -> Analytics:
    """The last `days` England days up to `now`, for every team with hours or past-due items."""
    end = local_date(now)
    start = end - timedelta(days=days - 1)
    since = _day_start(start)
    logged = _logged(session, config.bands, since, now)
    waiting = _waiting(session, config.bands, since, now)
    past_due = _past_due(session, config.bands, now)
    names = sorted({x.team for x in logged} | {w.team for w in waiting} | set(past_due))
    teams = tuple(_team(name, logged, waiting, past_due, start, end, now) for name in names)
    periods = tuple(p for t in teams for p in _periods(t, logged, waiting, now))
    return Analytics(start, end, now, config.bands, teams, periods)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ENGLAND)


def _logged(session: Session, bands: Bands, since: datetime, now: datetime) -> list[_Logged]:
    query = (
        select(
            TriageWorkLog.team,
            TriageWorkLog.hours,
            TriageWorkLog.worked_at,
            TriageItem.harm_days,
            TriageItem.title,
            TriageItem.person_id,
            TriageItem.id,
            TriageItem.kind,
            TriageItem.opened_at,
        )
        .join(TriageItem, TriageItem.id == TriageWorkLog.item_id)
        .where(TriageWorkLog.worked_at >= since, TriageWorkLog.worked_at <= now)
    )
    return [
        _Logged(
            team,
            hours,
            local_date(at),
            bands.band(harm),
            f"{title} ({harm:g} harm days)",
            person,
            item,
            unnamed(kind, harm, opened),
        )
        for team, hours, at, harm, title, person, item, kind, opened in session.execute(query)
    ]


def _waiting(session: Session, bands: Bands, since: datetime, now: datetime) -> list[_Waiting]:
    query = select(
        TriageItem.team,
        TriageItem.title,
        TriageItem.due_at,
        TriageItem.decided_at,
        TriageItem.person_id,
        TriageItem.id,
        TriageItem.kind,
        TriageItem.harm_days,
        TriageItem.opened_at,
    ).where(
        TriageItem.harm_days >= bands.high,
        TriageItem.due_at < now,
        or_(TriageItem.decided_at.is_(None), TriageItem.decided_at > since),
    )
    return [
        _Waiting(team, title, due, decided, person, item, unnamed(kind, harm, opened))
        for team, title, due, decided, person, item, kind, harm, opened in session.execute(query)
    ]


def unnamed(kind: str, harm_days: float, opened_at: datetime) -> str:
    """An item as a manager of another team may read it: what kind of work, how harmful and how
    old, so the displacement still says what the hours went on without naming a child or an
    offence ("Police investigation of 10 harm days, opened 20 Nov 2026")."""
    what = ITEM_KINDS.get(kind, "Work item")
    return f"{what} of {harm_days:g} harm days, opened {local_date(opened_at):%-d %b %Y}"


def _past_due(session: Session, bands: Bands, now: datetime) -> dict[str, dict[HarmBand, int]]:
    query = select(TriageItem.team, TriageItem.harm_days).where(
        TriageItem.status.in_(OPEN_STATUSES), TriageItem.due_at < now
    )
    out: dict[str, dict[HarmBand, int]] = defaultdict(lambda: dict.fromkeys(HARM_BANDS, 0))
    for team, harm in session.execute(query):
        out[team][bands.band(harm)] += 1
    return dict(out)


def _team(
    name: str,
    logged: list[_Logged],
    waiting: list[_Waiting],
    past_due: dict[str, dict[HarmBand, int]],
    start: date,
    end: date,
    now: datetime,
) -> TeamLoad:
    mine = [x for x in logged if x.team == name]
    theirs = [w for w in waiting if w.team == name]
    hours: dict[HarmBand, float] = {b: sum(x.hours for x in mine if x.band == b) for b in HARM_BANDS}
    days = []
    day = start
    while day <= end:
        day_hours: dict[HarmBand, float] = {
            b: sum(x.hours for x in mine if x.day == day and x.band == b) for b in HARM_BANDS
        }
        lo, hi = _day_start(day), min(_day_start(day + timedelta(days=1)), now)
        days.append(DayLoad(day, day_hours, sum(1 for w in theirs if w.waiting_on(lo, hi))))
        day += timedelta(days=1)
    return TeamLoad(name, hours, past_due.get(name, dict.fromkeys(HARM_BANDS, 0)), tuple(days))


def _periods(
    team: TeamLoad, logged: list[_Logged], waiting: list[_Waiting], now: datetime
) -> list[DisplacementPeriod]:
    """Runs of displaced days, bridging days off on which high-harm items still waited."""
    runs: list[list[DayLoad]] = []
    gap: list[DayLoad] = []
    for day in team.days:
        if day.displaced:
            if runs and all(not is_working_day(g.day) and g.high_waiting for g in gap):
                runs[-1].extend(gap)
                runs[-1].append(day)
            else:
                runs.append([day])
            gap = []
        elif runs:
            gap.append(day)
    return [_period(team.team, run, logged, waiting, now) for run in runs]


def _period(
    team: str, run: list[DayLoad], logged: list[_Logged], waiting: list[_Waiting], now: datetime
) -> DisplacementPeriod:
    first, last = run[0].day, run[-1].day
    lo, hi = _day_start(first), min(_day_start(last + timedelta(days=1)), now)
    low = [x for x in logged if x.team == team and x.band == "low" and first <= x.day <= last]
    waited = [w for w in waiting if w.team == team and w.waiting_on(lo, hi)]
    longest = max((min(w.decided_at or hi, hi) - w.due_at for w in waited), default=timedelta(0))
    return DisplacementPeriod(
        team=team,
        start=first,
        end=last,
        displaced_days=sum(1 for d in run if d.displaced),
        low_hours=round(sum(x.hours for x in low), 2),
        low_items=tuple(sorted({x.title for x in low})),
        waiting_items=tuple(sorted({w.title for w in waited})),
        max_waiting=max(d.high_waiting for d in run),
        longest_overdue=longest,
        low_people=_people([x.person_id for x in low]),
        waiting_people=_people([w.person_id for w in waited]),
        low_unnamed=_each_item({x.item_id: x.unnamed for x in low}),
        waiting_unnamed=_each_item({w.item_id: w.unnamed for w in waited}),
    )


def _each_item(described: dict[int, str]) -> tuple[str, ...]:
    return tuple(sorted(described.values()))


def _people(ids: list[int | None]) -> tuple[int, ...]:
    return tuple(sorted({person for person in ids if person is not None}))


def analytics_lines(analytics: Analytics) -> list[str]:
    """The same analysis as plain text, for `alarmbell triage analytics`."""
    b = analytics.bands
    lines = [
        f"Workload {analytics.start} to {analytics.end} (as at {analytics.now:%Y-%m-%d %H:%M} UTC); "
        f"low harm <= {b.low:g} days, high harm >= {b.high:g} days",
        "",
        "Hours by harm band and team",
        f"  {'team':<40} {'low':>8} {'medium':>8} {'high':>8}",
    ]
    for t in analytics.teams:
        lines.append(f"  {t.team:<40} {t.hours['low']:>8g} {t.hours['medium']:>8g} {t.hours['high']:>8g}")
    lines += ["", "Items past due now, by harm band", f"  {'team':<40} {'low':>8} {'medium':>8} {'high':>8}"]
    for t in analytics.teams:
        p = t.past_due_now
        lines.append(f"  {t.team:<40} {p['low']:>8} {p['medium']:>8} {p['high']:>8}")
    lines += ["", "Displacement (hours on low-harm work while high-harm items waited past due)"]
    lines += [f"  {p.sentence}" for p in analytics.displacement] or ["  none found"]
    return lines


@dataclass(frozen=True, slots=True)
class EscalationLoad:
    """One team's open escalations now, and the low-harm items past due that were not escalated."""

    team: str
    to_team_manager: int
    to_head_of_service: int
    past_due_not_escalated: int


def escalation_load(session: Session, *, config: TriageConfig, now: datetime) -> tuple[EscalationLoad, ...]:
    """Per team: open items escalated (to whom), and items past due below the escalation harm.

    Escalation means an unacknowledged item of at least `config.escalate_from_harm_days` whose
    clock ran out; it is "escalated now" until someone takes it on (then it is owned, though it
    may still wait past due). A proposed closing no team manager countersigned in time is escalated
    to the head of service until someone countersigns it; work taken on and not decided in time is
    escalated (to the team manager, then the head of service) until it is decided. The third
    number shows what was deliberately not pushed up the chain, so a manager can see both that
    escalations are few and why (alarm fatigue made visible).
    """
    rows = session.execute(
        select(
            TriageItem.id,
            TriageItem.team,
            TriageItem.escalation_level,
            TriageItem.harm_days,
            TriageItem.due_at,
            TriageItem.status,
        ).where(TriageItem.status.in_(OPEN_STATUSES))
    ).all()
    unsigned = {c.item_id for c in waiting_closings(session, config=config).values() if c.escalated}
    held = {
        c.item_id: max(ESCALATION_STEPS.index(step) + 1 for step in c.escalated)
        for c in taken_on_clocks(session, config=config).values()
        if c.escalated
    }
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for item_id, team, stored_level, harm, due, status in rows:
        level = stored_level if status == "open" or item_id in unsigned else held.get(item_id, 0)
        if level == 1:
            counts[team][0] += 1
        elif level >= 2:
            counts[team][1] += 1
        elif due < now and harm < config.escalate_from_harm_days:
            counts[team][2] += 1
    return tuple(EscalationLoad(team, *values) for team, values in sorted(counts.items()) if any(values))
