"""Gathering a review's inputs from the case store, then building the report (pure) from them.

Time travel: with `as_of`, every input is cut at the end of that day in England: the
chronology (recorded_at), the alerts (raised_at), what was done with them (acknowledged,
decided or overridden by then), and the family members' latest records. Person and
relationship records carry no recorded time, so the family is shown as the agencies record
it now, less anyone born after the report's date (docs/review.md, "Limits").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.orm import Session

from alarmbell.alerts import alerts_for
from alarmbell.chronology import build_chronology
from alarmbell.domain.records import RecordKey
from alarmbell.domain.timeparse import local_moment
from alarmbell.identity import record_rows, recorded_sex, relations, view_from_rows
from alarmbell.policy import Policy
from alarmbell.review.build import build_review
from alarmbell.review.model import FamilyMember, ReviewInputs, ReviewReport, StoredAlert
from alarmbell.review.responses import alert_responses
from alarmbell.review.working_days import end_of_day
from alarmbell.storage.tables import EventParty, EventRecordRow, PersonRecordRow


def review_report(
    session: Session,
    *,
    person_id: int,
    policy: Policy,
    as_of: date | None = None,
    now: datetime | None = None,
    alert_working_days: Mapping[str, float],
) -> ReviewReport | None:
    """The review of one person as known at the end of `as_of` (default: everything), or None.

    `alert_working_days` is the deployment's triage setting (`triage_alert_working_days`), so
    the report judges an alert's lateness by the clock the queue ran. Required, not defaulted: a
    default here once let the review count lateness by a clock the queue did not run."""
    inputs = review_inputs(
        session,
        person_id=person_id,
        as_of=as_of,
        now=now or datetime.now(UTC),
        alert_working_days=alert_working_days,
    )
    return None if inputs is None else build_review(inputs, policy=policy)


def review_inputs(
    session: Session,
    *,
    person_id: int,
    as_of: date | None,
    now: datetime,
    alert_working_days: Mapping[str, float],
) -> ReviewInputs | None:
    at = end_of_day(as_of) if as_of is not None else None
    chronology = build_chronology(session, person_id, at=at)
    if chronology is None:
        return None
    child_rows = record_rows(session, person_id)
    family, people = _family(session, person_id, at)
    people.update({(r.agency, r.source_id): person_id for r in child_rows})
    return ReviewInputs(
        chronology=chronology,
        child_sex=recorded_sex(child_rows),
        child_postcodes=_postcodes(child_rows),
        family=family,
        record_people=people,
        alerts=_alerts(session, person_id, at or now),
        as_of=at,
        generated_at=now,
        alert_working_days=alert_working_days,
    )


def _family(
    session: Session, person_id: int, at: datetime | None
) -> tuple[tuple[FamilyMember, ...], dict[RecordKey, int]]:
    kinds: dict[int, list[str]] = defaultdict(list)
    agencies: dict[int, set[str]] = defaultdict(set)
    for relation in relations(session, person_id):
        if relation.kind not in kinds[relation.other]:
            kinds[relation.other].append(relation.kind)
        agencies[relation.other].add(relation.agency)
    members, people = [], {}
    for other, their_kinds in kinds.items():
        rows = record_rows(session, other)
        if not rows:
            continue
        people.update({(r.agency, r.source_id): other for r in rows})
        members.append(_member(session, other, rows, their_kinds[0], agencies[other], at))
    return tuple(sorted(members, key=lambda m: m.person_id)), people


def _member(
    session: Session,
    person_id: int,
    rows: list[PersonRecordRow],
    relation: str,
    agencies: set[str],
    at: datetime | None,
) -> FamilyMember:
    person = view_from_rows(person_id, rows, at=at)
    return FamilyMember(
        person_id=person_id,
        name=person.display_name,
        relation=relation,
        role=person.role,
        dob=person.dob,
        sex=person.sex,
        postcodes=_postcodes(rows),
        recorded_by=tuple(sorted(agencies)),
        last_recorded=_last_recorded(session, [(r.agency, r.source_id) for r in rows], at),
    )


def _postcodes(rows: list[PersonRecordRow]) -> tuple[str, ...]:
    return tuple(sorted({r.postcode.replace(" ", "").upper() for r in rows if r.postcode}))


def _last_recorded(session: Session, records: list[RecordKey], at: datetime | None) -> datetime | None:
    """The latest recorded_at (up to `at`) of an event naming any of these person records."""
    events, party = EventRecordRow, EventParty
    query = (
        select(func.max(events.recorded_at))
        .join(party, and_(party.agency == events.agency, party.event_source_id == events.source_id))
        .where(tuple_(party.agency, party.person_source_id).in_(records), events.held.is_(False))
    )
    if at is not None:
        query = query.where(events.recorded_at <= at)
    value = session.scalar(query)
    return value if isinstance(value, datetime) else None


def _alerts(session: Session, person_id: int, at: datetime) -> tuple[StoredAlert, ...]:
    """Alerts raised by `at`, each with what had been done with it by then."""
    responses = alert_responses(session, person_id, at)
    out = []
    for row in alerts_for(session, person_id):
        if row.raised_at > at:
            continue
        out.append(
            StoredAlert(
                alert_id=row.id,
                level=row.level,
                raised_at=local_moment(row.raised_at),  # dated as in England, as events are
                rules=tuple(str(r) for r in row.rules),
                explanation=row.explanation,
                policy_version=row.policy_version,
                evidence=tuple((str(a), str(s)) for a, s in row.evidence),
                responses=tuple(responses.get(row.id, ())),
                received_at=local_moment(row.created_at),
            )
        )
    return tuple(out)
