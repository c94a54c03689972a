"""Ids for concerns recorded on the web form, made by the server and bound to the signed-in user.

The form carries its submission id so that sending the same form twice records one concern,
not two. The id is shown on the person page (`web:<id>`), so the form's value cannot be
trusted as it comes: it travels signed, HMAC(secret key, user id | id), and a value that is not
this user's own signed id is replaced by a new one. Another user who posts an id they have
seen therefore records a new concern; they never write a new version of someone else's.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from fastapi import Request

from alarmbell.access import Principal


def new_submission(request: Request, principal: Principal) -> str:
    """A fresh id with its signature, for the form's hidden `submission_id` field."""
    return _signed(request, principal, uuid.uuid4().hex)


def submission_id(request: Request, principal: Principal, sent: str) -> str:
    """The id a posted form may use: its own if this user's server signed it, else a new one."""
    return own_submission(request, principal, sent) or uuid.uuid4().hex


def signed_submission(request: Request, principal: Principal, ident: str) -> str:
    """`ident` with this user's signature: the confirmation page's address carries it."""
    return _signed(request, principal, ident)


def own_submission(request: Request, principal: Principal, sent: str) -> str | None:
    """The id in `sent` if this user's server signed it, else None (someone else's, or forged)."""
    ident, _, _ = sent.partition(".")
    if len(ident) == 32 and hmac.compare_digest(_signed(request, principal, ident), sent):
        return ident
    return None


def _signed(request: Request, principal: Principal, ident: str) -> str:
    key: bytes = request.app.state.secret_key
    message = f"concern|{principal.kind}:{principal.id}|{ident}".encode()
    return f"{ident}.{hmac.new(key, message, hashlib.sha256).hexdigest()}"
