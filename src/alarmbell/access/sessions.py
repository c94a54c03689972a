"""Server-side sessions: the browser holds a random value, the store holds only its SHA-256.

A new value is issued at every sign-in and at break-glass (so a value seen before either is
worthless after), sessions end after `idle` without use or `lifetime` in all, and sign-out
ends them in the store, not just in the browser.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from alarmbell.storage.tables import AppUser, UserSession

#: last_seen_at is written at most this often, so reading pages does not write on every request.
TOUCH_EVERY = timedelta(seconds=60)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(
    session: Session, *, user: AppUser, method: str, lifetime: timedelta, now: datetime | None = None
) -> str:
    """A fresh session for `user`; returns the cookie value (shown once, never stored)."""
    now = now or datetime.now(UTC)
    return _issue(session, user_id=user.id, method=method, now=now, expires_at=now + lifetime)


@dataclass(frozen=True, slots=True)
class RenewedSession:
    """A renewed session's new cookie value and the sign-in's end, which the cookie must keep."""

    token: str
    expires_at: datetime
    seconds_left: int


def renew_session(session: Session, token: str, *, now: datetime | None = None) -> RenewedSession | None:
    """A new cookie value for the live session behind `token`, which stops working at once.

    For a change of privilege (break-glass): a value seen before it, in a shared browser or a
    log, must not carry the new access (OWASP: renew the session id on any privilege change).
    The new session keeps the old one's method and end, so renewing never lengthens a sign-in;
    `seconds_left` is the cookie's lifetime to that end, not a whole sign-in's.
    None when `token` names no session that has not ended.
    """
    now = now or datetime.now(UTC)
    live = (UserSession.token_hash == token_digest(token), UserSession.ended_at.is_(None))
    old = session.scalars(select(UserSession).where(*live)).first()
    if old is None:
        return None
    old.ended_at = now
    new = _issue(session, user_id=old.user_id, method=old.method, now=now, expires_at=old.expires_at)
    left = max(0, int((old.expires_at - now).total_seconds()))
    return RenewedSession(new, old.expires_at, left)


def _issue(session: Session, *, user_id: int, method: str, now: datetime, expires_at: datetime) -> str:
    """Store the digest of a new random value; the value itself goes only to the browser."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=token_digest(token),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
            method=method,
        )
    )
    session.flush()
    return token


@dataclass(frozen=True, slots=True)
class ActiveSession:
    user: AppUser
    row: UserSession


def load_session(
    session: Session, token: str, *, idle: timedelta, now: datetime | None = None
) -> ActiveSession | None:
    """The user behind a cookie value, if the session is live and the account active."""
    if not token or len(token) > 100:
        return None
    now = now or datetime.now(UTC)
    row = session.scalars(select(UserSession).where(UserSession.token_hash == token_digest(token))).first()
    if row is None or row.ended_at is not None or row.expires_at <= now or row.last_seen_at + idle <= now:
        return None
    user = session.get(AppUser, row.user_id)
    if user is None or not user.active:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return ActiveSession(user, row)


def end_session(session: Session, token: str, *, now: datetime | None = None) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == token_digest(token), UserSession.ended_at.is_(None))
        .values(ended_at=now or datetime.now(UTC))
    )


def end_user_sessions(session: Session, user_id: int, *, now: datetime | None = None) -> None:
    """Sign a user out everywhere (account disabled, password changed)."""
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=now or datetime.now(UTC))
    )
