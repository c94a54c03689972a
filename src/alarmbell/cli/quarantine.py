"""`alarmbell quarantine list|retry`: the lines ingest rejected, listed and read again once fixed.

Thin: parse, call the ingest service, print. A retry commits page by page, each page with its
audit entry (`quarantine.retry`, as `cli:<login name>`), like every other change made here.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from alarmbell.cli.ingest import link_and_alert
from alarmbell.cli.progress import advance, progress_bar
from alarmbell.cli.support import actor, engine_session, fail, read_only_store, store, to_stderr
from alarmbell.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from alarmbell.ingest import RetrySummary

quarantine_app = typer.Typer(
    help="Lines ingest rejected: list them, and read them again once what failed them is fixed.",
    no_args_is_help=True,
)

Source = Annotated[
    str | None,
    typer.Option(
        "--source", help="Only the lines of this file, named as it was ingested (e.g. feeds/police.jsonl)."
    ),
]


@quarantine_app.command("list")
def list_cmd(
    source: Source = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Quarantined lines, oldest first, as FILE:LINE: FIELD: problem (and the quarantine id)."""
    from alarmbell.ingest import quarantined

    with read_only_store() as (engine, note):
        if engine is None:
            fail(note)
        with engine.connect() as connection:
            entries = list(quarantined(connection, source=source))
    if as_json:
        rows = [
            {
                "id": e.id,
                "batch": e.batch_id,
                "file": e.source,
                "line": e.line_no,
                "field": e.field,
                "error": e.problem,
            }
            for e in entries
        ]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for entry in entries:
        typer.echo(f"#{entry.id}  {entry.message}")
    typer.echo(f"{len(entries)} line{'' if len(entries) == 1 else 's'} in quarantine")


@quarantine_app.command("retry")
def retry_cmd(
    source: Source = None,
    link: Annotated[bool, typer.Option(help="Link identities and refresh alerts afterwards.")] = True,
) -> None:
    """Read quarantined lines again through ingest's validation: those that now pass are
    ingested once and leave the quarantine; the rest stay with their error as read now. Exit
    status 1 if any still fail."""
    settings = Settings()
    with store(settings, create=False) as engine:
        done = _retry_all(engine, source)
        typer.echo(f"quarantine: {done.line}")
        if link and done.accepted:
            link_and_alert(engine, settings)
    raise typer.Exit(1 if done.still_failing else 0)


def _retry_all(engine: Engine, source: str | None) -> RetrySummary:
    """Page after page, each committed with its audit entry, under one progress bar."""
    from alarmbell.ingest import RetrySummary, quarantine_count

    with engine.connect() as connection:
        total = quarantine_count(connection, source=source)
    done = RetrySummary()
    with progress_bar("Retrying quarantined lines", total) as bar:
        while (page := _retry_one_page(engine, source, done.last_id)) is not None:
            done.add(page)
            advance(bar, page.read)
    return done


def _retry_one_page(engine: Engine, source: str | None, after: int) -> RetrySummary | None:
    from alarmbell.audit import record_audit
    from alarmbell.ingest import retry_page

    with engine_session(engine) as session:
        page = retry_page(session, after=after, source=source, report=to_stderr)
        if page is not None:
            detail = {"source": source, **page.audit_detail}
            record_audit(session, actor=actor(), action="quarantine.retry", detail=detail)
    return page
