"""`alarmbell users ...`: user accounts, review grants and agency API tokens.

Thin: parse, call one service, print. Every change is audited as `cli:<login name>`.
"""

from __future__ import annotations

import getpass
import secrets
import sys
from typing import Annotated

import typer

from alarmbell.cli.support import actor, fail, failing_on, store_session

users_app = typer.Typer(
    help="User accounts (roles, agency, team) and agency API tokens.", no_args_is_help=True
)
token_app = typer.Typer(
    help="API tokens for agency systems: each sends records for one agency.", no_args_is_help=True
)
users_app.add_typer(token_app, name="token")


@users_app.command("create")
def users_create(
    username: Annotated[
        str, typer.Argument(help="Sign-in name (for OIDC users, the username claim, e.g. email).")
    ],
    role: Annotated[str, typer.Option(help="practitioner, mash_analyst, team_manager, reviewer or admin.")],
    agency: Annotated[
        str | None, typer.Option(help="The user's agency (required for practitioners and managers).")
    ] = None,
    team: Annotated[
        str | None, typer.Option(help="The user's team, as named in the policy's routing (e.g. mash).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    password: Annotated[
        bool,
        typer.Option(
            "--password/--no-password", help="Set a password (asked for, or generated and printed)."
        ),
    ] = True,
) -> None:
    """Create a user. Without a password the user can sign in only through OIDC."""
    from alarmbell.access import UserError, create_user
    from alarmbell.audit import record_audit

    secret = _new_password() if password else None
    with store_session() as session:
        with failing_on(UserError, ValueError):
            user = create_user(
                session,
                username=username,
                role=role,
                agency=agency,
                team=team,
                password=secret,
                display_name=name,
            )
        record_audit(
            session, actor=actor(), action="user.create", subject=("user", user.id),
            detail={"username": user.username, "role": user.role, "agency": user.agency, "team": team},
        )  # fmt: skip
    typer.echo(
        f"created {user.username} ({user.role}{', ' + user.agency if user.agency else ''}"
        f"{', team ' + team if team else ''})"
    )
    if secret:
        typer.echo(f"password: {secret}")


def _new_password() -> str:
    """Asked for on a terminal; generated (and printed once) otherwise."""
    if sys.stdin.isatty():
        return getpass.getpass("Password (at least 12 characters): ")
    return secrets.token_urlsafe(15)


@users_app.command("list")
def users_list() -> None:
    """List users with their role, agency, team and state."""
    from alarmbell.access import list_users

    with store_session(create=False) as session:
        for user in list_users(session):
            state = "active" if user.active else "disabled"
            typer.echo(
                f"{user.username:<30} {user.role:<13} {user.agency or '-':<22} {user.team or '-':<15} {state}"
            )


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="The user to disable.")]) -> None:
    """Disable a user and end their sessions; work they had taken on and not decided goes back to
    its team's queue (and escalates if its time has come)."""
    from datetime import UTC, datetime

    from alarmbell.access import end_user_sessions, find_user, set_active
    from alarmbell.audit import Actor, record_audit
    from alarmbell.triage import LEAVER, hand_back

    with store_session(create=False) as session:
        user = find_user(session, username)
        if user is None:
            fail(f"no user {username!r}")
        set_active(session, user, False)
        end_user_sessions(session, user.id)
        record_audit(session, actor=actor(), action="user.disable", subject=("user", user.id))
        because = LEAVER.format(name=user.username)
        handed = hand_back(
            session, holder=user.username, because=because, now=datetime.now(UTC), actor=Actor(actor())
        )
        returned = [f"item {row.id} ({row.team})" for row in handed]  # titles name children
    typer.echo(f"disabled {username}")
    for line in returned:
        typer.echo(f"back in its team's queue, as {username} can no longer act on it: {line}")


@users_app.command("grant-review")
def users_grant_review(
    username: Annotated[str, typer.Argument(help="A user with the reviewer role.")],
    person: Annotated[int, typer.Argument(help="Person id.")],
    review: Annotated[str, typer.Option(help="The review this is for (e.g. 'CSPR 2026/04').")],
    days: Annotated[
        int | None, typer.Option(min=1, help="Days the grant lasts (default: until revoked).")
    ] = None,
) -> None:
    """Let a reviewer read one person's record for a named review, even if the case is open."""
    from alarmbell.access import GrantError, find_user, grant_review
    from alarmbell.audit import Subject, record_audit
    from alarmbell.identity import PersonNotFound, find_person

    with store_session(create=False) as session:
        user = find_user(session, username)
        if user is None:
            fail(f"no user {username!r}")
        with failing_on(PersonNotFound):
            person = find_person(session, str(person))  # a merged-away id is its person's now
        with failing_on(GrantError):
            grant = grant_review(
                session, user=user, person_id=person, review=review, granted_by=actor(), days=days
            )
        record_audit(
            session, actor=actor(), action="review.grant", subject=Subject.person(person),
            detail={"user": user.username, "review": review, "grant": grant.id},
        )  # fmt: skip
    typer.echo(f"{username} may read person {person} for {review}")


@token_app.command("create")
def token_create(
    agency: Annotated[str, typer.Option(help="The one agency this token sends records for.")],
    name: Annotated[str, typer.Option(help="What system holds it, e.g. 'Force RMS'.")],
) -> None:
    """Create an API token. It is printed once; only its hash is kept."""
    from alarmbell.access import create_token
    from alarmbell.audit import record_audit

    with store_session(create=False) as session:
        with failing_on(ValueError):
            row, token = create_token(session, agency=agency, name=name, created_by=actor())
        record_audit(
            session, actor=actor(), action="token.create", subject=("api_token", row.prefix),
            detail={"agency": row.agency, "name": name},
        )  # fmt: skip
    typer.echo(f"token {row.prefix} for {row.agency} ({name}); send it as 'Authorization: Bearer <token>':")
    typer.echo(token)


@token_app.command("list")
def token_list() -> None:
    """List API tokens (prefix, agency, name, state); never the tokens themselves."""
    from alarmbell.access import list_tokens

    with store_session(create=False) as session:
        for row in list_tokens(session):
            state = "revoked" if row.revoked_at else "active"
            typer.echo(f"{row.prefix}  {row.agency:<22} {row.name:<30} {state}")


@token_app.command("revoke")
def token_revoke(
    prefix: Annotated[str, typer.Argument(help="The token's prefix, from `token list`.")],
) -> None:
    """Revoke an API token at once."""
    from alarmbell.access import revoke_token
    from alarmbell.audit import record_audit

    with store_session(create=False) as session:
        row = revoke_token(session, prefix)
        if row is None:
            fail(f"no token {prefix!r}")
        record_audit(session, actor=actor(), action="token.revoke", subject=("api_token", prefix))
    typer.echo(f"revoked {prefix}")
