"""`alarmbell audit ...`: the hash-chained audit log: verify it, ask who viewed a person.

Thin: parse, call one service, print. Asking who viewed a person is itself audited.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from alarmbell.cli.progress import stderr
from alarmbell.cli.support import actor, store_session

audit_app = typer.Typer(
    help="The hash-chained audit log: verify it, ask who viewed a person.", no_args_is_help=True
)


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain; exit 1 and say where, if any entry was edited, deleted or reordered."""
    from alarmbell.audit import verify_audit

    with store_session(create=False) as session:
        report = verify_audit(session)
    if report.ok:
        typer.echo(f"audit log intact: {report.entries} entries; head {report.head_hash}")
        return
    for problem in report.problems:
        stderr.print(f"audit log altered at {problem}")
    raise typer.Exit(1)


@audit_app.command("who-viewed")
def audit_who_viewed(
    person: Annotated[int, typer.Argument(help="Person id.")],
    lists: Annotated[
        bool, typer.Option("--lists/--no-lists", help="Include searches and lists that showed them.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Who opened this person's record (and, with --lists, saw them in search results), and when."""
    from alarmbell.audit import Subject, record_audit, who_viewed
    from alarmbell.identity import ids_of_one_person

    with store_session(create=False) as session:
        ids = ids_of_one_person(session, person)
        viewings = who_viewed(session, ids, include_lists=lists)
        record_audit(session, actor=actor(), action="audit.who_viewed", subject=Subject.person(person))
    rows: list[dict[str, str]] = [
        {
            "at": v.at.isoformat(),
            "who": v.actor,
            "role": v.role or "-",
            "agency": v.agency or "-",
            "action": v.action,
        }
        for v in viewings
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo(f"no one has viewed person {person}")
    for row in rows:
        typer.echo(
            f"{row['at'][:19]}  {row['who']:<25} {row['role']:<13} {row['agency']:<22} {row['action']}"
        )
