"""Gathering what the policy needs to know about people, in a few queries per page.

Routing is not stored with alerts, so the teams an alert went to are worked out again from the
policy in force: the level's routing plus the routes of the indicators that fired.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from alarmbell.access.grants import people_with_break_glass, people_with_review_grant
from alarmbell.access.policy import PersonFacts, Principal
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.policy import Policy
from alarmbell.storage.tables import AlertRow, EventParty, EventRecordRow, PersonLink, PersonRecordRow

#: Children's social care events that open or continue a case; `case_closed` after all of them
#: makes the case closed (docs/security.md, "Closed cases").
CASE_ACTIVITY = (
    "referral",
    "assessment",
    "strategy_discussion",
    "section_47",
    "cp_conference",
    "cp_plan_start",
    "looked_after",
    "family_support",
)
CASE_CLOSED = "case_closed"


def routes_for(policy: Policy, level: str, rules: Iterable[str]) -> set[str]:
    try:
        teams = set(policy.routing.get(AlertLevel(level), ()))
    except ValueError:
        return set()
    by_id = {indicator.id: indicator for indicator in policy.indicators}
    for rule in rules:
        indicator = by_id.get(str(rule))
        if indicator is not None:
            teams.update(indicator.routes)
    return teams


def facts_for_people(
    session: Session, principal: Principal | None, person_ids: Iterable[int], policy: Policy
) -> dict[int, PersonFacts]:
    ids = sorted({int(p) for p in person_ids})
    if not ids:
        return {}
    agencies = _agencies(session, ids)
    routed = _routed(session, ids, policy)
    closed = _closed(session, ids)
    user = principal.id if principal is not None and principal.is_user else None
    glass = people_with_break_glass(session, user, ids) if user is not None else set()
    review = people_with_review_grant(session, user, ids) if user is not None else set()
    return {
        p: PersonFacts(
            person_id=p,
            agencies=frozenset(agencies.get(p, ())),
            routed_teams=frozenset(routed.get(p, ())),
            closed=p in closed,
            break_glass=p in glass,
            review_grant=p in review,
        )
        for p in ids
    }


def _agencies(session: Session, ids: list[int]) -> dict[int, set[str]]:
    query = (
        select(PersonLink.person_id, PersonRecordRow.agency)
        .join(PersonRecordRow, PersonRecordRow.id == PersonLink.person_record_id)
        .where(PersonLink.person_id.in_(ids), PersonLink.ended_at.is_(None))
        .distinct()
    )
    found: dict[int, set[str]] = defaultdict(set)
    for person_id, agency in session.execute(query):
        found[person_id].add(agency)
    return found


def _routed(session: Session, ids: list[int], policy: Policy) -> dict[int, set[str]]:
    query = select(AlertRow.person_id, AlertRow.level, AlertRow.rules).where(AlertRow.person_id.in_(ids))
    found: dict[int, set[str]] = defaultdict(set)
    for person_id, level, rules in session.execute(query):
        found[person_id].update(routes_for(policy, level, rules or []))
    return found


def _closed(session: Session, ids: list[int]) -> set[int]:
    query = (
        select(PersonLink.person_id, EventRecordRow.kind, func.max(EventRecordRow.occurred_at))
        .join(PersonRecordRow, PersonRecordRow.id == PersonLink.person_record_id)
        .join(
            EventParty,
            and_(
                EventParty.agency == PersonRecordRow.agency,
                EventParty.person_source_id == PersonRecordRow.source_id,
            ),
        )
        .join(
            EventRecordRow,
            and_(
                EventRecordRow.agency == EventParty.agency,
                EventRecordRow.source_id == EventParty.event_source_id,
            ),
        )
        .where(
            PersonLink.person_id.in_(ids),
            PersonLink.ended_at.is_(None),
            EventRecordRow.kind.in_((*CASE_ACTIVITY, CASE_CLOSED)),
        )
        .group_by(PersonLink.person_id, EventRecordRow.kind)
    )
    latest: dict[int, dict[str, datetime]] = defaultdict(dict)
    for person_id, kind, at in session.execute(query):
        latest[person_id][kind] = _aware(at)
    return {p for p, kinds in latest.items() if is_closed(kinds)}


def is_closed(latest: dict[str, datetime]) -> bool:
    """Closed: a case_closed event no earlier than the last case activity."""
    closed_at = latest.get(CASE_CLOSED)
    if closed_at is None:
        return False
    activity = [at for kind, at in latest.items() if kind != CASE_CLOSED]
    return not activity or closed_at >= max(activity)


def _aware(value: datetime | str) -> datetime:
    """func.max over a datetime column comes back as text on SQLite."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
