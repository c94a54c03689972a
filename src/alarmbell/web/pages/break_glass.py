"""Break-glass: a practitioner opens a page the policy would refuse, giving a reason; audited and
time-limited. Managers and administrators read the log of its uses (`/access/break-glass`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from alarmbell.access import ROLE_LABELS, Action, GrantError, Role, break_glass_uses, grant_break_glass
from alarmbell.audit import Subject, record_audit
from alarmbell.identity import view
from alarmbell.settings import Settings
from alarmbell.web.auth import PrincipalDep, actor_of, requires
from alarmbell.web.deps import IdPath, SessionDep
from alarmbell.web.limits import FORM_TEXT
from alarmbell.web.rendering import render

router = APIRouter()
log = logging.getLogger("alarmbell.security")


@router.get("/people/{person_id}/break-glass", name="break_glass", include_in_schema=False)
@requires(Action.BREAK_GLASS, person="person_id")
def break_glass_form(request: Request, session: SessionDep, person_id: IdPath) -> Response:
    return _glass_page(request, session, person_id, error=None, reason="")


def _glass_page(
    request: Request,
    session: SessionDep,
    person_id: int,
    *,
    error: str | None,
    reason: str,
    status: int = 200,
) -> Response:
    number = person_id
    person = view(session, number)
    if person is None:
        raise HTTPException(status_code=404, detail="No such person.")
    settings: Settings = request.app.state.settings
    context = {"person_id": number, "error": error, "reason": reason, "minutes": settings.break_glass_minutes}
    return render(request, "break_glass.html", context, status_code=status)


@router.post("/people/{person_id}/break-glass", include_in_schema=False)
@requires(Action.BREAK_GLASS, person="person_id")
async def break_glass(
    request: Request, session: SessionDep, principal: PrincipalDep, person_id: IdPath
) -> Response:
    form = await request.form()
    reason = str(form.get("reason", ""))[:FORM_TEXT]
    number = person_id
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
