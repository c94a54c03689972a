"""Subject access export: everything alarmbell holds about one person, third parties redacted.

Held about the person: their linked source records, every event naming them (not household
adults' own events), relationships recorded for them, their alerts and overrides, and who has
viewed their record (from the audit log). In shared events, other people's names, dates of
birth, identifiers and source ids are replaced by REDACTED; the staff who recorded or viewed
are not third parties in this sense (ICO guidance: staff acting in their official capacity).
The export itself is audited by the caller (`person.sar_export`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select, tuple_
from sqlalchemy.orm import Session

from alarmbell.audit import who_viewed
from alarmbell.identity import ids_of_one_person, record_rows, resolve
from alarmbell.storage.tables import (
    AlertOverride,
    AlertRow,
    EventParty,
    EventRecordRow,
    PersonRecordRow,
    RelationshipRecordRow,
)

REDACTED = "[third party]"


def subject_access_export(session: Session, person_id: int) -> dict[str, Any] | None:
    current = resolve(session, person_id)
    if current is None:
        return None
    own = record_rows(session, current)
    if not own:
        return None
    own_keys = {(r.agency, r.source_id) for r in own}
    events = _events(session, own_keys)
    relationships = _relationships(session, own_keys)
    others = _third_party_keys(session, own_keys, events, relationships)
    redactor = Redactor(session, others, own)
    return {
        "person_id": current,
        "generated_at": datetime.now(UTC).isoformat(),
        "records": [_record(r) for r in own],
        "events": [_event(e, redactor) for e in events],
        "relationships": [_relationship(r, own_keys) for r in relationships],
        "alerts": _alerts(session, current, redactor),
        "viewed_by": [
            {"at": v.at.isoformat(), "who": v.actor, "role": v.role, "agency": v.agency, "action": v.action}
            for v in who_viewed(session, ids_of_one_person(session, current), include_lists=False)
        ],
        "redaction": "Other people's names, dates of birth, identifiers and record ids are shown as "
        f"{REDACTED!r}.",
    }


def _record(row: PersonRecordRow) -> dict[str, Any]:
    return {"agency": row.agency, "source_id": row.source_id, "version": row.version, "details": row.payload}


def _events(session: Session, own: set[tuple[str, str]]) -> list[EventRecordRow]:
    if not own:
        return []
    parties = select(EventParty.agency, EventParty.event_source_id).where(
        tuple_(EventParty.agency, EventParty.person_source_id).in_(sorted(own))
    )
    keys = {(a, s) for a, s in session.execute(parties)}
    if not keys:
        return []
    query = (
        select(EventRecordRow)
        .where(tuple_(EventRecordRow.agency, EventRecordRow.source_id).in_(sorted(keys)))
        .order_by(EventRecordRow.occurred_at, EventRecordRow.agency, EventRecordRow.source_id)
    )
    return list(session.scalars(query))


def _relationships(session: Session, own: set[tuple[str, str]]) -> list[RelationshipRecordRow]:
    rel = RelationshipRecordRow
    conditions = [
        and_(rel.agency == a, or_(rel.from_source_id == s, rel.to_source_id == s)) for a, s in sorted(own)
    ]
    return list(session.scalars(select(rel).where(or_(*conditions)).order_by(rel.agency, rel.source_id)))


def _third_party_keys(
    session: Session,
    own: set[tuple[str, str]],
    events: list[EventRecordRow],
    relationships: list[RelationshipRecordRow],
) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    event_keys = [(e.agency, e.source_id) for e in events]
    if event_keys:
        query = select(EventParty.agency, EventParty.person_source_id).where(
            tuple_(EventParty.agency, EventParty.event_source_id).in_(event_keys)
        )
        keys.update((a, s) for a, s in session.execute(query))
    for r in relationships:
        keys.update({(r.agency, r.from_source_id), (r.agency, r.to_source_id)})
    return keys - own


class Redactor:
    """Replaces third parties' names, identifiers and record ids in any JSON value."""

    def __init__(self, session: Session, others: set[tuple[str, str]], own: list[PersonRecordRow]):
        rows = _person_rows(session, others)
        self.source_ids = {s for _, s in others}
        own_words = {w.lower() for r in own for w in (r.given_name, r.family_name) if w}
        terms: set[str] = set()
        for row in rows:
            full = " ".join(p for p in (row.given_name, row.family_name) if p)
            if full:
                terms.add(full)
            terms.update(
                v
                for v in (row.given_name, row.family_name)
                if v and len(v) >= 3 and v.lower() not in own_words
            )
            terms.update(str(getattr(row, f)) for f in ("nhs_number", "upn", "dob") if getattr(row, f))
        terms.update(self.source_ids)
        ordered = sorted(terms, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in ordered) + r")(?!\w)", re.IGNORECASE)
            if ordered
            else None
        )

    def text(self, value: str) -> str:
        if value in self.source_ids:
            return REDACTED
        return self.pattern.sub(REDACTED, value) if self.pattern else value

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value


def _person_rows(session: Session, keys: Iterable[tuple[str, str]]) -> list[PersonRecordRow]:
    wanted = sorted(keys)
    if not wanted:
        return []
    query = select(PersonRecordRow).where(
        tuple_(PersonRecordRow.agency, PersonRecordRow.source_id).in_(wanted)
    )
    return list(session.scalars(query))


def _event(row: EventRecordRow, redactor: Redactor) -> dict[str, Any]:
    return {
        "agency": row.agency,
        "source_id": row.source_id,
        "kind": row.kind,
        "occurred_at": row.occurred_at.isoformat(),
        "recorded_at": row.recorded_at.isoformat(),
        "details": redactor.value(row.payload),
    }


def _relationship(row: RelationshipRecordRow, own: set[tuple[str, str]]) -> dict[str, Any]:
    from_own = (row.agency, row.from_source_id) in own
    return {
        "agency": row.agency,
        "kind": row.kind,
        "from": row.from_source_id if from_own else REDACTED,
        "to": row.to_source_id if (row.agency, row.to_source_id) in own else REDACTED,
    }


def _alerts(session: Session, person_id: int, redactor: Redactor) -> list[dict[str, Any]]:
    overrides = {
        o.alert_id: o
        for o in session.scalars(select(AlertOverride).where(AlertOverride.person_id == person_id))
    }
    found = []
    for alert in session.scalars(
        select(AlertRow).where(AlertRow.person_id == person_id).order_by(AlertRow.raised_at)
    ):
        override = overrides.get(alert.id)
        found.append(
            {
                "level": alert.level,
                "raised_at": alert.raised_at.isoformat(),
                "explanation": redactor.text(alert.explanation),
                "policy_version": alert.policy_version,
                "overridden": None
                if override is None
                else {"by": override.decided_by, "reason": override.reason},
            }
        )
    return found
