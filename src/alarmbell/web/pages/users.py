"""User administration (`/admin/users`): administrators list accounts, add one, disable a leaver
and enable an account again (so a slip of the mouse is undone in one click)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from alarmbell.access import (
    ROLE_LABELS,
    Action,
    Role,
    UserError,
    create_user,
    end_user_sessions,
    list_users,
    set_active,
)
from alarmbell.audit import record_audit
from alarmbell.domain.vocabulary import AGENCIES
from alarmbell.storage.tables import AppUser
from alarmbell.web.auth import PrincipalDep, actor_of, requires
from alarmbell.web.deps import IdPath, SessionDep
from alarmbell.web.limits import FORM_TEXT
from alarmbell.web.rendering import render

router = APIRouter()


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


@router.post("/admin/users/{user_id}/disable", include_in_schema=False)
@requires(Action.MANAGE_USERS)
def disable_user(user_id: IdPath, request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    """Disable an account and end its sessions at once (a leaver, a lost laptop), as the CLI does.

    Administrators cannot disable themselves here: the last administrator would be locked out.
    """
    if principal.kind == "user" and user_id == principal.id:
        error = "You cannot disable your own account: ask another administrator."
        return _users_page(request, session, error=error, status=400)
    return _set_active(request, session, principal, user_id, active=False)


@router.post("/admin/users/{user_id}/enable", include_in_schema=False)
@requires(Action.MANAGE_USERS)
def enable_user(user_id: IdPath, request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    """Let a disabled account sign in again (its old sessions stay ended)."""
    return _set_active(request, session, principal, user_id, active=True)


def _set_active(
    request: Request, session: SessionDep, principal: PrincipalDep, user_id: int, *, active: bool
) -> Response:
    """Switch the account on or off, audited; a disabled account's sessions end with it."""
    user = session.get(AppUser, user_id)
    if user is None:
        return _users_page(request, session, error=f"There is no user number {user_id}.", status=404)
    if user.active != active:
        set_active(session, user, active)
        if not active:
            end_user_sessions(session, user.id)
        record_audit(
            session,
            actor=actor_of(principal),
            action="user.enable" if active else "user.disable",
            subject=("user", user.id),
            detail={"username": user.username},
        )
    return RedirectResponse("/admin/users", status_code=303)
