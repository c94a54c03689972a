"""What the confirmation page says after a concern is saved: what, about whom, and what happens next.

Read back from the store, not carried over from the form, so the page says what was actually
recorded and what early warning actually did: the alerts whose evidence includes the concern,
and the MASH queue item for each. Reloading the page says the same thing again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.alerts import alerts_for, evidence_keys
from alarmbell.domain.injuries import concern_details
from alarmbell.domain.timeparse import local_moment, parse_moment
from alarmbell.identity import person_ids_for_records, view
from alarmbell.presentation import agency_label, event_anchor, level_label, long_date
from alarmbell.storage.tables import EventRecordRow, TriageEvent, TriageItem
from alarmbell.triage import EVIDENCE_ADDED, OPEN_STATUSES, open_alert_item
from alarmbell.web.concern_choices import form_kind_label


@dataclass(frozen=True, slots=True)
class ConcernOutcome:
    reference: str
    what: str
    when: str
    agency_label: str
    #: What happened, in the practitioner's own words: the heart of the concern, read back to her.
    text: str
    details: tuple[str, ...]
    person_id: int
    child_name: str
    child_dob: date | None
    chronology_anchor: str
    #: "raised" (the child's first alert), "updated" (a new alert after earlier ones) or "none".
    alert: str
    alert_level: str
    queue_team: str | None


def concern_outcome(session: Session, ident: str) -> ConcernOutcome | None:
    """The saved concern `web:<ident>` and what followed it, or None if it is not in the store."""
    source_id = f"web:{ident}"
    event = session.scalars(select(EventRecordRow).where(EventRecordRow.source_id == source_id)).first()
    if event is None or not event.payload.get("subjects"):
        return None
    key = (event.agency, str(event.payload["subjects"][0]))
    person_id = person_ids_for_records(session, [key]).get(key)
    person = view(session, person_id) if person_id else None
    if person is None or person_id is None:
        return None
    alert, level, team = _alert_after(session, person_id, (event.agency, source_id))
    return ConcernOutcome(
        reference=ident[:8].upper(),
        what=form_kind_label(event.kind),
        when=_when(event.payload),
        agency_label=agency_label(event.agency),
        text=str(event.payload.get("text") or ""),
        details=concern_details(event.payload.get("attrs") or {}, event.payload.get("author")),
        person_id=person_id,
        child_name=person.display_name,
        child_dob=person.dob,
        chronology_anchor=event_anchor(event.agency, source_id),
        alert=alert,
        alert_level=level,
        queue_team=team,
    )


def _when(payload: dict[str, Any]) -> str:
    """`18 March 2024 at 14:30` (London time), or the date alone when no time was given."""
    text = str(payload.get("occurred_at", ""))
    moment = local_moment(parse_moment(text))
    return f"{long_date(moment)} at {moment:%H:%M}" if "T" in text else long_date(moment)


def _alert_after(session: Session, person_id: int, key: tuple[str, str]) -> tuple[str, str, str | None]:
    """Whether an alert now rests on this concern: raised (the first) or updated, its level, its queue."""
    alerts = alerts_for(session, person_id)
    citing = [a for a in alerts if key in evidence_keys(a)]
    if not citing:
        return _added_to_item(session, person_id, key)
    latest = citing[-1]
    kind = "raised" if alerts[0].id == citing[0].id else "updated"
    return kind, level_label(latest.level), _queue_team(session, person_id, latest.id)


def _added_to_item(session: Session, person_id: int, key: tuple[str, str]) -> tuple[str, str, str | None]:
    """New evidence on a child whose item is open raises no alert of its own: it is added to the
    item (triage.alert_work.add_evidence_updates), which is what the practitioner is told."""
    item = open_alert_item(session, person_id)
    if item is None:
        return "none", "", None
    query = select(TriageEvent.detail).where(
        TriageEvent.item_id == item.id, TriageEvent.kind == EVIDENCE_ADDED
    )
    if any(list(key) in (detail or {}).get("evidence", []) for detail in session.scalars(query)):
        return "updated", level_label(item.alert_level or ""), item.team
    return "none", "", None


def _queue_team(session: Session, person_id: int, alert_id: int) -> str | None:
    """The team whose queue holds the alert: its own item, or the child's open item it was added
    to as new evidence (triage.alert_work routes a new alert on a child already in work there)."""
    own = session.scalars(select(TriageItem).where(TriageItem.source_key == f"alert:{alert_id}")).first()
    if own is not None:
        return own.team
    open_item = session.scalars(
        select(TriageItem)
        .where(TriageItem.person_id == person_id, TriageItem.status.in_(OPEN_STATUSES))
        .order_by(TriageItem.opened_at.desc())
    ).first()
    return open_item.team if open_item else None
