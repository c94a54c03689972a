"""Building and refreshing work items from the case store: alerts, referrals, investigations, steps.

One item per source (an alert, an event, a statutory step), keyed by `source_key`, so a refresh
after every ingest only adds what is new. Each item gets its owning team, its clock from
timescales.py and its harm from harm.py or the child's alert level, with the source of both.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.domain.wording import plural
from alarmbell.identity import person_ids_for_records, view
from alarmbell.storage.tables import AlertRow, EventRecordRow, TriageEvent, TriageItem
from alarmbell.triage.alert_work import route_alerts
from alarmbell.triage.config import TriageConfig
from alarmbell.triage.harm import HarmTable, default_harm_table
from alarmbell.triage.scoring import alert_harm, mash_level_for_harm
from alarmbell.triage.service import (
    TEAM_ASSESSMENT,
    TEAM_CONFERENCES,
    TEAM_MASH,
    TEAM_POLICE,
    TEAM_POLICE_CPU,
    NewItem,
    open_item,
)
from alarmbell.triage.timescales import (
    assessment_due,
    initial_conference_due,
    mash_due,
    referral_decision_due,
    review_conference_due,
)

INVESTIGATION_KINDS: Final = ("crime_report", "arrest")
EVENT_KINDS: Final = (*INVESTIGATION_KINDS, "referral", "strategy_discussion", "cp_conference")
ASSESSMENT_OUTCOMES: Final = frozenset({"assessment", "s47"})


@dataclass
class RefreshSummary:
    created: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.created.values())

    @property
    def line(self) -> str:
        if not self.total:
            return "no new work items"
        parts = ", ".join(f"{n} {kind}" for kind, n in sorted(self.created.items()))
        return f"{self.total} new {plural('work item', self.total)} ({parts})"


@dataclass(frozen=True, slots=True)
class _Child:
    person_id: int | None
    name: str
    is_child: bool
    level: str | None


def refresh_items(
    session: Session,
    *,
    config: TriageConfig,
    now: datetime,
    since: datetime | None = None,
) -> RefreshSummary:
    """Open an item for every relevant event recorded since `since` that has none yet, and route
    any alert that has no work item yet (alerts are normally routed when they are stored)."""
    table = default_harm_table()
    summary = RefreshSummary()
    known = set(session.scalars(select(TriageItem.source_key)))
    routed = route_alerts(session, alerts=_unrouted_alerts(session, since), config=config, now=now)
    if routed.opened:
        summary.created["alert"] += len(routed.opened)
    for new in _event_items(session, config, table, since):
        if new.source_key not in known and open_item(session, item=new, now=now) is not None:
            known.add(new.source_key)
            summary.created[new.kind] += 1
    session.flush()
    return summary


def _unrouted_alerts(session: Session, since: datetime | None) -> list[AlertRow]:
    """Alerts neither opening an item nor recorded as new evidence on one."""
    keys = set(session.scalars(select(TriageItem.source_key).where(TriageItem.kind == "alert")))
    noted = {
        (event.detail or {}).get("alert_id")
        for event in session.scalars(select(TriageEvent).where(TriageEvent.kind == "new_evidence"))
    }
    query = select(AlertRow).order_by(AlertRow.raised_at, AlertRow.id)
    if since is not None:
        query = query.where(AlertRow.raised_at >= since)
    return [a for a in session.scalars(query) if f"alert:{a.id}" not in keys and a.id not in noted]


def _event_items(
    session: Session, config: TriageConfig, table: HarmTable, since: datetime | None
) -> list[NewItem]:
    query = (
        select(EventRecordRow)
        .where(EventRecordRow.kind.in_(EVENT_KINDS), EventRecordRow.held.is_(False))
        .order_by(EventRecordRow.recorded_at, EventRecordRow.id)
    )
    if since is not None:
        query = query.where(EventRecordRow.recorded_at >= since)
    items: list[NewItem] = []
    for event in session.scalars(query):
        child = _subject(session, event)
        if event.kind in INVESTIGATION_KINDS:
            items.append(_investigation(event, child, config, table))
        elif event.kind == "referral":
            items.extend(_referral(event, child, config))
        elif event.kind == "strategy_discussion":
            items.append(_initial_conference(event, child, config))
        else:
            first = _earlier_conferences(session, event, _first_subject(event.payload)) == 0
            items.append(_review(event, child, config, first=first))
    return items


def _first_subject(payload: dict[str, Any]) -> str:
    subjects = payload.get("subjects") or [""]
    return str(subjects[0])


def _subject(session: Session, event: EventRecordRow) -> _Child:
    """The event's first subject as a person, with their current alert level (if any)."""
    key = (event.agency, _first_subject(event.payload))
    person_id = person_ids_for_records(session, [key]).get(key)
    if person_id is None:
        return _Child(None, f"{event.agency} record {key[1]}", False, None)
    person = view(session, person_id)
    latest = session.scalar(
        select(AlertRow.level)
        .where(AlertRow.person_id == person_id)
        .order_by(AlertRow.raised_at.desc(), AlertRow.id.desc())
        .limit(1)
    )
    name = person.display_name if person else f"person {person_id}"
    return _Child(person_id, name, bool(person and person.role == "child"), latest)


def _child_harm(child: _Child, config: TriageConfig, floor: str) -> tuple[float, str]:
    """Harm of work about a child: the child's alert level, or `floor` if higher (or no alert)."""
    levels = [AlertLevel(floor)] + ([AlertLevel(child.level)] if child.level else [])
    level = max(levels, key=lambda lv: lv.rank)
    harm = alert_harm(level.value, config.alert_harm_days)
    why = f"the child's current {child.level} alert" if child.level == level.value else f"at least {floor}"
    return (
        harm,
        f"{harm:g} harm days: {why} (a local equivalent of the alert level, not a Crime Harm Index value).",
    )


def _investigation(event: EventRecordRow, child: _Child, config: TriageConfig, table: HarmTable) -> NewItem:
    attrs = event.payload.get("attrs") or {}
    offence = str(attrs.get("offence") or "offence not recorded")
    value = table.lookup(offence)
    harm, basis, source = value.days, value.basis, value.explain(offence)
    if child.is_child and child.level:
        alert_days = alert_harm(child.level, config.alert_harm_days)
        if alert_days > harm:
            harm, basis = alert_days, "alert level"
            source = f"{source} Raised to {alert_days:g} days: the child has a {child.level} alert."
    level = mash_level_for_harm(harm, config.bands)
    what = "Crime report" if event.kind == "crime_report" else "Arrest"
    return NewItem(
        source_key=f"event:{event.agency}:{event.source_id}",
        kind="investigation",
        title=f"{what}: {offence} ({child.name})",
        team=TEAM_POLICE_CPU if child.is_child else TEAM_POLICE,
        opened_at=event.recorded_at,
        due_at=mash_due(level, event.recorded_at, config.mash_hours),
        timescale=f"mash_{level}",
        harm_days=harm,
        harm_basis=basis,
        harm_source=source,
        person_id=child.person_id,
        referrer=str(event.payload.get("author") or event.agency),
        offence=offence,
    )


def _referral(event: EventRecordRow, child: _Child, config: TriageConfig) -> list[NewItem]:
    attrs = event.payload.get("attrs") or {}
    harm, source = _child_harm(child, config, "amber")
    referrer = str(attrs.get("from_agency") or event.payload.get("author") or event.agency)
    common: dict[str, Any] = dict(
        opened_at=event.recorded_at,
        harm_days=harm,
        harm_basis="alert level",
        harm_source=source,
        person_id=child.person_id,
        referrer=referrer,
        alert_level=child.level,
    )
    items = [
        NewItem(
            source_key=f"event:{event.agency}:{event.source_id}",
            kind="referral_decision",
            title=f"Referral from {referrer}: {child.name}",
            team=TEAM_MASH,
            due_at=referral_decision_due(event.recorded_at),
            timescale="referral_decision",
            **common,
        )
    ]
    if attrs.get("outcome") in ASSESSMENT_OUTCOMES:
        items.append(
            NewItem(
                source_key=f"assessment:{event.agency}:{event.source_id}",
                kind="assessment",
                title=f"Assessment: {child.name}",
                team=TEAM_ASSESSMENT,
                due_at=assessment_due(event.recorded_at),
                timescale="assessment",
                **common,
            )
        )
    return items


def _initial_conference(event: EventRecordRow, child: _Child, config: TriageConfig) -> NewItem:
    harm, source = _child_harm(child, config, "red")
    return NewItem(
        source_key=f"conference:{event.agency}:{event.source_id}",
        kind="initial_conference",
        title=f"Initial child protection conference: {child.name}",
        team=TEAM_CONFERENCES,
        opened_at=event.occurred_at,
        due_at=initial_conference_due(event.occurred_at),
        timescale="initial_conference",
        harm_days=harm,
        harm_basis="alert level",
        harm_source=source,
        person_id=child.person_id,
        referrer=event.agency,
        alert_level=child.level,
    )


def _earlier_conferences(session: Session, event: EventRecordRow, subject: str) -> int:
    """Child protection conferences of the same child recorded before this one."""
    query = select(EventRecordRow.payload).where(
        EventRecordRow.kind == "cp_conference",
        EventRecordRow.agency == event.agency,
        EventRecordRow.occurred_at < event.occurred_at,
    )
    return sum(1 for payload in session.scalars(query) if _first_subject(payload) == subject)


def _review(event: EventRecordRow, child: _Child, config: TriageConfig, *, first: bool) -> NewItem:
    harm, source = _child_harm(child, config, "red")
    return NewItem(
        source_key=f"review:{event.agency}:{event.source_id}",
        kind="review_conference",
        title=f"{'First review' if first else 'Review'} conference: {child.name}",
        team=TEAM_CONFERENCES,
        opened_at=event.occurred_at,
        due_at=review_conference_due(event.occurred_at, first=first),
        timescale="first_review" if first else "later_review",
        harm_days=harm,
        harm_basis="alert level",
        harm_source=source,
        person_id=child.person_id,
        referrer=event.agency,
        alert_level=child.level,
    )
