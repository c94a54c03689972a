"""Evaluating the policy over stored people and recording each rise in a child's level."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import Select, and_, func, insert, select
from sqlalchemy.orm import Session

from alarmbell.alerts.decided import decided_moments
from alarmbell.chronology import build_chronology
from alarmbell.domain.alerts import EvidenceUpdate, RaisedAlert, finding_to_json
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.identity import merged_ids, survivors, view
from alarmbell.policy import Policy, alerts_and_updates
from alarmbell.storage.dialect import dialect_of
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


#: Alert levels, highest first when listing people.
RANK: Final[dict[str, int]] = {AlertLevel.RED.value: 2, AlertLevel.AMBER.value: 1, AlertLevel.GREEN.value: 0}
#: People per query when reading their stored alerts (SQLite allows so many variables).
KEYS_SLICE = 500


def live_people(session: Session) -> list[int]:
    query = select(Person.id).where(Person.merged_into.is_(None)).order_by(Person.id)
    return list(session.scalars(query))


@dataclass(frozen=True, slots=True)
class StoredAlerts:
    """How many alerts a run stored, and the highest alert id before them (None if it stored
    none): routing takes the alerts above it, which are this run's own."""

    created: int
    after_id: int | None


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
    return evaluate_and_store(
        session, policy=policy, person_ids=person_ids, progress=progress, updates=updates
    ).created


def evaluate_and_store(
    session: Session,
    *,
    policy: Policy,
    person_ids: Iterable[int] | None = None,
    progress: Callable[[int], None] | None = None,
    updates: list[EvidenceUpdate] | None = None,
) -> StoredAlerts:
    """`refresh_alerts`, saying also which alerts are this run's (`StoredAlerts.after_id`)."""
    ids = list(person_ids) if person_ids is not None else live_people(session)
    decided = decided_moments(session, ids)
    raised: list[RaisedAlert] = []
    # New alerts are written once, at the end: flushing them as the loop goes would begin the
    # write transaction at the first person and, on SQLite, hold the store's write lock while
    # every later chronology is built, stalling every other writer (issue 19, defect 8).
    with session.no_autoflush:
        for person_id in ids:
            chronology = build_chronology(session, person_id)
            if chronology is not None and chronology.entries:
                timeline, found = alerts_and_updates(policy, chronology, decided=decided.get(person_id, ()))
                raised.extend(timeline)
                if updates is not None:
                    updates.extend(found)
            if progress:
                progress(1)
    session.flush()
    return store_alerts(session, raised, people=ids)


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


def store_alerts(
    session: Session,
    raised: Sequence[RaisedAlert],
    *,
    people: Sequence[int] | None = None,
    chunk: int = 5000,
) -> StoredAlerts:
    """Store the alerts not stored before, in bulk; `people` (when given) are all the people
    `raised` can be about, so only their stored alerts are read.

    Already stored means the same person, moment and level, under any policy version: the same
    alarm at the same moment is one alarm. Keyed by version too, a policy edit as small as a
    comment made `rescore` store every child's alerts again, and routing reopened work the MASH
    had already decided, for every child with an alert history. An alert the new policy raises
    at a new moment, or at a higher level, is stored and routed.

    What is stored is read only once this transaction holds the store's alert-writing lock
    (`hold_alert_writes`), kept until it commits: two intakes evaluating one child at once
    otherwise both found its alert unstored and both stored it.
    """
    if not raised:
        return StoredAlerts(0, None)
    connection = session.connection()
    dialect_of(connection).hold_alert_writes(connection)
    after_id = newest_alert_id(session)
    known = _stored_keys(session, people)
    now = datetime.now(UTC)
    rows = [
        alert_row_values(a, now) for a in raised if (a.person_id, a.raised_at, a.level.value) not in known
    ]
    for start in range(0, len(rows), chunk):
        session.execute(insert(AlertRow), rows[start : start + chunk])
    return StoredAlerts(len(rows), after_id if rows else None)


def newest_alert_id(session: Session) -> int:
    """The highest alert id so far: routing takes the alerts stored above it."""
    return session.scalar(select(func.max(AlertRow.id))) or 0


def _stored_keys(session: Session, people: Sequence[int] | None) -> set[tuple[Any, ...]]:
    """(person, moment, level) of the alerts stored for `people` (for everyone, if None).

    An alert stored under an id since merged into another is the survivor's, keyed by the
    survivor: read by its own id, the merged-away person's decided alert was stored again as the
    survivor's at the next evaluation, and opened new work the MASH had already decided.
    """
    merged = survivors(session)
    query = select(AlertRow.person_id, AlertRow.raised_at, AlertRow.level)
    if people is None:
        return {(merged.get(p, p), at, level) for p, at, level in session.execute(query)}
    wanted = set(people)
    ordered = sorted(wanted | {old for old, now in merged.items() if now in wanted})
    known: set[tuple[Any, ...]] = set()
    for start in range(0, len(ordered), KEYS_SLICE):
        part = ordered[start : start + KEYS_SLICE]
        rows = session.execute(query.where(AlertRow.person_id.in_(part)))
        known.update((merged.get(p, p), at, level) for p, at, level in rows)
    return known


def alerts_for(session: Session, person_id: int) -> list[AlertRow]:
    """The person's alerts, oldest first, with those raised under anyone merged into them: they
    are the same child's, and are not raised again for the survivor (`_stored_keys`)."""
    people = merged_ids(session, person_id)
    query = select(AlertRow).where(AlertRow.person_id.in_(people)).order_by(AlertRow.raised_at, AlertRow.id)
    return list(session.scalars(query))


def alerted_people(
    session: Session, *, limit: int = 500, among: Select[int] | None = None
) -> list[AlertedPerson]:
    """People with alerts, the highest current level first, then the most recent.

    `among`: the ids of the only people to list (those the viewer may open), chosen before the
    limit, so that people the viewer may not open cannot fill it and push theirs out.

    Alerts raised under someone since merged into another are listed under the survivor: the
    merged-away id has no page, and without them a child whose alert was raised before a merge
    was missing from the list."""
    merged = survivors(session)
    latest = (
        select(AlertRow.person_id, func.max(AlertRow.raised_at).label("last"), func.count().label("n"))
        .group_by(AlertRow.person_id)
        .subquery()
    )
    query = select(AlertRow.person_id, AlertRow.level, latest.c.last, latest.c.n).join(
        latest,
        and_(latest.c.person_id == AlertRow.person_id, latest.c.last == AlertRow.raised_at),
    )
    if among is not None:
        survivors_among = select(Person.id).where(
            Person.id.in_(sorted(set(merged.values()))), Person.id.in_(among)
        )
        allowed = set(session.scalars(survivors_among))
        theirs = [old for old, now in merged.items() if now in allowed]
        query = query.where(AlertRow.person_id.in_(among) | AlertRow.person_id.in_(theirs))
    rows = [(person_id, level, last, n) for person_id, level, last, n in session.execute(query)]
    best = _latest_by_survivor(rows, merged)
    ordered = sorted(best.items(), key=lambda item: (-RANK[item[1][0]], -item[1][1].timestamp(), item[0]))
    out: list[AlertedPerson] = []
    for person_id, (level, last, count) in ordered[:limit]:
        person = view(session, person_id)
        if person is not None:
            out.append(AlertedPerson(person_id, person.display_name, level, last, count, person.agencies))
    return out


def _latest_by_survivor(
    rows: Sequence[tuple[int, str, datetime, int]], merged: dict[int, int]
) -> dict[int, tuple[str, datetime, int]]:
    """person -> (level of their latest alert, its moment, how many alerts), from each stored
    id's latest alerts and count, ids merged into another counted as the survivor's."""
    latest_of: dict[int, tuple[str, datetime]] = {}
    counted: dict[int, int] = {}
    for person_id, level, last, count in rows:
        if person_id not in latest_of or RANK[level] > RANK[latest_of[person_id][0]]:
            latest_of[person_id] = (level, last)
        counted[person_id] = count
    best: dict[int, tuple[str, datetime, int]] = {}
    for person_id, (level, last) in latest_of.items():
        owner = merged.get(person_id, person_id)
        total = counted[person_id] + (best[owner][2] if owner in best else 0)
        if owner not in best or (last, RANK[level]) > (best[owner][1], RANK[best[owner][0]]):
            best[owner] = (level, last, total)
        else:
            best[owner] = (*best[owner][:2], total)
    return best


def evidence_keys(row: AlertRow) -> list[tuple[str, str]]:
    return [(str(a), str(s)) for a, s in row.evidence]


__all__ = [
    "AlertedPerson",
    "StoredAlerts",
    "alerted_people",
    "alerts_for",
    "evaluate_and_store",
    "evidence_keys",
    "live_people",
    "newest_alert_id",
    "refresh_alerts",
    "store_alerts",
]
