"""Break-glass: a practitioner opens a page the policy would refuse, giving a reason; audited and
time-limited. Managers and administrators read the log of its uses (`/access/break-glass`).

Granting it is a change of privilege, so the browser gets a new session value and the one it
had stops working (access/sessions.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from alarmbell.access import (
    ROLE_LABELS,
    Action,
    GrantError,
    Principal,
    Role,
    break_glass_uses,
    checked_reason,
    grant_break_glass,
    renew_session,
)
from alarmbell.audit import Subject, record_audit
from alarmbell.identity import view
from alarmbell.settings import Settings
from alarmbell.web.auth import SESSION_COOKIE, PrincipalDep, actor_of, requires, set_session_cookie
from alarmbell.web.deps import IdPath, SessionDep, SettingsDep
from alarmbell.web.limits import FORM_TEXT
from alarmbell.web.rendering import render

router = APIRouter()
log = logging.getLogger("alarmbell.security")


@router.get("/people/{person_id}/break-glass", name="break_glass", include_in_schema=False)
@requires(Action.BREAK_GLASS, person="person_id")
def break_glass_form(
    request: Request, session: SessionDep, principal: PrincipalDep, person_id: IdPath
) -> Response:
    _audit_if_nobody(session, principal, person_id)
    return _glass_page(request, person_id, error=None, reason="")


def _glass_page(
    request: Request, person_id: int, *, error: str | None, reason: str, status: int = 200
) -> Response:
    """The form, the same whether or not the id names anyone (nothing about the person is shown)."""
    settings: Settings = request.app.state.settings
    context = {
        "person_id": person_id,
        "error": error,
        "reason": reason,
        "minutes": settings.break_glass_minutes,
    }
    return render(request, "break_glass.html", context, status_code=status)


@router.post("/people/{person_id}/break-glass", include_in_schema=False)
@requires(Action.BREAK_GLASS, person="person_id")
async def break_glass(
    request: Request, session: SessionDep, principal: PrincipalDep, person_id: IdPath
) -> Response:
    """Grant break-glass and open the page; an id that names nobody gets the same answers (the
    same refusal of a short reason, the same redirect, the same new session value) but no
    grant, and is audited as refused."""
    form = await request.form()
    reason = str(form.get("reason", ""))[:FORM_TEXT]
    number = person_id
    settings: Settings = request.app.state.settings
    nobody = _audit_if_nobody(session, principal, number, reason)
    try:
        if nobody:
            checked_reason(reason)
        else:
            _grant(session, principal, number, reason, settings)
    except GrantError as error:
        return _glass_page(request, person_id, error=str(error), reason=reason, status=400)
    response = RedirectResponse(f"/people/{number}", status_code=303)
    _renew(request, session, response)
    return response


def _renew(request: Request, session: SessionDep, response: Response) -> None:
    """A new session value on `response`, kept by the browser until the sign-in ends (the server
    enforces that end); the one the browser sent stops working."""
    renewed = renew_session(session, request.cookies.get(SESSION_COOKIE, ""))
    if renewed is not None:
        set_session_cookie(request, response, renewed.token, max_age=renewed.seconds_left)


def _grant(session: SessionDep, principal: Principal, number: int, reason: str, settings: Settings) -> None:
    grant = grant_break_glass(
        session,
        user_id=principal.id,
        person_id=number,
        reason=reason,
        duration=timedelta(minutes=settings.break_glass_minutes),
    )
    record_audit(
        session,
        actor=actor_of(principal),
        action="break_glass",
        subject=Subject.person(number),
        detail={"reason": grant.reason, "expires_at": grant.expires_at.isoformat(), "grant": grant.id},
    )
    log.warning("break-glass access granted (grant %s)", grant.id)


def _audit_if_nobody(
    session: SessionDep, principal: Principal, number: int, reason: str | None = None
) -> bool:
    """True when the id names nobody: the attempt is audited as refused, as the guard refuses."""
    if view(session, number) is not None:
        return False
    detail = {"permission": Action.BREAK_GLASS.value, "route": "/people/{person_id}/break-glass"}
    detail["reason"] = "no such person"
    if reason is not None:
        detail["stated_reason"] = " ".join(reason.split())
    record_audit(
        session,
        actor=actor_of(principal),
        action="access.denied",
        subject=Subject.person(number),
        detail=detail,
    )
    return True


@router.get("/access/break-glass", name="break_glass_log", include_in_schema=False)
@requires(Action.VIEW_BREAK_GLASS_LOG)
def break_glass_log(
    request: Request, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> Response:
    """Managers see their agency's uses; administrators see every use."""
    agency = principal.agency if principal.role is Role.TEAM_MANAGER else None
    uses = break_glass_uses(session, agency=agency)
    context = {"uses": uses, "agency": agency, "labels": ROLE_LABELS, "minutes": settings.break_glass_minutes}
    return render(request, "break_glass_log.html", context)
