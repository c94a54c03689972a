"""Signing in with a password, and signing out. Single sign-on is pages/oidc.py; both begin a
session the same way (`begin_session`)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from alarmbell.access import Action, RateLimiter, authenticate, end_session, principal_for, start_session
from alarmbell.audit import record_audit
from alarmbell.settings import Settings
from alarmbell.storage.tables import AppUser
from alarmbell.web.auth import (
    SESSION_COOKIE,
    PrincipalDep,
    actor_of,
    clear_session_cookie,
    requires,
    set_session_cookie,
)
from alarmbell.web.deps import SessionDep
from alarmbell.web.rendering import render

router = APIRouter()
log = logging.getLogger("alarmbell.security")

LOGIN_FAILED: Final[str] = (
    "Sign-in failed. Check your username and password. After repeated failures an account is "
    "locked for a while; ask your administrator if you are locked out."
)
#: The `?next=` page to return to after sign-in (`next` itself would shadow the builtin).
NextQuery = Annotated[str, Query(alias="next")]


def safe_next(target: str) -> str:
    """Only paths on this site: never `//host` or `https://host` (no open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target or "\n" in target:
        return "/"
    return target[:500]


@router.get("/login", name="login", include_in_schema=False)
@requires(Action.PUBLIC)
def login_form(request: Request, next_url: NextQuery = "/") -> Response:
    return _login_page(request, next_url=safe_next(next_url))


def _login_page(
    request: Request, *, next_url: str, error: str | None = None, username: str = "", status: int = 200
) -> Response:
    settings: Settings = request.app.state.settings
    context = {"next": next_url, "error": error, "username": username, "oidc": bool(settings.oidc_issuer)}
    return render(request, "login.html", context, status_code=status)


@router.post("/login", include_in_schema=False)
@requires(Action.PUBLIC)
async def login(request: Request, session: SessionDep) -> Response:
    form = await request.form()
    username = str(form.get("username", ""))[:200]
    password = str(form.get("password", ""))[:1000]
    target = safe_next(str(form.get("next", "/")))
    limiter: RateLimiter = request.app.state.login_limiter
    if not limiter.allow(request.client.host if request.client else "unknown"):
        log.warning("sign-in refused: too many attempts from one address")
        return _login_page(request, next_url=target, error=LOGIN_FAILED, username=username, status=429)
    token = await run_in_threadpool(_password_login, request, session, username, password)
    if token is None:
        return _login_page(request, next_url=target, error=LOGIN_FAILED, username=username, status=400)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, token)
    return response


def _password_login(request: Request, session: Session, username: str, password: str) -> str | None:
    """Check the password; on success a new session (never the one the browser came with).

    Failures are committed with the request (the route returns a page, it does not raise), so
    the failure count that drives lockout survives.
    """
    settings: Settings = request.app.state.settings
    outcome = authenticate(
        session,
        username=username,
        password=password,
        max_failures=settings.login_max_failures,
        lockout=timedelta(minutes=settings.login_lockout_minutes),
    )
    if outcome.user is None:
        record_audit(session, actor="anonymous", action="login.failed", detail={"reason": outcome.reason})
        log.info("sign-in failed (%s)", outcome.reason)
        return None
    return begin_session(request, session, outcome.user, "password")


def begin_session(request: Request, session: Session, user: AppUser, method: str) -> str:
    settings: Settings = request.app.state.settings
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        end_session(session, old)
    token = start_session(
        session, user=user, method=method, lifetime=timedelta(hours=settings.session_max_hours)
    )
    record_audit(session, actor=actor_of(principal_for(user)), action="login", detail={"method": method})
    log.info("user %s signed in (%s)", user.id, method)
    return token


@router.post("/logout", name="logout", include_in_schema=False)
@requires(Action.SIGNED_IN)
def logout(request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    end_session(session, token)
    record_audit(session, actor=actor_of(principal), action="logout")
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(request, response)
    return response
