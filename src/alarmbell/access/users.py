"""User accounts: create, find, sign in with lockout, and the Principal a user acts as."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alarmbell.access.passwords import hash_password, needs_rehash, verify_password
from alarmbell.access.policy import Principal, Role
from alarmbell.domain.codes import typed_code
from alarmbell.domain.errors import ServiceError
from alarmbell.domain.vocabulary import AGENCIES
from alarmbell.storage.tables import AppUser

#: The roles as typed values, in the order the help and the error list them.
ROLES: Final[tuple[str, ...]] = tuple(r.value for r in Role)


class UserError(ServiceError):
    """A user could not be created or changed; the message says why, for the CLI to print."""


def principal_for(user: AppUser) -> Principal:
    return Principal("user", user.id, user.username, Role(user.role), user.agency, user.team)


def create_user(
    session: Session,
    *,
    username: str,
    role: str,
    agency: str | None = None,
    team: str | None = None,
    password: str | None = None,
    display_name: str | None = None,
    oidc_subject: str | None = None,
    now: datetime | None = None,
) -> AppUser:
    """A new account. Practitioners and managers need an agency (their records) and a team (routing).

    The role and agency may be typed in any case or spacing (`MASH analyst`, `Police`), as
    intake reads codes; anything else is refused with the values that would do."""
    username = username.strip().lower()
    role = typed_code(role, ROLES, name="role", what="a role")
    if agency is not None:
        agency = typed_code(agency, AGENCIES, name="agency", what="an agency")
    _check(session, username, role, agency)
    user = AppUser(
        username=username,
        display_name=display_name or username,
        role=Role(role).value,
        agency=agency,
        team=team,
        password_hash=hash_password(password) if password else None,
        oidc_subject=oidc_subject,
        active=True,
        failed_logins=0,
        created_at=now or datetime.now(UTC),
    )
    session.add(user)
    session.flush()
    return user


def _check(session: Session, username: str, role: str, agency: str | None) -> None:
    if not username or len(username) > 200 or any(c.isspace() for c in username):
        raise UserError("usernames are 1-200 characters without spaces")
    if role in (Role.PRACTITIONER, Role.TEAM_MANAGER) and agency is None:
        raise UserError(f"a {role} needs an --agency")
    if find_user(session, username) is not None:
        raise UserError(f"there is already a user {username!r}")


def find_user(session: Session, username: str) -> AppUser | None:
    query = select(AppUser).where(func.lower(AppUser.username) == username.strip().lower())
    return session.scalars(query).first()


def list_users(session: Session) -> list[AppUser]:
    return list(session.scalars(select(AppUser).order_by(AppUser.username)))


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    user: AppUser | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.user is not None


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    max_failures: int,
    lockout: timedelta,
    now: datetime | None = None,
) -> LoginOutcome:
    """Check a password, counting failures: `max_failures` in a row lock the account for `lockout`.

    The reason is for the audit log only; the person signing in always sees the same message.
    """
    now = now or datetime.now(UTC)
    user = find_user(session, username)
    if user is None:
        verify_password(None, password)
        return LoginOutcome(None, "unknown username")
    if user.locked_until is not None and user.locked_until > now:
        verify_password(None, password)
        return LoginOutcome(None, "account locked")
    if not verify_password(user.password_hash, password) or not user.active:
        return LoginOutcome(None, _failure(user, max_failures, lockout, now))
    _success(user, password, now)
    return LoginOutcome(user, "password")


def _failure(user: AppUser, max_failures: int, lockout: timedelta, now: datetime) -> str:
    if not user.active:
        return "account disabled"
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= max_failures:
        user.locked_until = now + lockout
        user.failed_logins = 0
        return "wrong password; account now locked"
    return "wrong password"


def _success(user: AppUser, password: str, now: datetime) -> None:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)


def set_active(session: Session, user: AppUser, active: bool) -> None:
    user.active = active
    session.flush()
