"""Single sign-on (OIDC): `/login/oidc` sends the browser to the provider, the callback signs in.

The provider vouches for who the user is; alarmbell's user table (created by an administrator)
says what they may do.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Final

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from alarmbell.access import Action, find_user
from alarmbell.access.oidc import OidcClient, OidcConfig, OidcError, PendingLogin
from alarmbell.audit import record_audit
from alarmbell.settings import Settings
from alarmbell.storage.tables import AppUser
from alarmbell.web.auth import requires, set_session_cookie
from alarmbell.web.deps import SessionDep
from alarmbell.web.pages.login import NextQuery, begin_session, safe_next

router = APIRouter()
log = logging.getLogger("alarmbell.security")


OIDC_COOKIE: Final[str] = "alarmbell_oidc"


OIDC_MAX_AGE: Final[int] = 600


def _oidc(request: Request) -> OidcClient:
    settings: Settings = request.app.state.settings
    if not (settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret):
        raise HTTPException(status_code=404, detail="Single sign-on is not configured.")
    client: OidcClient | None = getattr(request.app.state, "oidc", None)
    if client is None:
        config = OidcConfig(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret.get_secret_value(),
            scopes=settings.oidc_scopes,
            username_claim=settings.oidc_username_claim,
        )
        client = request.app.state.oidc = OidcClient(config)
    return client


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.secret_key, salt="alarmbell.oidc")


def _callback_url(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


@router.get("/login/oidc", name="oidc_login", include_in_schema=False)
@requires(Action.PUBLIC)
async def oidc_login(request: Request, next_url: NextQuery = "/") -> Response:
    client = _oidc(request)
    try:
        url, pending = await run_in_threadpool(client.begin, _callback_url(request))
    except OidcError as error:
        log.warning("OIDC sign-in could not start: %s", error)
        raise HTTPException(
            status_code=502, detail="The sign-in service is not answering. Try again later."
        ) from None
    state = _serializer(request).dumps([pending.state, pending.nonce, pending.verifier, safe_next(next_url)])
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        OIDC_COOKIE, state, max_age=OIDC_MAX_AGE, httponly=True, samesite="lax", path="/login/oidc"
    )
    return response


@router.get("/login/oidc/callback", name="oidc_callback", include_in_schema=False)
@requires(Action.PUBLIC)
async def oidc_callback(request: Request, session: SessionDep, code: str = "", state: str = "") -> Response:
    client = _oidc(request)
    try:
        saved = _serializer(request).loads(request.cookies.get(OIDC_COOKIE, ""), max_age=OIDC_MAX_AGE)
    except BadSignature:
        saved = None
    if not saved or not code or saved[0] != state:
        raise HTTPException(
            status_code=400, detail="This sign-in has expired or was not started here. Try again."
        )
    pending = PendingLogin(saved[0], saved[1], saved[2])
    try:
        claims = await run_in_threadpool(
            client.finish, code=code, redirect_uri=_callback_url(request), pending=pending
        )
    except OidcError as error:
        log.warning("OIDC sign-in failed: %s", error)
        raise HTTPException(status_code=400, detail="Sign-in failed. Try again.") from None
    token = await run_in_threadpool(_oidc_session, request, session, client, claims)
    if token is None:
        raise HTTPException(
            status_code=403, detail="You have no alarmbell account. Ask your administrator for one."
        )
    response = RedirectResponse(safe_next(saved[3]), status_code=303)
    response.delete_cookie(OIDC_COOKIE, path="/login/oidc")
    set_session_cookie(request, response, token)
    return response


def _oidc_session(
    request: Request, session: Session, client: OidcClient, claims: dict[str, Any]
) -> str | None:
    """The provider vouches for who; alarmbell's user table (created by an administrator) says what.

    A user is found by the remembered subject, or on first sign-in by the username claim; an
    account already bound to another subject is never taken over.
    """
    subject = f"{client.config.issuer}|{claims['sub']}"
    user = session.scalars(select(AppUser).where(AppUser.oidc_subject == subject)).first()
    if user is None:
        claimed = claims.get(client.config.username_claim)
        user = find_user(session, claimed) if isinstance(claimed, str) and claimed else None
        if user is not None and user.oidc_subject is None:
            user.oidc_subject = subject
        elif user is not None:
            user = None
    if user is None or not user.active:
        record_audit(
            session,
            actor="anonymous",
            action="login.failed",
            detail={"reason": "no account for OIDC subject"},
        )
        return None
    user.last_login_at = datetime.now(UTC)
    return begin_session(request, session, user, "oidc")
