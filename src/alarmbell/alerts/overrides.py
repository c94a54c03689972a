"""Practitioners' overrides of alerts: a recorded judgement, never a silenced policy.

An override says "this alert does not call for action" with a reason, who decided and when.
It is stored beside the alert's level, rules and policy version so that reviewing the policy
can ask which indicators practitioners keep overriding. The policy keeps running: an override
covers one alert, and a later rise for the same child is a new alert that is not overridden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.storage.tables import AlertOverride, AlertRow

MAX_REASON = 2000


class OverrideError(ValueError):
    """The override cannot be recorded; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Override:
    id: int
    alert_id: int
    person_id: int
    level: str
    policy_version: str
    rules: tuple[str, ...]
    decided_by: str
    decided_at: datetime
    reason: str


def override_alert(session: Session, *, alert_id: int, by: str, reason: str, now: datetime) -> Override:
    """Record that `by` overrode alert `alert_id` for `reason`. The caller commits."""
    by, reason = by.strip(), reason.strip()
    if not by:
        raise OverrideError("give the name of the person overriding the alert")
    if not reason:
        raise OverrideError("give the reason for overriding the alert (e.g. 'known accidental injury')")
    if len(reason) > MAX_REASON or len(by) > 200:
        raise OverrideError(f"the reason is limited to {MAX_REASON} characters and the name to 200")
    alert = session.get(AlertRow, alert_id)
    if alert is None:
        raise OverrideError(f"no alert {alert_id} (see the person page or `alarmbell alerts`)")
    row = AlertOverride(
        alert_id=alert.id,
        person_id=alert.person_id,
        level=alert.level,
        policy_version=alert.policy_version,
        rules=list(alert.rules),
        decided_by=by,
        decided_at=now,
        reason=reason,
    )
    session.add(row)
    session.flush()
    return _override(row)


def overrides_for_person(session: Session, person_id: int) -> dict[int, Override]:
    """The latest override of each of this person's alerts, by alert id."""
    query = (
        select(AlertOverride)
        .where(AlertOverride.person_id == person_id)
        .order_by(AlertOverride.decided_at, AlertOverride.id)
    )
    return {row.alert_id: _override(row) for row in session.scalars(query)}


def all_overrides(session: Session) -> list[Override]:
    """Every override, oldest first: the material for reviewing the policy."""
    query = select(AlertOverride).order_by(AlertOverride.decided_at, AlertOverride.id)
    return [_override(row) for row in session.scalars(query)]


def _override(row: AlertOverride) -> Override:
    return Override(
        id=row.id,
        alert_id=row.alert_id,
        person_id=row.person_id,
        level=row.level,
        policy_version=row.policy_version,
        rules=tuple(str(r) for r in row.rules),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        reason=row.reason,
    )


__all__ = ["Override", "OverrideError", "all_overrides", "override_alert", "overrides_for_person"]
