"""API tokens for agency systems: each sends records for one agency, and is stored hashed.

The token is `ab_<prefix>_<secret>`; the prefix (not secret) names it in lists and the audit
log, the whole token is shown once at creation and only its SHA-256 is kept. A random 256-bit
secret needs no slow hash: nothing about it can be guessed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.access.policy import Principal
from alarmbell.domain.codes import typed_code
from alarmbell.domain.vocabulary import AGENCIES
from alarmbell.storage.tables import ApiToken


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, *, agency: str, name: str, created_by: str) -> tuple[ApiToken, str]:
    """A new token for `agency` (in any case or spacing, as intake reads it): the row and the
    plaintext (print it once; it cannot be shown again)."""
    agency = typed_code(agency, AGENCIES, name="agency", what="an agency")
    prefix = secrets.token_hex(4)
    token = f"ab_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken(
        token_hash=_digest(token),
        prefix=prefix,
        agency=agency,
        name=name[:200],
        created_at=datetime.now(UTC),
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return row, token


def token_principal(
    session: Session, token: str, *, dev_tokens: dict[str, str] | None = None
) -> Principal | None:
    """The agency system behind a bearer token, or None. Revoked tokens are refused."""
    token = token.strip()
    if not token or len(token) > 200:
        return None
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if row is not None and row.revoked_at is None:
        row.last_used_at = datetime.now(UTC)
        return Principal("token", row.id, f"token:{row.prefix}", agency=row.agency)
    for known, agency in (dev_tokens or {}).items():
        if hmac.compare_digest(known.encode(), token.encode()):
            return Principal("token", 0, "token:settings", agency=agency)
    return None


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke_token(session: Session, prefix: str) -> ApiToken | None:
    row = session.scalars(select(ApiToken).where(ApiToken.prefix == prefix)).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
    return row


def any_tokens(session: Session) -> bool:
    """Whether any unrevoked token exists (so a refusal can say the API is simply off)."""
    return (
        session.scalars(select(ApiToken.id).where(ApiToken.revoked_at.is_(None)).limit(1)).first() is not None
    )
