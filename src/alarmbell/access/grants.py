"""Break-glass and review grants: access beyond a user's normal scope, always time-bound or named."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from alarmbell.domain.errors import ServiceError
from alarmbell.storage.tables import AppUser, BreakGlassGrant, ReviewGrant

MIN_REASON = 10


class GrantError(ServiceError):
    """The grant was refused; the message says why."""


def grant_break_glass(
    session: Session,
    *,
    user_id: int,
    person_id: int,
    reason: str,
    duration: timedelta,
    now: datetime | None = None,
) -> BreakGlassGrant:
    """Open one person's full record to one user for `duration`, for a stated reason."""
    reason = checked_reason(reason)
    now = now or datetime.now(UTC)
    grant = BreakGlassGrant(
        user_id=user_id, person_id=person_id, reason=reason[:2000], granted_at=now, expires_at=now + duration
    )
    session.add(grant)
    session.flush()
    return grant


def checked_reason(reason: str) -> str:
    """The reason for a break-glass, with its spacing tidied; GrantError when it says too little."""
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise GrantError(f"Enter the reason you need access (at least {MIN_REASON} characters)")
    return reason


def people_with_break_glass(
    session: Session, user_id: int, person_ids: list[int], *, now: datetime | None = None
) -> set[int]:
    if not person_ids:
        return set()
    query = select(BreakGlassGrant.person_id).where(
        BreakGlassGrant.user_id == user_id,
        BreakGlassGrant.person_id.in_(person_ids),
        BreakGlassGrant.expires_at > (now or datetime.now(UTC)),
    )
    return set(session.scalars(query))


def people_with_review_grant(
    session: Session, user_id: int, person_ids: list[int], *, now: datetime | None = None
) -> set[int]:
    if not person_ids:
        return set()
    query = select(ReviewGrant.person_id).where(
        ReviewGrant.user_id == user_id,
        ReviewGrant.person_id.in_(person_ids),
        or_(ReviewGrant.expires_at.is_(None), ReviewGrant.expires_at > (now or datetime.now(UTC))),
    )
    return set(session.scalars(query))


def review_grants_of(session: Session, user_id: int, *, now: datetime | None = None) -> list[ReviewGrant]:
    """The reviewer's grants in force, newest first."""
    query = (
        select(ReviewGrant)
        .where(
            ReviewGrant.user_id == user_id,
            or_(ReviewGrant.expires_at.is_(None), ReviewGrant.expires_at > (now or datetime.now(UTC))),
        )
        .order_by(ReviewGrant.granted_at.desc())
    )
    return list(session.scalars(query))


def grant_review(
    session: Session, *, user: AppUser, person_id: int, review: str, granted_by: str, days: int | None
) -> ReviewGrant:
    if user.role != "reviewer":
        raise GrantError("review grants are for users with the reviewer role")
    now = datetime.now(UTC)
    grant = ReviewGrant(
        user_id=user.id,
        person_id=person_id,
        review=review[:300],
        granted_by=granted_by,
        granted_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    session.add(grant)
    session.flush()
    return grant


@dataclass(frozen=True, slots=True)
class BreakGlassUse:
    id: int
    username: str
    role: str
    agency: str | None
    person_id: int
    reason: str
    granted_at: datetime
    expires_at: datetime
    active: bool


def break_glass_uses(
    session: Session, *, agency: str | None = None, limit: int = 500, now: datetime | None = None
) -> list[BreakGlassUse]:
    """Every break-glass grant, newest first; a manager's list is limited to their agency's users."""
    now = now or datetime.now(UTC)
    query = (
        select(BreakGlassGrant, AppUser)
        .join(AppUser, AppUser.id == BreakGlassGrant.user_id)
        .order_by(BreakGlassGrant.granted_at.desc())
        .limit(limit)
    )
    if agency is not None:
        query = query.where(AppUser.agency == agency)
    return [
        BreakGlassUse(
            g.id,
            u.username,
            u.role,
            u.agency,
            g.person_id,
            g.reason,
            g.granted_at,
            g.expires_at,
            g.expires_at > now,
        )
        for g, u in session.execute(query)
    ]
