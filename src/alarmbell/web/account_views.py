"""Signing in and out (password or OIDC), break-glass, and the managers' and administrators' pages."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from alarmbell.access import (
    ROLE_LABELS,
    Action,
    GrantError,
    RateLimiter,
    Role,
    UserError,
    authenticate,
    break_glass_uses,
    create_user,
    end_session,
    find_user,
    grant_break_glass,
    list_users,
    principal_for,
    start_session,
)
from alarmbell.access.oidc import OidcClient, OidcConfig, OidcError, PendingLogin
from alarmbell.audit import Subject, record_audit, verify_audit, who_viewed
from alarmbell.domain.vocabulary import AGENCIES
from alarmbell.identity import view
from alarmbell.settings import Settings
from alarmbell.storage.tables import AppUser
from alarmbell.web.auth import (
    SESSION_COOKIE,
    PrincipalDep,
    actor_of,
    clear_session_cookie,
    decided_person,
    parse_id,
    requires,
    set_session_cookie,
)
from alarmbell.web.deps import SessionDep
from alarmbell.web.limits import FORM_TEXT
from alarmbell.web.rendering import render

router = APIRouter()
log = logging.getLogger("alarmbell.security")

LOGIN_FAILED: Final[str] = (
    "Sign-in failed. Check your username and password. After repeated failures an account is "
    "locked for a while; ask your administrator if you are locked out."
)
OIDC_COOKIE: Final[str] = "alarmbell_oidc"
OIDC_MAX_AGE: Final[int] = 600
#: The `?next=` page to return to after sign-in (`next` itself would shadow the builtin).
NextQuery = Annotated[str, Query(alias="next")]


def safe_next(target: str) -> str:
    """Only paths on this site: never `//host` or `https://host` (no open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target or "\n" in target:
        return "/"
    return target[:500]


@router.get("/api/v1/openapi.json", include_in_schema=False)
@requires(Action.SIGNED_IN)
def openapi(request: Request) -> JSONResponse:
    """The API's schema, for signed-in users and tools (not public: it maps the attack surface)."""
    return JSONResponse(request.app.openapi())


@router.get("/healthz", include_in_schema=False)
@requires(Action.PUBLIC)
def health() -> JSONResponse:
    return JSONResponse({"status": "ok"})


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
    return _begin(request, session, outcome.user, "password")


def _begin(request: Request, session: Session, user: AppUser, method: str) -> str:
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


# --- OIDC -------------------------------------------------------------------------------------


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
    return _begin(request, session, user, "oidc")


# --- break-glass ------------------------------------------------------------------------------


@router.get("/people/{person_id}/break-glass", name="break_glass", include_in_schema=False)
@requires(Action.BREAK_GLASS, person="person_id")
def break_glass_form(request: Request, session: SessionDep, person_id: str) -> Response:
    return _glass_page(request, session, person_id, error=None, reason="")


def _glass_page(
    request: Request,
    session: SessionDep,
    person_id: str,
    *,
    error: str | None,
    reason: str,
    status: int = 200,
) -> Response:
    number = parse_id(person_id)
    person = view(session, number) if number is not None else None
    if person is None:
        raise HTTPException(status_code=404, detail="No such person.")
    settings: Settings = request.app.state.settings
    context = {"person_id": number, "error": error, "reason": reason, "minutes": settings.break_glass_minutes}
    return render(request, "break_glass.html", context, status_code=status)


@router.post("/people/{person_id}/break-glass", include_in_schema=False)
@requires(Action.BREAK_GLASS, person="person_id")
async def break_glass(
    request: Request, session: SessionDep, principal: PrincipalDep, person_id: str
) -> Response:
    form = await request.form()
    reason = str(form.get("reason", ""))[:FORM_TEXT]
    number = parse_id(person_id)
    assert number is not None  # the guard found the person
    settings: Settings = request.app.state.settings
    try:
        grant = grant_break_glass(
            session,
            user_id=principal.id,
            person_id=number,
            reason=reason,
            duration=timedelta(minutes=settings.break_glass_minutes),
        )
    except GrantError as error:
        return _glass_page(request, session, person_id, error=str(error), reason=reason, status=400)
    record_audit(
        session,
        actor=actor_of(principal),
        action="break_glass",
        subject=Subject.person(number),
        detail={"reason": grant.reason, "expires_at": grant.expires_at.isoformat(), "grant": grant.id},
    )
    log.warning("break-glass access granted (grant %s)", grant.id)
    return RedirectResponse(f"/people/{number}", status_code=303)


@router.get("/access/break-glass", name="break_glass_log", include_in_schema=False)
@requires(Action.VIEW_BREAK_GLASS_LOG)
def break_glass_log(request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    """Managers see their agency's uses; administrators see every use."""
    agency = principal.agency if principal.role is Role.TEAM_MANAGER else None
    uses = break_glass_uses(session, agency=agency)
    return render(request, "break_glass_log.html", {"uses": uses, "agency": agency, "labels": ROLE_LABELS})


# --- administration ---------------------------------------------------------------------------


@router.get("/admin/users", name="admin_users", include_in_schema=False)
@requires(Action.MANAGE_USERS)
def users_page(request: Request, session: SessionDep) -> Response:
    return _users_page(request, session, error=None)


def _users_page(request: Request, session: SessionDep, *, error: str | None, status: int = 200) -> Response:
    context = {
        "users": list_users(session),
        "roles": [(r.value, ROLE_LABELS[r]) for r in Role],
        "agencies": AGENCIES,
        "error": error,
    }
    return render(request, "admin_users.html", context, status_code=status)


@router.post("/admin/users", include_in_schema=False)
@requires(Action.MANAGE_USERS)
async def add_user(request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    form = {k: str(v)[:FORM_TEXT] for k, v in (await request.form()).items()}
    try:
        user = create_user(
            session,
            username=form.get("username", ""),
            role=form.get("role", ""),
            agency=form.get("agency") or None,
            team=form.get("team") or None,
            password=form.get("password") or None,
            display_name=form.get("display_name") or None,
        )
    except (UserError, ValueError) as error:
        return _users_page(request, session, error=str(error), status=400)
    record_audit(
        session,
        actor=actor_of(principal),
        action="user.create",
        subject=("user", user.id),
        detail={"username": user.username, "role": user.role, "agency": user.agency, "team": user.team},
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/audit", name="admin_audit", include_in_schema=False)
@requires(Action.VIEW_AUDIT, person="person", person_from="query")
def audit_page(request: Request, session: SessionDep, principal: PrincipalDep, person: str = "") -> Response:
    """The chain's state, and who viewed one person (the question a family or inspector asks)."""
    number = decided_person(request)
    viewings = who_viewed(session, [number]) if number is not None else []
    if number is not None:
        record_audit(
            session, actor=actor_of(principal), action="audit.who_viewed", subject=Subject.person(number)
        )
    report = verify_audit(session)
    return render(
        request, "admin_audit.html", {"report": report, "person": person[:20], "viewings": viewings}
    )


@router.get("/people/{person_id}/subject-access", name="subject_access", include_in_schema=False)
@requires(Action.SAR_EXPORT, person="person_id")
def subject_access(session: SessionDep, principal: PrincipalDep, person_id: str) -> JSONResponse:
    """A subject access export (third parties redacted) as a JSON download; the export is audited."""
    from alarmbell.privacy import subject_access_export

    number = parse_id(person_id)
    data = subject_access_export(session, number) if number is not None else None
    if data is None:
        raise HTTPException(status_code=404, detail="No such person.")
    record_audit(
        session,
        actor=actor_of(principal),
        action="person.sar_export",
        subject=Subject.person(data["person_id"]),
    )
    headers = {"Content-Disposition": f'attachment; filename="subject-access-{data["person_id"]}.json"'}
    return JSONResponse(data, headers=headers)
