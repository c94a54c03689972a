"""Whom a search may find, as SQL, so that the search's limit counts only them.

The policy decides each person a list shows (`visible_scopes`), but a search reads at most 50
matches: filtering after that limit left a practitioner with few or no results when people
outside their scope matched first. `findable` states the same person rules as a condition on
each matching record, applied before the limit:

- a person seen in full (an alert routed to the user's team, or their break-glass) is found
  by any of their records' names;
- a person seen through the user's own agency's records is found only by a name that agency
  recorded (identity.matched_by_agency says why);
- a reviewer finds people granted to them and people with a closed children's social care case
  event (a case reopened since is still refused by the policy afterwards).

The policy still decides every result afterwards (`visible_scopes`), so a condition here that
let someone through by mistake would not show them; one that kept someone out would hide them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from alarmbell.access.facts import CASE_CLOSED
from alarmbell.access.policy import Principal, Role
from alarmbell.policy import Policy
from alarmbell.storage.dialect import StoreDialect, dialect_of_engine
from alarmbell.storage.tables import (
    AlertRow,
    BreakGlassGrant,
    EventParty,
    EventRecordRow,
    PersonLink,
    PersonRecordRow,
    ReviewGrant,
)


def findable(
    session: Session, principal: Principal | None, policy: Policy, *, now: datetime
) -> ColumnElement[bool] | None:
    """A condition on a matching record's row (PersonLink, PersonRecordRow): the people, and which
    of their names, this principal's search may find. None: everyone (MASH analysts)."""
    if principal is None or not principal.is_user:
        return false()
    if principal.role is Role.MASH_ANALYST:
        return None
    if principal.role is Role.REVIEWER:
        return or_(
            PersonLink.person_id.in_(_granted_for_review(principal, now)),
            PersonLink.person_id.in_(_with_a_closed_case()),
        )
    if principal.role not in (Role.PRACTITIONER, Role.TEAM_MANAGER):
        return false()
    dialect = dialect_of_engine(session.get_bind().engine)
    full = or_(
        PersonLink.person_id.in_(_break_glass(principal, now)),
        PersonLink.person_id.in_(_routed_to(principal.team, policy, dialect)),
    )
    own = PersonRecordRow.agency == principal.agency if principal.agency else false()
    return or_(full, own)


def findable_people(
    session: Session, principal: Principal | None, policy: Policy, *, now: datetime
) -> Select[int] | None:
    """The ids of the people `findable` lets this principal find, by any of the names it allows:
    a bounded list of people (the alerts list) applies it before its limit, so the limit counts
    only people the user may open. None: everyone (MASH analysts)."""
    where = findable(session, principal, policy, now=now)
    if where is None:
        return None
    return (
        select(PersonLink.person_id)
        .join(PersonRecordRow, PersonRecordRow.id == PersonLink.person_record_id)
        .where(PersonLink.ended_at.is_(None), where)
    )


def _break_glass(principal: Principal, now: datetime) -> Select[int]:
    return select(BreakGlassGrant.person_id).where(
        BreakGlassGrant.user_id == principal.id, BreakGlassGrant.expires_at > now
    )


def _routed_to(team: str | None, policy: Policy, dialect: StoreDialect) -> Select[int]:
    """People with an alert routed to `team` (access.facts.routes_for, as SQL): its level's
    routing names the team, or one of the indicators that fired routes to it."""
    if not team:
        return select(AlertRow.person_id).where(false())
    levels = [str(level) for level, teams in policy.routing.items() if team in teams]
    indicators = [i.id for i in policy.indicators if team in i.routes]
    routed: list[ColumnElement[bool]] = [AlertRow.level.in_(levels)] if levels else []
    if indicators:
        routed.append(dialect.json_list_has_any(AlertRow.__table__.c.rules, indicators))
    return select(AlertRow.person_id).where(or_(false(), *routed))


def _granted_for_review(principal: Principal, now: datetime) -> Select[int]:
    return select(ReviewGrant.person_id).where(
        ReviewGrant.user_id == principal.id,
        or_(ReviewGrant.expires_at.is_(None), ReviewGrant.expires_at > now),
    )


def _with_a_closed_case() -> Select[int]:
    """People named on a `case_closed` event (access.facts decides whether it is their latest)."""
    record = PersonRecordRow.__table__.alias("closed_record")
    link = PersonLink.__table__.alias("closed_link")
    return (
        select(link.c.person_id)
        .join(record, record.c.id == link.c.person_record_id)
        .join(
            EventParty,
            and_(EventParty.agency == record.c.agency, EventParty.person_source_id == record.c.source_id),
        )
        .join(
            EventRecordRow,
            and_(
                EventRecordRow.agency == EventParty.agency,
                EventRecordRow.source_id == EventParty.event_source_id,
            ),
        )
        .where(link.c.ended_at.is_(None), EventRecordRow.kind == CASE_CLOSED)
    )
