"""`alarmbell retention|sar ...`: data protection: records past retention, subject access.

Thin: parse, call one service, print. Every deletion and export is audited as `cli:<login name>`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from alarmbell.cli.support import actor, fail, output_file, store_session, write_output
from alarmbell.settings import Settings

retention_app = typer.Typer(
    help="Records past their retention period: report, or delete.", no_args_is_help=True
)
sar_app = typer.Typer(help="Subject access requests.", no_args_is_help=True)


@retention_app.command("purge")
def retention_purge(
    apply: Annotated[
        bool, typer.Option("--apply", help="Delete. Without it, only report (a dry run).")
    ] = False,
) -> None:
    """Report the people whose records are past retention; with --apply, delete their records."""
    from alarmbell.audit import Subject, record_audit
    from alarmbell.privacy import past_retention, purge_person

    settings = Settings()
    with store_session(settings, create=False) as session:
        due = past_retention(
            session, age_years=settings.retention_age_years, quiet_years=settings.retention_quiet_years
        )
        for candidate in due:
            last = candidate.last_event.isoformat() if candidate.last_event else "none"
            line = f"person {candidate.person_id}: aged {candidate.age}, last event {last}"
            if apply:
                counts = purge_person(session, candidate.person_id)
                subject = Subject.person(candidate.person_id)
                detail = {"deleted": counts}
                record_audit(session, actor=actor(), action="retention.purge", subject=subject, detail=detail)
                line += f": deleted {sum(counts.values())} rows"
            typer.echo(line)
    verb = "deleted" if apply else "past retention (dry run: add --apply to delete)"
    typer.echo(f"{len(due)} people {verb}")


@sar_app.command("export")
def sar_export(
    person: Annotated[int, typer.Argument(help="Person id.")],
    out: Annotated[Path | None, typer.Option(help="Write the JSON here (default: print it).")] = None,
) -> None:
    """Everything held about a person, other people's details redacted; the export is audited."""
    from alarmbell.audit import Subject, record_audit
    from alarmbell.privacy import subject_access_export

    out = output_file(out)
    with store_session(create=False) as session:
        data = subject_access_export(session, person)
        if data is None:
            fail(f"no person {person}")
        record_audit(
            session, actor=actor(), action="person.sar_export", subject=Subject.person(data["person_id"])
        )
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if out is None:
        typer.echo(text)
    else:
        write_output(out, text + "\n")
        typer.echo(f"wrote {out}")
