"""A seeded displacement scenario: a police child-protection unit works a bigamy file for days
while red alerts wait past due.

It reproduces, in synthetic data, the complaint behind issue 6: a child-protection officer spent
days on a bigamy prosecution (a paperwork offence, about 10 harm days) while child-protection work
waited. Two other teams (the MASH and an assessment team) work by harm, for contrast, so the
analytics page shows the difference at a glance. Everything goes through the real service (open,
acknowledge, decide, log time, escalate on an hourly clock), so the audit trail is the one a
deployment would have. Seeded with `random.Random(seed)`: the same seed and `now` give the same
items, hours and audit. Red alerts name real children from the store when it has red alerts: those
alerted in the last two years when there are any.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Final

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from alarmbell.alerts import alerted_people
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import TriageItem
from alarmbell.triage.config import TriageConfig
from alarmbell.triage.harm import HarmTable, default_harm_table
from alarmbell.triage.scoring import alert_harm, mash_level_for_harm
from alarmbell.triage.service import (
    TEAM_ASSESSMENT,
    TEAM_MASH,
    TEAM_POLICE_CPU,
    NewItem,
    acknowledge,
    decide,
    escalate_overdue,
    get_item,
    open_item,
)
from alarmbell.triage.timescales import (
    ENGLAND,
    assessment_due,
    is_working_day,
    local_date,
    mash_due,
    referral_decision_due,
)
from alarmbell.triage.worklog import log_time

DEFAULT_SEED: Final = 2012
WINDOW_DAYS: Final = 14
#: How recent a red alert is for the scenario to name its child as current work.
CURRENT: Final = timedelta(days=730)
OFFICER: Final = "DC Rhys Morgan"
COLLEAGUE: Final = "DC Jo Okafor"
MANAGER: Final = "DS Kiran Patel"
MASH_WORKERS: Final = ("Sam Reid (MASH)", "Priya Shah (MASH)")
SOCIAL_WORKERS: Final = ("Alex Byrne (social worker)", "Dee Walsh (social worker)")
STAND_IN_NAMES: Final = (
    "Mia Lowe",
    "Kacper Nowak",
    "Ellie Hart",
    "Tyler Quinn",
    "Amira Hassan",
    "Oscar Finch",
    "Lily Carr",
    "Noah Price",
    "Zara Khan",
    "Jack Dunn",
    "Ava Bell",
    "Leon Marsh",
)


@dataclass
class ScenarioSummary:
    seed: int
    items: int = 0
    hours: float = 0.0
    escalations: int = 0
    lines: list[str] = field(default_factory=list)


Action = tuple[datetime, int, Callable[[], None]]


class _Builder:
    """Collects timed actions, then plays them in order with escalation checked every hour."""

    def __init__(self, session: Session, config: TriageConfig, now: datetime, seed: int) -> None:
        self.session, self.config, self.now, self.seed = session, config, now, seed
        self.rng = random.Random(seed)
        self.today = local_date(now)
        self.actions: list[Action] = []
        self.ids: dict[str, int] = {}
        self.summary = ScenarioSummary(seed=seed)

    def at(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        day = self.today - timedelta(days=days_ago)
        return datetime.combine(day, time(hour, minute), tzinfo=ENGLAND)

    def add(self, when: datetime, action: Callable[[], None]) -> None:
        if when < self.now:
            self.actions.append((when, len(self.actions), action))

    def open(self, label: str, item: NewItem) -> None:
        def run() -> None:
            row = open_item(self.session, item=item, now=item.opened_at, by="scenario")
            if row is not None:
                self.ids[label] = row.id
                self.summary.items += 1

        self.add(item.opened_at, run)

    def ack(self, label: str, by: str, when: datetime) -> None:
        def run(item_id: int) -> None:
            acknowledge(self.session, item_id=item_id, by=by, now=when)

        self.add(when, lambda: self._if_open(label, run))

    def decide(self, label: str, by: str, when: datetime, decision: str, why: str) -> None:
        def run(item_id: int) -> None:
            decide(self.session, item_id=item_id, by=by, decision=decision, rationale=why, now=when)

        self.add(when, lambda: self._if_open(label, run))

    def log(self, label: str, person: str, hours: float, when: datetime) -> None:
        def run() -> None:
            if label in self.ids:
                log_time(
                    self.session,
                    item_id=self.ids[label],
                    person=person,
                    hours=hours,
                    worked_at=when,
                    now=when + timedelta(hours=hours),
                    source="scenario",
                )
                self.summary.hours += hours

        self.add(when, run)

    def _if_open(self, label: str, step: Callable[[int], object]) -> None:
        if label in self.ids and get_item(self.session, self.ids[label]).status != "decided":
            step(self.ids[label])

    def play(self) -> None:
        tick = self.at(WINDOW_DAYS, 0)
        for when, _, action in sorted(self.actions, key=lambda a: (a[0], a[1])):
            while tick <= when:
                self.summary.escalations += len(escalate_overdue(self.session, config=self.config, now=tick))
                tick += timedelta(hours=1)
            action()
        self.summary.escalations += len(escalate_overdue(self.session, config=self.config, now=self.now))
        self.session.flush()


def load_displacement_scenario(
    session: Session,
    *,
    now: datetime,
    seed: int = DEFAULT_SEED,
    config: TriageConfig | None = None,
) -> ScenarioSummary:
    """Add the scenario's items, hours and audit for the 14 days before `now` (once per seed)."""
    config = config or TriageConfig()
    if session.scalar(select(TriageItem.id).where(TriageItem.source_key.like(f"scenario:{seed}:%")).limit(1)):
        return ScenarioSummary(seed=seed, lines=["triage scenario: already loaded"])
    b = _Builder(session, config, now, seed)
    children, ambers = _children(session, now, "red"), _children(session, now, "amber")
    _police_unit(b, children, ambers, default_harm_table())
    _mash(b, children, ambers)
    _assessment_team(b, children)
    _health_referrals(b, children)
    b.play()
    s = b.summary
    s.lines.append(
        f"triage scenario (seed {seed}): {s.items} work items, {s.hours:g} hours logged, "
        f"{s.escalations} escalations; see /triage/analytics"
    )
    return s


def _children(session: Session, now: datetime, level: str) -> list[tuple[int | None, str]]:
    """Children whose alert is at `level` in the store (so links lead somewhere), else stand-in
    names. An item titled "Amber alert" names an amber child: the scenario once named red
    children in amber items, so the queue called a red child amber.

    The scenario is the last fortnight's work, so it names children whose alerts are current
    (raised in the `CURRENT` before `now`), the most recently alerted first. A store holding only
    history (a review's, a test's) lends its historic children instead. In the demo this keeps
    the published case's children (alerted by 2012, its historic review) out of current work."""
    alerted = [p for p in alerted_people(session, limit=400) if p.level == level]
    alerted.sort(key=lambda p: (p.last_raised_at, -p.person_id), reverse=True)
    current = [p for p in alerted if now - p.last_raised_at <= CURRENT]
    found: list[tuple[int | None, str]] = [(p.person_id, p.display_name) for p in current or alerted]
    stand_ins: list[tuple[int | None, str]] = [(None, name) for name in STAND_IN_NAMES]
    return [*found[:12], *stand_ins][:12]


def _key(b: _Builder, label: str) -> str:
    return f"scenario:{b.seed}:{label}"


def _offence_item(
    b: _Builder, label: str, offence: str, title: str, opened: datetime, table: HarmTable
) -> NewItem:
    value = table.lookup(offence)
    level = mash_level_for_harm(value.days, b.config.bands)
    return NewItem(
        source_key=_key(b, label),
        kind="investigation",
        title=title,
        team=TEAM_POLICE_CPU,
        opened_at=opened,
        due_at=mash_due(level, opened, b.config.mash_hours),
        timescale=f"mash_{level}",
        harm_days=value.days,
        harm_basis=value.basis,
        harm_source=value.explain(offence),
        referrer="police",
        offence=offence,
        owner=OFFICER,
    )


def _alert_item(
    b: _Builder, label: str, level: str, child: tuple[int | None, str], team: str, opened: datetime, what: str
) -> NewItem:
    harm = alert_harm(level, b.config.alert_harm_days)
    return NewItem(
        source_key=_key(b, label),
        kind="alert",
        title=f"{level.capitalize()} alert: {child[1]} ({what})",
        team=team,
        opened_at=opened,
        due_at=mash_due(level, opened, b.config.mash_hours),
        timescale=f"mash_{level}",
        harm_days=harm,
        harm_basis="alert level",
        harm_source=f"{'An' if level == 'amber' else 'A'} {level} alert counts as {harm:g} harm days "
        "(a local equivalent, not a Crime Harm Index value).",
        person_id=child[0],
        referrer="alarmbell early warning",
        alert_level=level,
    )


def _working_days(b: _Builder, first: int, last: int) -> list[int]:
    """Days-ago offsets from `first` down to `last` that are England working days."""
    return [d for d in range(first, last - 1, -1) if is_working_day(b.today - timedelta(days=d))]


def _police_unit(
    b: _Builder,
    children: list[tuple[int | None, str]],
    ambers: list[tuple[int | None, str]],
    table: HarmTable,
) -> None:
    """The bigamy file takes most of the officer's days; red alerts sent to the unit wait."""
    title = "Crime report: bigamy"
    b.open("bigamy", _offence_item(b, "bigamy", "bigamy", title, b.at(13, 8, 30), table))
    b.ack("bigamy", OFFICER, b.at(13, 9, 10))
    for d in _working_days(b, 12, 2):
        b.log("bigamy", OFFICER, b.rng.choice((6.0, 6.5, 7.0, 7.5)), b.at(d, 9))
        if b.rng.random() < 0.5:
            b.log("bigamy", COLLEAGUE, b.rng.choice((1.5, 2.0, 2.5)), b.at(d, 14))
    b.decide("bigamy", OFFICER, b.at(2, 16), "referred_on", "Full file sent to the CPS for charging.")
    theft = "Crime report: theft of a bicycle from a school"
    b.open("theft", _offence_item(b, "theft", "theft", theft, b.at(9, 11), table))
    b.log("theft", COLLEAGUE, 2.0, b.at(8, 10))
    for n, days_ago in enumerate((11, 10, 9, 7, 5, 3)):
        opened = b.at(days_ago, b.rng.choice((9, 10, 11, 14, 15)), b.rng.choice((0, 15, 30, 45)))
        label = f"police-red-{n}"
        what = "joint investigation needed"
        b.open(label, _alert_item(b, label, "red", children[n], TEAM_POLICE_CPU, opened, what))
    for n in (0, 1):
        b.ack(f"police-red-{n}", MANAGER, b.at(1, 9, 30 + n * 10))
        why = "Strategy discussion held with children's social care."
        b.decide(f"police-red-{n}", MANAGER, b.at(1, 11 + n), "strategy_discussion", why)
    # The sergeant takes on two reds once they reach him, and does not decide them: taken on is
    # not decided, so a working day later they escalate again, as work taken on; the newest two
    # are not seen.
    b.ack("police-red-2", MANAGER, b.at(7, 10))
    b.ack("police-red-3", MANAGER, b.at(5, 10))
    for n, days_ago in enumerate((8, 6, 2)):
        label = f"police-amber-{n}"
        opened = b.at(days_ago, 10)
        item = _alert_item(b, label, "amber", ambers[n], TEAM_POLICE_CPU, opened, "police check")
        b.open(label, item)
    b.ack("police-amber-0", OFFICER, b.at(5, 16))


def _mash(b: _Builder, children: list[tuple[int | None, str]], ambers: list[tuple[int | None, str]]) -> None:
    """The MASH handles its red alerts within hours and spends its time on them."""
    for n, d in enumerate(_working_days(b, 12, 1)):
        worker = MASH_WORKERS[n % 2]
        opened = b.at(d, 9, b.rng.choice((0, 20, 40)))
        level = "red" if n % 3 == 0 else "amber"
        label = f"mash-{n}"
        named = children if level == "red" else ambers
        child = named[n % len(named)]
        b.open(label, _alert_item(b, label, level, child, TEAM_MASH, opened, "MASH contact"))
        b.ack(label, worker, opened + timedelta(minutes=25))
        b.log(label, worker, b.rng.choice((2.5, 3.0, 3.5)), opened + timedelta(minutes=30))
        decision = "strategy_discussion" if level == "red" else "assessment"
        why = "Information shared and threshold decision made with partners."
        b.decide(label, worker, opened + timedelta(hours=3, minutes=30), decision, why)
        b.log(label, MASH_WORKERS[(n + 1) % 2], b.rng.choice((2.0, 2.5)), opened + timedelta(hours=4))


def _assessment_team(b: _Builder, children: list[tuple[int | None, str]]) -> None:
    """Assessments (amber-equivalent harm) worked steadily within their 45 working days."""
    for n in range(4):
        opened = b.at(13 - n * 3, 10)
        label = f"assessment-{n}"
        harm = alert_harm("amber", b.config.alert_harm_days)
        item = NewItem(
            source_key=_key(b, label),
            kind="assessment",
            title=f"Assessment: {children[-1 - n][1]}",
            team=TEAM_ASSESSMENT,
            opened_at=opened,
            due_at=assessment_due(opened),
            timescale="assessment",
            harm_days=harm,
            harm_basis="alert level",
            harm_source=f"{harm:g} harm days: amber equivalent.",
            person_id=children[-1 - n][0],
            referrer="MASH",
            owner=SOCIAL_WORKERS[n % 2],
        )
        b.open(label, item)
        b.ack(label, SOCIAL_WORKERS[n % 2], opened + timedelta(hours=1))
        for d in _working_days(b, 12 - n * 3, 1):
            b.log(label, SOCIAL_WORKERS[n % 2], b.rng.choice((1.5, 2.0, 3.0)), b.at(d, 13))


def _health_referrals(b: _Builder, children: list[tuple[int | None, str]]) -> None:
    """Two referrals a health visitor made to the MASH, on working days: one decided the next
    working day, one still with the MASH. They are what "What you reported" is for: without them
    a health user of the demo sees that page empty. No random draws, so the other teams' items
    and hours are the same with or without them."""
    days = _working_days(b, 7, 1)
    harm = alert_harm("amber", b.config.alert_harm_days)
    for n, (days_ago, child) in enumerate(((days[0], children[4]), (days[-1], children[5]))):
        label, opened = f"health-referral-{n}", b.at(days_ago, 11, 15)
        item = NewItem(
            source_key=_key(b, label),
            kind="referral_decision",
            title=f"Referral from Health (health visitor): {child[1]}",
            team=TEAM_MASH,
            opened_at=opened,
            due_at=referral_decision_due(opened),
            timescale="referral_decision",
            harm_days=harm,
            harm_basis="alert level",
            harm_source=f"{harm:g} harm days: amber equivalent.",
            person_id=child[0],
            referrer="health",
        )
        b.open(label, item)
        b.ack(label, MASH_WORKERS[n], opened + timedelta(hours=1))
    why = "Bruising seen by the health visitor and the police history: strategy discussion with police."
    b.decide("health-referral-0", MASH_WORKERS[0], b.at(days[1], 15), "strategy_discussion", why)


def demo_scenario(engine: Engine, settings: Settings) -> list[str]:
    """Load the scenario into the demo store, ending now (the demo is built to be looked at today)."""
    with session_scope(engine) as session:
        config = TriageConfig.from_settings(settings)
        return load_displacement_scenario(session, now=datetime.now(UTC), config=config).lines
