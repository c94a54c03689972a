"""Authentication and authorisation for every route: one app-wide guard that denies by default.

`create_app` adds `guard` as a dependency of the whole app, so it runs before every route,
including routes added later by other modules. A route is reachable only if it declares its
permission with `@requires(Action...)`; a route without one is refused (403) and fails
tests/access/test_matrix.py. The guard:

1. authenticates: the session cookie, or for `auth="token"` routes an API bearer token;
2. checks CSRF on every state-changing request made with the session cookie;
3. asks `access.policy.decide` (with the person's facts when the route names a person);
4. records reads of a person's record in the audit log, in the request's own transaction.

CSRF tokens are HMAC(secret key, CSRF cookie | session cookie): the CSRF cookie is a random
value set on the first response (HttpOnly, SameSite=Strict), the token travels in each form's
`csrf_token` field (or an X-CSRF-Token header), and signing in changes the session cookie, so
tokens minted before sign-in stop working after it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alarmbell.access import (
    Action,
    Decision,
    PersonFacts,
    Principal,
    Resource,
    any_tokens,
    decide,
    load_session,
    person_decision,
    person_decisions,
    principal_for,
    token_principal,
)
from alarmbell.access import Scope as ViewScope
from alarmbell.audit import Actor, Subject, record_audit
from alarmbell.settings import Settings
from alarmbell.web.deps import MAX_ID, SessionDep

log = logging.getLogger("alarmbell.security")

SESSION_COOKIE: Final[str] = "alarmbell_session"
CSRF_COOKIE: Final[str] = "alarmbell_csrf"
CSRF_FIELD: Final[str] = "csrf_token"
CSRF_HEADER: Final[str] = "x-csrf-token"
SAFE_METHODS: Final[frozenset[str]] = frozenset({"GET", "HEAD", "OPTIONS"})
PERMISSION_ATTR: Final[str] = "__alarmbell_permission__"
API_PREFIX: Final[str] = "/api/"
PERSON_SOURCES: Final[frozenset[str]] = frozenset({"path", "query", "form"})

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Permission:
    """A route's declared permission.

    person: the parameter holding a person id (the policy then sees that person's facts).
    person_from: where that parameter is: "path" (always there), or "query" / "form" (where a
        blank or non-numeric value names nobody, and the role alone is decided).
    auth: "session" (browser sign-in) or "token" (an agency system's API token).
    audit: the audit action recorded when the request is allowed (reads of a person's record);
        for a query or form person, only when a person is named.
    """

    action: Action
    person: str | None = None
    auth: str = "session"
    audit: str | None = None
    person_from: str = "path"


def requires(
    action: Action,
    *,
    person: str | None = None,
    person_from: str = "path",
    auth: str = "session",
    audit: str | None = None,
) -> Callable[[F], F]:
    """Declare a route's permission. Put it under the router decorator:

    @router.get("/people/{person_id}")
    @requires(Action.VIEW_PERSON, person="person_id", audit="person.view")
    def person(...): ...
    """
    if auth not in ("session", "token"):
        raise ValueError("auth is 'session' or 'token'")
    if person_from not in PERSON_SOURCES:
        raise ValueError("person_from is 'path', 'query' or 'form'")

    def mark(endpoint: F) -> F:
        setattr(endpoint, PERMISSION_ATTR, Permission(action, person, auth, audit, person_from))
        return endpoint

    return mark


def permission_of(endpoint: Any) -> Permission | None:
    found = getattr(endpoint, PERMISSION_ATTR, None)
    return found if isinstance(found, Permission) else None


class LoginRequired(Exception):
    """Not signed in: pages redirect to the sign-in page, the API answers 401."""


class AccessDenied(HTTPException):
    """Signed in but not allowed; `break_glass_url` offers emergency access where the policy has it."""

    def __init__(self, detail: str, break_glass_url: str | None = None) -> None:
        super().__init__(status_code=403, detail=detail)
        self.break_glass_url = break_glass_url


# --- the guard -------------------------------------------------------------------------------


async def guard(request: Request, session: SessionDep) -> None:
    """Runs before every route (see module docstring). Deny unless the route's permission allows."""
    route = request.scope.get("route")
    permission = permission_of(getattr(route, "endpoint", None))
    if permission is None:
        log.warning("refused %s %s: the route declares no permission", request.method, _route_path(request))
        raise HTTPException(status_code=403, detail="This page has no declared permission, so it is closed.")
    _refuse_oversized_ids(request)
    principal = await run_in_threadpool(_authenticate, request, session, permission)
    request.state.principal = principal
    # Commit sign-in bookkeeping (last seen) now, so the route's own transaction starts clean
    # and a route that writes through another session never waits on this one (SQLite).
    await run_in_threadpool(session.commit)
    if permission.auth == "session" and request.method not in SAFE_METHODS:
        await _check_csrf(request)
    named = await _named_person(request, permission)
    await run_in_threadpool(_authorise, request, session, permission, principal, named)


def _refuse_oversized_ids(request: Request) -> None:
    """A path id too large for a 64-bit column names nothing: 404 here, not an overflow in SQL."""
    for value in request.path_params.values():
        text = str(value).lstrip("-+")
        if text.isascii() and text.isdigit() and int(text) > MAX_ID:
            raise HTTPException(status_code=404, detail="No such record.")


def _route_path(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "?"))


def _authenticate(request: Request, session: SessionDep, permission: Permission) -> Principal | None:
    settings: Settings = request.app.state.settings
    if permission.auth == "token":
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            request.state.auth_problem = "Send an API token: Authorization: Bearer <token>."
            return None
        found = token_principal(session, token, dev_tokens=settings.api_tokens)
        if found is None:
            request.state.auth_problem = (
                "The API token is not recognised."
                if settings.api_tokens or any_tokens(session)
                else "The records API is off: no API tokens exist yet (alarmbell users token create)."
            )
        return found
    cookie = request.cookies.get(SESSION_COOKIE, "")
    if not cookie:
        return None
    active = load_session(session, cookie, idle=timedelta(minutes=settings.session_idle_minutes))
    return principal_for(active.user) if active else None


async def _named_person(request: Request, permission: Permission) -> str | None:
    """The raw person id the route names, from where it declared it (None: names nobody)."""
    if permission.person is None:
        return None
    if permission.person_from == "path":
        return str(request.path_params.get(permission.person, ""))
    if permission.person_from == "query":
        value: object = request.query_params.get(permission.person, "")
    elif "form" in request.headers.get("content-type", ""):
        value = (await request.form()).get(permission.person, "")
    else:
        value = ""
    text = value.strip() if isinstance(value, str) else ""
    return text if parse_id(text) is not None else None


def _authorise(
    request: Request,
    session: SessionDep,
    permission: Permission,
    principal: Principal | None,
    named: str | None,
) -> None:
    person_id = parse_id(named) if named is not None else None
    if named is None:
        decision = decide(principal, permission.action)
    else:
        decision = person_decision(session, principal, permission.action, person_id, request.app.state.policy)
    request.state.decision = decision
    request.state.person_id = person_id
    if not decision.allowed:
        _refuse(request, session, permission, principal, decision, person_id)
    if permission.audit and principal is not None and (named is None or person_id is not None):
        record_audit(
            session,
            actor=actor_of(principal),
            action=permission.audit,
            subject=Subject.person(person_id) if person_id is not None else None,
            detail=_read_detail(request, decision),
        )


def parse_id(text: str) -> int | None:
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def _refuse(
    request: Request,
    session: SessionDep,
    permission: Permission,
    principal: Principal | None,
    decision: Decision,
    person_id: int | None,
) -> None:
    if principal is None:
        if permission.auth == "token":
            raise HTTPException(
                status_code=401,
                detail=getattr(request.state, "auth_problem", "Send a valid API token."),
                headers={"WWW-Authenticate": "Bearer"},
            )
        raise LoginRequired()
    _audit_denial(request, session, principal, permission, person_id, decision)
    glass = None
    if person_id is not None and decide(principal, Action.BREAK_GLASS, PersonFacts(person_id)).allowed:
        glass = f"/people/{person_id}/break-glass"
    raise AccessDenied(f"You do not have access to this: {decision.reason}.", break_glass_url=glass)


def _audit_denial(
    request: Request,
    session: SessionDep,
    principal: Principal,
    permission: Permission,
    person_id: int | None,
    decision: Decision,
) -> None:
    """Denials are committed at once: the request's transaction will roll back when we raise."""
    session.rollback()
    record_audit(
        session,
        actor=actor_of(principal),
        action="access.denied",
        subject=Subject.person(person_id) if person_id is not None else None,
        detail={
            "permission": permission.action.value,
            "route": _route_path(request),
            "reason": decision.reason,
        },
    )
    session.commit()


def _read_detail(request: Request, decision: Decision) -> dict[str, Any]:
    detail: dict[str, Any] = {"route": _route_path(request), "scope": decision.scope.value}
    if decision.via_break_glass:
        detail["via_break_glass"] = True
    return detail


def actor_of(principal: Principal | None) -> Actor:
    if principal is None:
        return Actor("anonymous")
    return Actor(principal.name, principal.role.value if principal.role else principal.kind, principal.agency)


def current_principal(request: Request) -> Principal:
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise LoginRequired()
    return principal


def authorise(request: Request, session: SessionDep, action: Action, resource: Resource) -> Decision:
    """A decision a route can make only once it has loaded what it acts on (a triage item's
    team). The same policy as the guard's, and a refusal is audited and answered the same way."""
    principal = current_principal(request)
    decision = decide(principal, action, resource)
    if not decision.allowed:
        _refuse(request, session, Permission(action), principal, decision, None)
    return decision


def decided_person(request: Request) -> int | None:
    """The person the guard decided about (routes use this id, never one they parse again)."""
    person_id: int | None = getattr(request.state, "person_id", None)
    return person_id


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def visible_scopes(request: Request, session: SessionDep, person_ids: Iterable[int]) -> dict[int, ViewScope]:
    """Of these people, the ones the signed-in user may open, with how much of each they may see.

    Lists show a person's level and agencies only where the page does (ViewScope.FULL), so the
    list and the page never disagree.
    """
    principal: Principal | None = getattr(request.state, "principal", None)
    decisions = person_decisions(session, principal, Action.VIEW_PERSON, person_ids, request.app.state.policy)
    return {person_id: decision.scope for person_id, decision in decisions.items() if decision.allowed}


# --- CSRF ------------------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    """The token this browser's forms must carry (empty if the request had no CSRF cookie yet)."""
    seed = getattr(request.state, "csrf_seed", None) or request.cookies.get(CSRF_COOKIE, "")
    if not seed:
        return ""
    message = f"{seed}|{request.cookies.get(SESSION_COOKIE, '')}".encode()
    return hmac.new(request.app.state.secret_key, message, hashlib.sha256).hexdigest()


async def _check_csrf(request: Request) -> None:
    expected = csrf_token(request) if request.cookies.get(CSRF_COOKIE) else ""
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        value = form.get(CSRF_FIELD, "")
        sent = value if isinstance(value, str) else ""
    if not expected or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise HTTPException(
            status_code=403, detail="This form has expired. Go back, reload the page and try again."
        )


class CsrfCookieMiddleware:
    """Gives every browser a random CSRF cookie on its first response (pure ASGI, no buffering)."""

    def __init__(self, app: ASGIApp, secure: bool | None = None) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _has_cookie(scope, CSRF_COOKIE):
            await self.app(scope, receive, send)
            return
        seed = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_seed"] = seed
        secure = self.secure if self.secure is not None else scope.get("scheme") == "https"
        cookie = f"{CSRF_COOKIE}={seed}; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _has_cookie(scope: Scope, name: str) -> bool:
    for key, value in scope.get("headers", []):
        if key == b"cookie" and f"{name}=".encode() in value:
            return True
    return False


# --- cookies, errors, installation ----------------------------------------------------------


def cookie_secure(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return settings.cookie_secure if settings.cookie_secure is not None else request.url.scheme == "https"


def set_session_cookie(
    request: Request, response: Response, token: str, *, max_age: int | None = None
) -> None:
    """The session cookie; it lasts a whole sign-in unless told the time left (a renewed session)."""
    settings: Settings = request.app.state.settings
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_max_hours * 3600 if max_age is None else max_age,
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
        path="/",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=cookie_secure(request)
    )


async def login_required(request: Request, _exc: Exception) -> Response:
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse({"detail": "Sign in first."}, status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={_quote(target)}", status_code=303)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


async def access_denied(request: Request, exc: Exception) -> Response:
    from alarmbell.web.rendering import render

    assert isinstance(exc, AccessDenied)
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse({"detail": exc.detail}, status_code=403)
    context = {"detail": exc.detail, "break_glass_url": exc.break_glass_url}
    return render(request, "access_denied.html", context, status_code=403)


def install(app: FastAPI, settings: Settings) -> None:
    """Wire the guard's pieces into the app (create_app adds `guard` itself as a dependency)."""
    key = settings.secret_key.get_secret_value().encode() if settings.secret_key else secrets.token_bytes(32)
    app.state.secret_key = key
    app.add_middleware(CsrfCookieMiddleware, secure=settings.cookie_secure)
    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(AccessDenied, access_denied)
