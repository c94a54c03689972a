"""Every amber or red alert becomes owned work at once: one open item per child in its team's queue.

Called in the same transaction that stores the alerts (`route_new_alerts` after the alert rows
are flushed), so an alert and its work item commit together or not at all.

One open alert item per child: a first alert opens it; a later alert for the same child (a rise
to red, or a new indicator on a child already amber or red) updates it and is recorded in its
history, rather than adding a second line to the queue for the same child. New evidence that only
feeds an indicator already applying raises no alert while the item is open (policy.engine): it is
added to the item's history as `evidence_added`. A rise to red tightens
the clock and raises the item's harm; the clock never moves later.

The clock runs from the moment the alert was raised when alarmbell raised it in time. An alert
computed from records that arrived after its clock would already have run out (a late record, or
history loaded when a partnership goes live) starts its clock when alarmbell raises it: nobody
could have acted on it before, and it must not land in the queue already escalated. The late
arrival is said on the item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from alarmbell.alerts import refresh_due_alerts, rescore_on_spark
from alarmbell.alerts.rescore import RescoreSummary, rescore
from alarmbell.domain.alerts import EvidenceUpdate
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.domain.wording import plural
from alarmbell.identity import LinkSummary, link_people, merged_ids, view
from alarmbell.policy import Policy
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import AlertRow, TriageEvent, TriageItem
from alarmbell.triage.config import TriageConfig
from alarmbell.triage.scoring import alert_harm
from alarmbell.triage.service import (
    OPEN_STATUSES,
    SYSTEM,
    TEAM_MASH,
    NewItem,
    audit,
    lapse_proposal,
    open_item,
)
from alarmbell.triage.timescales import AlertClock, alert_clock

ROUTED_LEVELS = (AlertLevel.AMBER.value, AlertLevel.RED.value)
#: Audit kind of new evidence added to an open item without an alert of its own (docs/triage.md).
EVIDENCE_ADDED = "evidence_added"
RANK = {AlertLevel.GREEN.value: 0, AlertLevel.AMBER.value: 1, AlertLevel.RED.value: 2}


@dataclass(frozen=True, slots=True)
class Routed:
    """What routing did with new alerts: items opened and items updated with new evidence."""

    opened: tuple[int, ...] = ()
    updated: tuple[int, ...] = ()

    @property
    def line(self) -> str:
        opened = len(self.opened)
        return f"{opened} new {plural('work item', opened)}, {len(self.updated)} updated with new evidence"


def route_new_alerts(session: Session, *, after_id: int, config: TriageConfig, now: datetime) -> Routed:
    """Open or update the work item of every amber or red alert stored with an id above `after_id`."""
    session.flush()
    query = (
        select(AlertRow)
        .where(AlertRow.id > after_id, AlertRow.level.in_(ROUTED_LEVELS))
        .order_by(AlertRow.raised_at, AlertRow.id)
    )
    return route_alerts(session, alerts=list(session.scalars(query)), config=config, now=now)


def route_own_alerts(
    session: Session, *, after_id: int | None, config: TriageConfig, now: datetime
) -> Routed:
    """Route the alerts a run stored, above the mark its store took under the alert-writing lock
    (`alerts.store_alerts`); None: it stored none. A mark read before evaluating took in the
    alerts another intake stored meanwhile, and routed them a second time."""
    if after_id is None:
        return Routed()
    return route_new_alerts(session, after_id=after_id, config=config, now=now)


def route_alerts(
    session: Session, *, alerts: Sequence[AlertRow], config: TriageConfig, now: datetime
) -> Routed:
    opened: list[int] = []
    updated: list[int] = []
    for alert in alerts:
        if alert.level not in ROUTED_LEVELS:
            continue
        item = open_alert_item(session, alert.person_id)
        if item is None:
            row = open_item(session, item=alert_item(session, alert, config, now), now=now)
            if row is not None:
                opened.append(row.id)
        elif _add_evidence(session, item, alert, config, now):
            updated.append(item.id)
    session.flush()
    return Routed(tuple(opened), tuple(dict.fromkeys(updated)))


def open_alert_item(session: Session, person_id: int) -> TriageItem | None:
    """The child's open alert item, the oldest, also one opened under an id since merged into
    theirs: new evidence joins it rather than opening a second item for one child."""
    query = select(TriageItem).where(
        TriageItem.person_id.in_(merged_ids(session, person_id)),
        TriageItem.kind == "alert",
        TriageItem.status.in_(OPEN_STATUSES),
    )
    return session.scalars(query.order_by(TriageItem.id)).first()


def clock(alert: AlertRow, config: TriageConfig, now: datetime) -> AlertClock:
    """The alert's decision clock, received now (timescales.alert_clock, which the review uses too)."""
    return alert_clock(
        alert.level, raised=alert.raised_at, received=now, working_days=config.alert_working_days
    )


def alert_item(session: Session, alert: AlertRow, config: TriageConfig, now: datetime) -> NewItem:
    person = view(session, alert.person_id)
    name = person.display_name if person else f"person {alert.person_id}"
    started = clock(alert, config, now)
    return NewItem(
        source_key=f"alert:{alert.id}",
        kind="alert",
        title=f"{alert.level.capitalize()} alert: {name}",
        team=TEAM_MASH,
        opened_at=started.start,
        due_at=started.due,
        timescale=f"alert_{alert.level}",
        harm_days=alert_harm(alert.level, config.alert_harm_days),
        harm_basis="alert level",
        harm_source=why(alert, config, late=started.arrived_late),
        person_id=alert.person_id,
        referrer="alarmbell early warning",
        alert_level=alert.level,
    )


def why(alert: AlertRow, config: TriageConfig, *, late: bool) -> str:
    """The item's reason in words: the level's timescale and weight in the queue (docs/triage.md)."""
    days = int(config.alert_working_days[alert.level])
    harm = alert_harm(alert.level, config.alert_harm_days)
    text = (
        f"{'An' if alert.level == 'amber' else 'A'} {alert.level} alert from the early-warning policy: "
        f"the MASH decides within {days} working day{'s' if days != 1 else ''}. In the queue it weighs "
        f"as {harm:g} harm days (a local equivalent, not a Crime Harm Index value)."
    )
    if late:
        text += (
            f" It was raised from records dated {alert.raised_at:%-d %b %Y} that reached alarmbell after "
            "that time had passed, so its clock started when alarmbell raised it."
        )
    return text


def _add_evidence(
    session: Session, item: TriageItem, alert: AlertRow, config: TriageConfig, now: datetime
) -> bool:
    """Record a later alert on the child's open item; a rise in level tightens its clock."""
    detail: dict[str, object] = {
        "alert_id": alert.id,
        "level": alert.level,
        "raised_at": alert.raised_at.isoformat(),
        "explanation": alert.explanation[:1000],
    }
    if RANK[alert.level] > RANK.get(item.alert_level or "green", 0):
        started = clock(alert, config, now)
        detail.update({"from_level": item.alert_level, "due_before": item.due_at.isoformat()})
        item.alert_level = alert.level
        item.title = f"{alert.level.capitalize()} alert: {item.title.split(': ', 1)[-1]}"
        item.harm_days = max(item.harm_days, alert_harm(alert.level, config.alert_harm_days))
        item.timescale = f"alert_{alert.level}"
        item.due_at = min(item.due_at, started.due)
        item.harm_source = why(alert, config, late=started.arrived_late)
    audit(session, item, "new_evidence", SYSTEM.name, now, detail, actor=SYSTEM)
    if item.status == "awaiting_countersignature":
        because = f"a {alert.level} alert arrived after the closing was proposed"
        lapse_proposal(session, item_id=item.id, because=because, now=now)
    return True


@dataclass(frozen=True, slots=True)
class RaisedAndRouted:
    """One early-warning run: people evaluated, alerts stored, and the work they became."""

    people: int
    created: int
    routed: Routed


def refresh_and_route(
    session: Session,
    *,
    policy: Policy,
    config: TriageConfig,
    now: datetime,
    everyone: bool = False,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
) -> RaisedAndRouted:
    """Evaluate everyone due (or everyone) and route each new alert to work, in one transaction.

    Every intake (CLI, API, form), `link` and the demo end here, so an alert and its work item
    commit together or not at all, and no separate refresh is needed.
    """
    updates: list[EvidenceUpdate] = []
    done = refresh_due_alerts(
        session, policy=policy, everyone=everyone, progress=progress, total=total, updates=updates
    )
    routed = route_own_alerts(session, after_id=done.after_id, config=config, now=now)
    added = add_evidence_updates(session, updates=updates, now=now)
    return RaisedAndRouted(done.people, done.created, Routed(routed.opened, (*routed.updated, *added)))


def add_evidence_updates(
    session: Session, *, updates: Sequence[EvidenceUpdate], now: datetime
) -> tuple[int, ...]:
    """Add to each child's open alert item the new evidence that raised no alert of its own.

    The engine gives every such moment in the child's history; an item takes those from its
    first alert on, once each (re-evaluating the child adds nothing twice). Returns the items
    updated.
    """
    updated: list[int] = []
    by_person: dict[int, list[EvidenceUpdate]] = {}
    for update in updates:
        by_person.setdefault(update.person_id, []).append(update)
    for person_id, found in sorted(by_person.items()):
        item = open_alert_item(session, person_id)
        if item is None:
            continue
        since, recorded = _item_evidence(session, item)
        for update in found:
            if update.at >= since and update.at.isoformat() not in recorded:
                audit(session, item, EVIDENCE_ADDED, SYSTEM.name, now, _update_detail(update), actor=SYSTEM)
                updated.append(item.id)
    session.flush()
    return tuple(dict.fromkeys(updated))


def _item_evidence(session: Session, item: TriageItem) -> tuple[datetime, set[str]]:
    """When the item's first alert was raised, and the moments of evidence already added to it."""
    number = item.source_key.removeprefix("alert:")
    first = session.get(AlertRow, int(number)) if number.isdigit() else None
    since = first.raised_at if first is not None else item.opened_at
    query = select(TriageEvent.detail).where(
        TriageEvent.item_id == item.id, TriageEvent.kind == EVIDENCE_ADDED
    )
    return since, {str((detail or {}).get("at")) for detail in session.scalars(query)}


def _update_detail(update: EvidenceUpdate) -> dict[str, object]:
    return {
        "at": update.at.isoformat(),
        "level": update.level.value,
        "indicators": list(update.indicators),
        "titles": list(update.titles),
        "evidence": [list(key) for key in update.evidence],
    }


@dataclass(frozen=True, slots=True)
class LinkedAndRaised:
    """What linking found, then what the early-warning run that followed raised and routed
    under which policy version."""

    linked: LinkSummary
    raised: RaisedAndRouted
    policy_version: str


def link_and_refresh(
    engine: Engine,
    *,
    settings: Settings,
    policy: Policy,
    now: datetime,
    everyone: bool = False,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
) -> LinkedAndRaised:
    """Link identities, then evaluate everyone due (or everyone) and route the new alerts to work.

    What every intake (CLI, API, form), `alarmbell link` and the demo do after storing records.
    Two transactions, not one: the links commit first, releasing the identity lock
    (identity.serial) before the long evaluation, so parallel intakes wait only for each other's
    linking. The people linking marked due stay marked until their alerts commit, so a failure
    in between leaves them for the next run to evaluate.
    """
    with session_scope(engine) as session:
        linked = link_people(session, unique_id_agencies=settings.unique_id_agencies)
    with session_scope(engine) as session:
        raised = refresh_and_route(
            session,
            policy=policy,
            config=TriageConfig.from_settings(settings),
            now=now,
            everyone=everyone,
            progress=progress,
            total=total,
        )
    return LinkedAndRaised(linked, raised, policy.version)


@dataclass(frozen=True, slots=True)
class RescoredAndRouted:
    """A batch re-evaluation of everyone, and the work its new alerts became."""

    rescored: RescoreSummary
    routed: Routed


def rescore_and_route(
    session: Session,
    *,
    policy: Policy,
    settings: Settings,
    now: datetime,
    workers: int,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
    spark: Any | None = None,
) -> RescoredAndRouted:
    """Re-evaluate every person as a batch (after a policy change) and route each new alert to
    work, in the caller's transaction, so the alerts and their work items commit together.

    With `spark` (a SparkSession) the per-child work runs there (`alerts.spark_rescore`):
    the same alerts, stored the same way; `workers` and `progress` are then not used."""
    if spark is not None:
        rescored = rescore_on_spark(session, policy=policy, spark=spark)
    else:
        rescored = rescore(
            session, policy=policy, settings=settings, workers=workers, progress=progress, total=total
        )
    config = TriageConfig.from_settings(settings)
    routed = route_own_alerts(session, after_id=rescored.after_id, config=config, now=now)
    return RescoredAndRouted(rescored, routed)


__all__ = [
    "EVIDENCE_ADDED",
    "LinkedAndRaised",
    "RaisedAndRouted",
    "RescoredAndRouted",
    "add_evidence_updates",
    "Routed",
    "link_and_refresh",
    "open_alert_item",
    "refresh_and_route",
    "rescore_and_route",
    "route_alerts",
    "route_new_alerts",
]
