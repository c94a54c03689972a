"""`alarmbell ingest FILE...`: load agency files, then link identities and refresh alerts.

Thin: each file goes to the ingest service with a progress bar; bad lines are reported on stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alarmbell.cli.alerts import link_and_refresh_shown, show_work
from alarmbell.cli.progress import bytes_bar, stderr
from alarmbell.cli.support import actor, agency_option, fail, failing_on, input_files, store, to_stderr
from alarmbell.domain.wording import plural
from alarmbell.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine


def ingest(
    files: Annotated[
        list[Path],
        typer.Argument(help="Files to load: exchange-format .jsonl, or an agency format (docs/formats/)."),
    ],
    agency: Annotated[
        str | None,
        typer.Option(help="Agency sending these files: fills lines without one, rejects others."),
    ] = None,
    format_name: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Input format, when the file name does not say: jsonl, fhir, police-csv, "
            "school-concerns-csv, school-attendance-csv, cin-xml, cin-csv, csc-contacts-csv, "
            "health-ed-csv, health-community-csv, health-wnb-csv.",
        ),
    ] = None,
    link: Annotated[bool, typer.Option(help="Link identities and refresh alerts afterwards.")] = True,
) -> None:
    """Load agency files. Bad lines are reported as FILE:LINE: FIELD: problem and quarantined
    (`alarmbell quarantine list`; `retry` reads them again once fixed). Exit status 1 if any line
    was rejected, 2 if a file cannot be read, else 0."""
    settings = Settings()
    agency = agency_option(agency)
    input_files(files)
    files = [path for path in files if not _is_answer_key(path)]
    with store(settings) as engine:
        rejected = _ingest_files(engine, settings, files, agency, format_name, link)
    raise typer.Exit(1 if rejected else 0)


#: The record types only `alarmbell synth`'s answer key holds (docs/synthetic.md).
ANSWER_KEY_TYPES = (b'"truth_person"', b'"harm"')


def _is_answer_key(path: Path) -> bool:
    """`alarmbell synth` writes truth.jsonl beside the agency files; `ingest out/*.jsonl` would
    reject every line of it into the quarantine. It is skipped, with a word on stderr."""
    if path.suffix not in (".jsonl", ".ndjson"):
        return False
    with path.open("rb") as handle:
        first = next((line for line in handle if line.strip()), b"")[:4096]
    if not any(b'"type"' in first and kind in first for kind in ANSWER_KEY_TYPES):
        return False
    stderr.print(f"{path}: skipped: this is alarmbell synth's answer key (truth.jsonl), not agency records")
    return True


#: What to do when a worker process died or got stuck part way through a file.
WORKER_FAILED_NEXT = (
    "Records written to the store before that stay there. Run the same command again to carry "
    "on (a record already stored is not stored twice); if it stops at the same place, set "
    "ALARMBELL_INGEST_WORKERS=0 to read the file in this one process."
)


def _ingest_files(
    engine: Engine,
    settings: Settings,
    files: list[Path],
    agency: str | None,
    format_name: str | None,
    link: bool,
) -> int:
    from alarmbell.audit import audit_each
    from alarmbell.ingest import BATCH_AUDIT_ACTION, SourceProgress, WorkerFailed, ingest_file

    audited = audit_each(actor(), BATCH_AUDIT_ACTION)  # each file's batch, name and counts
    rejected = 0
    for path in files:
        progress = SourceProgress(total_bytes=path.stat().st_size)
        with failing_on(LookupError), bytes_bar(f"Ingesting {path.name}", progress):
            try:
                summary = ingest_file(
                    engine=engine,
                    path=path,
                    agency=agency,
                    format_name=format_name,
                    chunk_size=settings.ingest_chunk_size,
                    workers=settings.ingest_workers,
                    report=to_stderr,
                    progress=progress,
                    on_finish=audited,
                )
            except WorkerFailed as error:
                fail(f"{path}: {error}. {WORKER_FAILED_NEXT}")
        typer.echo(f"{path}: {summary.line}")
        rejected += summary.rejected
    if link:
        link_and_alert(engine, settings)
    return rejected


def link_and_alert(engine: Engine, settings: Settings) -> None:
    """Link, then evaluate everyone due: this run's people and any an interrupted run left."""
    done = link_and_refresh_shown(engine, settings, everyone=False)
    linked = done.linked
    typer.echo(
        f"identity: {linked.newly_linked} records linked, {linked.people_created} new people, "
        f"{linked.people_merged} merged"
    )
    if unqueued := linked.unqueued_sentence():
        typer.echo(f"identity: {unqueued}")
    for message in linked.conflicts:
        stderr.print(f"identity: {message}")
    show_work(done.raised.routed)
    created = done.raised.created
    typer.echo(f"early warning: {created} new {plural('alert', created)} (policy {done.policy_version})")
