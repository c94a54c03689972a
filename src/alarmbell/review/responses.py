"""What was done with each alert: triage acknowledgements and decisions, and alert overrides.

Each source is a function (session, person id, moment) -> {alert id: [AlertResponse]}; the
report shows every response recorded by its moment, or "No acknowledgement recorded". A new
source (say, a MASH system's own decision log) is one more function in `SOURCES`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.alerts import overrides_for_person
from alarmbell.review.model import AlertResponse
from alarmbell.storage.tables import TriageEvent

if TYPE_CHECKING:
    from alarmbell.storage.tables import TriageItem

Responses = dict[int, list[AlertResponse]]
ResponseSource = Callable[[Session, int, datetime], Responses]


def override_responses(session: Session, person_id: int, at: datetime) -> Responses:
    """Alert overrides (a practitioner's "this alert does not call for action", with a reason)."""
    out: Responses = defaultdict(list)
    for alert_id, override in overrides_for_person(session, person_id).items():
        if override.decided_at > at:
            continue
        if override.pending or (override.countersigned_at and override.countersigned_at > at):
            out[alert_id].append(
                AlertResponse(
                    "override_pending", override.decided_by, override.decided_at, None, override.reason
                )
            )
        else:
            out[alert_id].append(
                AlertResponse(
                    "override", override.decided_by, override.decided_at, "overridden", override.reason
                )
            )
    return out


def triage_responses(session: Session, person_id: int, at: datetime) -> Responses:
    """Acknowledgements and decisions on the triage queue's alert items, as they stood at `at`."""
    try:
        from alarmbell import triage
    except ImportError:  # pragma: no cover - triage ships with alarmbell; kept for partial installs
        return {}
    out: Responses = defaultdict(list)
    for timed in triage.response_times(session, now=at, person_ids=[person_id]):
        if timed.kind != "alert":
            continue
        item = triage.get_item(session, timed.item_id)
        steps = _triage_steps(item, at, triage.DECISIONS)
        for alert_id in _item_alerts(session, item):
            out[alert_id].extend(steps)
    return out


def _item_alerts(session: Session, item: TriageItem) -> list[int]:
    """The alert that opened the item and every later alert added to it as new evidence: the
    item's acknowledgement and decision answer all of them (triage.alert_work)."""
    opened = _alert_id(item.source_key)
    query = select(TriageEvent.detail).where(
        TriageEvent.item_id == item.id, TriageEvent.kind == "new_evidence"
    )
    later = [
        d["alert_id"]
        for d in session.scalars(query)
        if isinstance(d, dict) and isinstance(d.get("alert_id"), int)
    ]
    return ([opened] if opened is not None else []) + later


def _alert_id(source_key: str) -> int | None:
    prefix, _, number = source_key.partition(":")
    return int(number) if prefix == "alert" and number.isdigit() else None


def _triage_steps(item: TriageItem, at: datetime, labels: Mapping[str, str]) -> list[AlertResponse]:
    """The item's acknowledgement and decision, each only if recorded by `at`."""
    steps = []
    if item.acknowledged_at is not None and item.acknowledged_at <= at:
        steps.append(AlertResponse("triage", item.acknowledged_by, item.acknowledged_at, None, None))
    if item.decided_at is not None and item.decided_at <= at:
        decision = labels.get(item.decision or "", item.decision)
        steps.append(AlertResponse("triage", item.decided_by, item.decided_at, decision, item.rationale))
    return steps


SOURCES: list[ResponseSource] = [triage_responses, override_responses]


def alert_responses(session: Session, person_id: int, at: datetime) -> Responses:
    """Every source's responses, merged per alert."""
    merged: Responses = defaultdict(list)
    for source in SOURCES:
        for alert_id, found in source(session, person_id, at).items():
            merged[alert_id].extend(found)
    return merged
