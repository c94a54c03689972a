"""User administration (`/admin/users`): administrators list accounts, add one, disable a leaver
and enable an account again (so a slip of the mouse is undone in one click)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final
from urllib.parse import urlencode

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
from alarmbell.presentation import agency_label
from alarmbell.storage.tables import AppUser
from alarmbell.triage import LEAVER, hand_back
from alarmbell.web.auth import PrincipalDep, actor_of, requires
from alarmbell.web.deps import IdPath, SessionDep
from alarmbell.web.limits import FORM_TEXT
from alarmbell.web.rendering import render

router = APIRouter()


@router.get("/admin/users", name="admin_users", include_in_schema=False)
@requires(Action.MANAGE_USERS)
def users_page(request: Request, session: SessionDep, done: str = "", username: str = "") -> Response:
    return _users_page(request, session, error=None, done=(done, username))


#: What the page says after a change (`?done=<step>&username=<name>`): the list alone changed
#: by one row, and nothing said the account was made, or that a leaver could no longer sign in.
USER_STEPS_DONE: Final[dict[str, str]] = {
    "added": "{name} added ({role}{agency}). They can sign in now.",
    "disabled": (
        "{name} disabled: they cannot sign in, and their sessions have ended. Work they had taken "
        "on and not decided is back in its team's queue, and escalates if its time has come."
    ),
    "enabled": "{name} enabled: they can sign in again.",
}


def _users_page(
    request: Request,
    session: SessionDep,
    *,
    error: str | None,
    status: int = 200,
    done: tuple[str, str] = ("", ""),
) -> Response:
    users = list_users(session)
    context = {
        "users": users,
        "roles": [(r.value, ROLE_LABELS[r]) for r in Role],
        "agencies": AGENCIES,
        "error": error,
        "done_words": _done_words(users, *done),
    }
    return render(request, "admin_users.html", context, status_code=status)


def _done_words(users: list[AppUser], step: str, username: str) -> str:
    """The confirmation for a change to a user in the list (none for anyone else)."""
    user = next((u for u in users if u.username == username), None)
    if step not in USER_STEPS_DONE or user is None:
        return ""
    agency = f", {agency_label(user.agency)}" if user.agency else ""
    role = ROLE_LABELS.get(Role(user.role), user.role)
    return USER_STEPS_DONE[step].format(name=user.username, role=role, agency=agency)


def _done_url(step: str, user: AppUser) -> str:
    return f"/admin/users?{urlencode({'done': step, 'username': user.username})}"


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
    return RedirectResponse(_done_url("added", user), status_code=303)


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
            hand_back(
                session,
                holder=user.username,
                because=LEAVER.format(name=user.username),
                now=datetime.now(UTC),
                actor=actor_of(principal),
            )
        record_audit(
            session,
            actor=actor_of(principal),
            action="user.enable" if active else "user.disable",
            subject=("user", user.id),
            detail={"username": user.username},
        )
    return RedirectResponse(_done_url("enabled" if active else "disabled", user), status_code=303)
