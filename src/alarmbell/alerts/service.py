"""Evaluating the policy over stored people and recording each rise in a child's level."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, insert, select
from sqlalchemy.orm import Session

from alarmbell.alerts.decided import decided_moments
from alarmbell.chronology import build_chronology
from alarmbell.domain.alerts import EvidenceUpdate, RaisedAlert, finding_to_json
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.identity import view
from alarmbell.policy import Policy, alerts_and_updates
from alarmbell.storage.tables import (
    AlertRow,
    Person,
)


@dataclass(frozen=True, slots=True)
class AlertedPerson:
    person_id: int
    display_name: str
    level: str
    last_raised_at: datetime
    alerts: int
    agencies: tuple[str, ...]


def live_people(session: Session) -> list[int]:
    query = select(Person.id).where(Person.merged_into.is_(None)).order_by(Person.id)
    return list(session.scalars(query))


def refresh_alerts(
    session: Session,
    *,
    policy: Policy,
    person_ids: Iterable[int] | None = None,
    progress: Callable[[int], None] | None = None,
    updates: list[EvidenceUpdate] | None = None,
) -> int:
    """Evaluate each person's full history and store any alert not stored before. Returns new alerts.

    `updates`, when given, receives the new evidence that was added to a child's open work item
    instead of raising an alert, for triage to record on the item (triage.alert_work).
    """
    ids = list(person_ids) if person_ids is not None else live_people(session)
    decided = decided_moments(session, ids)
    created = 0
    # New alerts are written once, at the end: flushing them as the loop goes would begin the
    # write transaction at the first person and, on SQLite, hold the store's write lock while
    # every later chronology is built, stalling every other writer (issue 19, defect 8).
    with session.no_autoflush:
        for person_id in ids:
            chronology = build_chronology(session, person_id)
            if chronology is not None and chronology.entries:
                timeline, found = alerts_and_updates(policy, chronology, decided=decided.get(person_id, ()))
                created += _store(session, timeline)
                if updates is not None:
                    updates.extend(found)
            if progress:
                progress(1)
    session.flush()
    return created


def _store(session: Session, raised: list[RaisedAlert]) -> int:
    """Store the alerts of one person not stored before (`store_alerts` says what "before" means)."""
    if not raised:
        return 0
    person_id = raised[0].person_id
    query = select(AlertRow.raised_at, AlertRow.level).where(AlertRow.person_id == person_id)
    known = {(at, level) for at, level in session.execute(query)}
    now = datetime.now(UTC)
    created = 0
    for alert in raised:
        if (alert.raised_at, alert.level.value) in known:
            continue
        session.add(AlertRow(**alert_row_values(alert, now)))
        created += 1
    return created


def alert_row_values(alert: RaisedAlert, now: datetime) -> dict[str, Any]:
    """The alert table's columns for one raised alert (its findings included)."""
    return {
        "person_id": alert.person_id,
        "level": alert.level.value,
        "raised_at": alert.raised_at,
        "rules": list(alert.rules),
        "evidence": [list(k) for k in alert.evidence],
        "explanation": alert.explanation,
        "policy_version": alert.policy_version,
        "created_at": now,
        "findings": [finding_to_json(f) for f in alert.findings],
    }


def store_alerts(session: Session, raised: Sequence[RaisedAlert], *, chunk: int = 5000) -> int:
    """Store many people's alerts in bulk, skipping any already stored. Returns new alerts.

    Already stored means the same person, moment and level, under any policy version (as in
    `_store`): the same alarm at the same moment is one alarm. Keyed by version too, a policy
    edit as small as a comment made `rescore` store every child's alerts again, and routing
    reopened work the MASH had already decided, for every child with an alert history. An
    alert the new policy raises at a new moment, or at a higher level, is stored and routed.
    The stored keys are read in one query, not one per person.
    """
    if not raised:
        return 0
    query = select(AlertRow.person_id, AlertRow.raised_at, AlertRow.level)
    known = {tuple(row) for row in session.execute(query)}
    now = datetime.now(UTC)
    rows = [
        alert_row_values(a, now) for a in raised if (a.person_id, a.raised_at, a.level.value) not in known
    ]
    for start in range(0, len(rows), chunk):
        session.execute(insert(AlertRow), rows[start : start + chunk])
    return len(rows)


def alerts_for(session: Session, person_id: int) -> list[AlertRow]:
    query = select(AlertRow).where(AlertRow.person_id == person_id).order_by(AlertRow.raised_at, AlertRow.id)
    return list(session.scalars(query))


def alerted_people(session: Session, *, limit: int = 500) -> list[AlertedPerson]:
    """People with alerts, the highest current level first, then the most recent."""
    rank = {AlertLevel.RED.value: 2, AlertLevel.AMBER.value: 1, AlertLevel.GREEN.value: 0}
    latest = (
        select(AlertRow.person_id, func.max(AlertRow.raised_at).label("last"), func.count().label("n"))
        .group_by(AlertRow.person_id)
        .subquery()
    )
    rows = session.execute(
        select(AlertRow.person_id, AlertRow.level, latest.c.last, latest.c.n).join(
            latest,
            and_(latest.c.person_id == AlertRow.person_id, latest.c.last == AlertRow.raised_at),
        )
    ).all()
    best: dict[int, tuple[str, datetime, int]] = {}
    for person_id, level, last, count in rows:
        if person_id not in best or rank[level] > rank[best[person_id][0]]:
            best[person_id] = (level, last, count)
    ordered = sorted(best.items(), key=lambda item: (-rank[item[1][0]], -item[1][1].timestamp(), item[0]))
    out: list[AlertedPerson] = []
    for person_id, (level, last, count) in ordered[:limit]:
        person = view(session, person_id)
        if person is not None:
            out.append(AlertedPerson(person_id, person.display_name, level, last, count, person.agencies))
    return out


def evidence_keys(row: AlertRow) -> list[tuple[str, str]]:
    return [(str(a), str(s)) for a, s in row.evidence]


__all__ = [
    "AlertedPerson",
    "alerted_people",
    "alerts_for",
    "evidence_keys",
    "live_people",
    "refresh_alerts",
    "store_alerts",
]
