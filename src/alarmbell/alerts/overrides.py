"""Practitioners' overrides of alerts: a recorded judgement, never a silenced policy.

An override says "this alert does not call for action" with a reason, who decided and when.
It is stored beside the alert's level, rules and policy version so that reviewing the policy
can ask which indicators practitioners keep overriding. The policy keeps running: an override
covers one alert, and a later rise for the same child is a new alert that is not overridden.

Overriding a red alert needs a team manager's countersignature: a practitioner's or analyst's
override of a red is recorded at once but is pending, and counts (in the review and in the
unanswered-alarms report) only once a team manager countersigns it. A team manager's own
override of a red is countersigned by that manager.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.domain.errors import ServiceError
from alarmbell.domain.wording import says_nothing
from alarmbell.identity import merged_ids
from alarmbell.storage.row_hold import hold_rows
from alarmbell.storage.tables import AlertOverride, AlertRow

MAX_REASON = 2000


class OverrideError(ServiceError):
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
    countersigned_by: str | None = None
    countersigned_at: datetime | None = None

    @property
    def pending(self) -> bool:
        """A red alert's override waiting for a team manager's countersignature."""
        return self.level == "red" and self.countersigned_at is None


def override_alert(
    session: Session, *, alert_id: int, by: str, reason: str, now: datetime, manager: bool = False
) -> Override:
    """Record that `by` overrode alert `alert_id` for `reason`. The caller commits.

    `manager`: `by` is a team manager, whose override of a red alert needs no one else's
    countersignature; anyone else's override of a red waits for one (`countersign`).
    """
    by, reason = by.strip(), reason.strip()
    if not by:
        raise OverrideError("give the name of the person overriding the alert")
    if says_nothing(reason):
        raise OverrideError(
            "give the reason for overriding the alert, in words (e.g. 'known accidental injury')"
        )
    if len(reason) > MAX_REASON or len(by) > 200:
        raise OverrideError(f"the reason is limited to {MAX_REASON} characters and the name to 200")
    alert = session.get(AlertRow, alert_id)
    if alert is None:
        raise OverrideError(
            f"no alert {alert_id} (see the person page or `alarmbell alerts`)", category="not_found"
        )
    row = AlertOverride(
        alert_id=alert.id,
        person_id=alert.person_id,
        level=alert.level,
        policy_version=alert.policy_version,
        rules=list(alert.rules),
        decided_by=by,
        decided_at=now,
        reason=reason,
        countersigned_by=by if manager and alert.level == "red" else None,
        countersigned_at=now if manager and alert.level == "red" else None,
    )
    session.add(row)
    session.flush()
    return _override(row)


def countersign(session: Session, *, override_id: int, by: str, now: datetime) -> Override:
    """A team manager's countersignature on a pending override. The caller checks the role.

    The override is held (storage.row_hold), then read again: two managers
    countersigning at once both read it pending, and the later name replaced the earlier one.
    """
    hold_rows(session, AlertOverride.level, AlertOverride.id == override_id)
    row = session.get(AlertOverride, override_id, populate_existing=True)
    if row is None:
        raise OverrideError(f"no override {override_id}", category="not_found")
    if row.level != "red" or row.countersigned_at is not None:
        raise OverrideError(
            "this override needs no countersignature (it is not a pending red override)", category="conflict"
        )
    if row.decided_by == by.strip():
        raise OverrideError(
            "the countersignature must be another person's: ask a team manager", category="conflict"
        )
    row.countersigned_by, row.countersigned_at = by.strip()[:200], now
    session.flush()
    return _override(row)


def overrides_for_person(session: Session, person_id: int) -> dict[int, Override]:
    """The latest override of each of this person's alerts (and of anyone merged into them, whose
    alerts are theirs: `alerts_for`), by alert id."""
    query = (
        select(AlertOverride)
        .where(AlertOverride.person_id.in_(merged_ids(session, person_id)))
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
        countersigned_by=row.countersigned_by,
        countersigned_at=row.countersigned_at,
    )


__all__ = [
    "Override",
    "OverrideError",
    "all_overrides",
    "countersign",
    "override_alert",
    "overrides_for_person",
]
