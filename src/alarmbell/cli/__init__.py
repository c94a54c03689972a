"""The `alarmbell` command. Thin: each command parses, calls one service, prints."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alarmbell.cli.admin import audit_app, retention_app, sar_app, users_app
from alarmbell.cli.alerts import alerts_app, rescore
from alarmbell.cli.check import check
from alarmbell.cli.identity import identity_app
from alarmbell.cli.progress import advance, poll, progress_bar, set_completed, stderr
from alarmbell.cli.review import review
from alarmbell.cli.support import check_agency
from alarmbell.cli.support import store as _store
from alarmbell.cli.triage import triage_app
from alarmbell.settings import Settings

if TYPE_CHECKING:
    from rich.progress import Progress
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from alarmbell.ingest.base import SourceProgress
    from alarmbell.policy.model import Policy
    from alarmbell.triage.alert_work import RaisedAndRouted

app = typer.Typer(
    help="alarmbell: joined-up multi-agency chronologies and explainable early warning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Manage the case store's schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(identity_app, name="identity")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(retention_app, name="retention")
app.add_typer(sar_app, name="sar")
app.add_typer(triage_app, name="triage")
app.add_typer(alerts_app, name="alerts")


def _settings() -> Settings:
    return Settings()


def _policy(settings: Settings) -> Policy:
    from alarmbell.policy.loader import policy_in_force

    return policy_in_force(settings.policy_dir)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply any pending migrations to the case store (also done automatically on first use)."""
    from alarmbell.storage.db import make_engine, schema_revision

    settings = _settings()
    engine = make_engine(settings)
    try:
        typer.echo(f"{_safe_url(settings)}: schema at revision {schema_revision(engine)}")
    finally:
        engine.dispose()


def _safe_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


@app.command()
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
            "school-concerns-csv, school-attendance-csv, cin-xml, cin-csv.",
        ),
    ] = None,
    link: Annotated[bool, typer.Option(help="Link identities and refresh alerts afterwards.")] = True,
) -> None:
    """Load agency files. Bad lines are reported as FILE:LINE: FIELD: problem and quarantined."""
    settings = _settings()
    check_agency(agency)
    with _store(settings) as engine:
        rejected = _ingest_files(engine, settings, files, agency, format_name, link)
    raise typer.Exit(1 if rejected else 0)


app.command()(check)


def _ingest_files(
    engine: Engine,
    settings: Settings,
    files: list[Path],
    agency: str | None,
    format_name: str | None,
    link: bool,
) -> int:
    from alarmbell.ingest.base import SourceProgress
    from alarmbell.ingest.service import ingest_file

    rejected = 0
    for path in files:
        if not path.is_file():
            stderr.print(f"{path}: no such file (check the path, or run from the folder that holds it)")
            raise typer.Exit(2)
        progress = SourceProgress(total_bytes=path.stat().st_size)
        with progress_bar(f"Ingesting {path.name}", progress.total_bytes, unit_bytes=True) as bar:
            stop = poll(partial(_show_bytes, bar, progress))
            try:
                summary = ingest_file(
                    engine=engine,
                    path=path,
                    agency=agency,
                    format_name=format_name,
                    chunk_size=settings.ingest_chunk_size,
                    workers=settings.ingest_workers,
                    report=_report,
                    progress=progress,
                )
            except LookupError as error:
                stop()
                stderr.print(str(error))
                raise typer.Exit(2) from None
            stop()
            set_completed(bar, progress.total_bytes)
        typer.echo(f"{path}: {summary.line}")
        rejected += summary.rejected
    if link:
        _link_and_alert(engine, settings)
    return rejected


def _report(message: str) -> None:
    print(message, file=sys.stderr)


def _show_bytes(bar: Progress, progress: SourceProgress) -> None:
    set_completed(bar, progress.done_bytes)


def _link_and_alert(engine: Engine, settings: Settings) -> None:
    """Link, then evaluate everyone due: this run's people and any an interrupted run left."""
    from alarmbell.identity import link_people
    from alarmbell.storage.db import session_scope

    with session_scope(engine) as session:
        linked = link_people(session, unique_id_agencies=settings.unique_id_agencies)
    typer.echo(
        f"identity: {linked.newly_linked} records linked, {linked.people_created} new people, "
        f"{linked.people_merged} merged"
    )
    for message in linked.conflicts:
        stderr.print(f"identity: {message}")
    policy = _policy(settings)
    done = _refresh_due(engine, settings, policy, everyone=False)
    typer.echo(f"early warning: {done.created} new alerts (policy {policy.version})")


def _refresh_due(engine: Engine, settings: Settings, policy: Policy, *, everyone: bool) -> RaisedAndRouted:
    """Evaluate everyone due (or everyone) with a progress bar and route the new alerts to work;
    commits the alerts and their work items together."""
    from alarmbell.storage.db import session_scope
    from alarmbell.triage import TriageConfig
    from alarmbell.triage.alert_work import refresh_and_route

    with progress_bar("Early warning", None) as bar, session_scope(engine) as session:
        done = refresh_and_route(
            session,
            policy=policy,
            config=TriageConfig.from_settings(settings),
            now=datetime.now(UTC),
            everyone=everyone,
            progress=lambda n: advance(bar, n),
            total=lambda n: bar.update(bar.task_ids[0], total=n),
        )
    if done.routed.opened or done.routed.updated:
        typer.echo(f"work: {done.routed.line} (MASH queue)")
    return done


@app.command()
def link() -> None:
    """Link all unlinked person records into people and refresh every alert."""
    settings = _settings()
    with _store(settings) as engine:
        _link_all(engine, settings)


def _link_all(engine: Engine, settings: Settings) -> None:
    from alarmbell.identity import link_people
    from alarmbell.storage.db import session_scope

    with session_scope(engine) as session:
        summary = link_people(session, unique_id_agencies=settings.unique_id_agencies)
    typer.echo(f"{summary.newly_linked} records linked; {summary.people_created} new people")
    done = _refresh_due(engine, settings, _policy(settings), everyone=True)
    typer.echo(f"{done.created} new alerts")


def _resolve_person(session: Session, person: str) -> int:
    from alarmbell.identity import person_ids_for_records, resolve

    if person.isdigit():
        found = resolve(session, int(person))
    elif ":" in person:
        agency, source_id = person.split(":", 1)
        found = person_ids_for_records(session, [(agency, source_id)]).get((agency, source_id))
    else:
        found = None
    if found is None:
        stderr.print(
            f"no person {person!r}: give a person id (a number, see the web app or `alarmbell alerts`) "
            "or an agency record as AGENCY:SOURCE_ID, e.g. health:HEA-123"
        )
        raise typer.Exit(2)
    return found


@app.command()
def chronology(
    person: Annotated[str, typer.Argument(help="Person id, or an agency record as AGENCY:SOURCE_ID.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Print a person's merged multi-agency timeline, with the household adults' events."""
    from alarmbell.chronology import build_chronology
    from alarmbell.chronology.render import chronology_json, chronology_lines
    from alarmbell.storage.db import session_scope

    with _store() as engine, session_scope(engine) as session:
        person_id = _resolve_person(session, person)
        chron = build_chronology(session, person_id)
    assert chron is not None
    if as_json:
        typer.echo(json.dumps(chronology_json(chron), indent=2, ensure_ascii=False))
    else:
        for line in chronology_lines(chron, width=shutil.get_terminal_size().columns):
            typer.echo(line)


@app.command()
def replay(
    file: Annotated[Path, typer.Argument(help="An exchange-format file with a past chronology.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    by_agency: Annotated[
        bool,
        typer.Option(
            "--by-agency",
            help="Also replay each agency's records alone: what it would have raised without the others.",
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option(help="Worker processes for evaluating a large population (5,000 people or more).")
    ] = 2,
) -> None:
    """Show what alarmbell would have said, and when, on a past chronology (in memory; nothing stored)."""
    from alarmbell.replay.service import ReplayHooks, comparison_lines, replay_by_agency, replay_file

    if not file.is_file():
        stderr.print(f"{file}: no such file")
        raise typer.Exit(2)
    policy = _policy(_settings())
    with progress_bar("Replaying", None) as bar:
        hooks = ReplayHooks(
            stage=lambda name: bar.update(bar.task_ids[0], description=f"Replaying: {name}", completed=0),
            total=lambda n: bar.update(bar.task_ids[0], total=n),
            advance=lambda n: advance(bar, n),
            workers=workers,
        )
        split = replay_by_agency(file, policy=policy, report=_report, hooks=hooks) if by_agency else None
        result = split.joined if split else replay_file(file, policy=policy, report=_report, hooks=hooks)
    if as_json:
        payload = split.to_json() if split else result.to_json()
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    typer.echo(f"{file}: {result.ingest.line}; {len(result.people)} people; policy {result.policy_version}")
    for alert in result.alerts:
        typer.echo(f"\n{alert.raised_at.date()}  {alert.level.value.upper()}  person {alert.person_id}")
        typer.echo(f"  rules: {', '.join(alert.rules)}")
        typer.echo(f"  {alert.explanation}")
    if split:
        typer.echo("\nJoined up versus each agency alone (first amber, first red):")
        for line in comparison_lines(split):
            typer.echo(line)


@app.command()
def serve() -> None:
    """Serve the web app (ALARMBELL_HOST, ALARMBELL_PORT)."""
    from alarmbell.web.server import serve as run

    settings = _settings()
    with _store(settings):
        pass  # create or upgrade the schema before the first request
    typer.echo(f"alarmbell is at http://{settings.host}:{settings.port}/ (Ctrl+C to stop)")
    run(settings)


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Folder to write the agency files and truth.jsonl into.")],
    children: Annotated[int, typer.Option(help="Number of children.")] = 1000,
    years: Annotated[int, typer.Option(help="Years of history.")] = 3,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files.")] = 1,
) -> None:
    """Write a seeded synthetic multi-agency population in the exchange format."""
    from alarmbell.synth import generate

    out.mkdir(parents=True, exist_ok=True)
    with progress_bar("Generating", children) as bar:
        summary = generate(
            children=children,
            years=years,
            seed=seed,
            out_dir=out,
            progress=lambda n: advance(bar, n),
        )
    typer.echo(f"{summary.children} children in {summary.households} households written to {out}")


@app.command()
def demo(
    database: Annotated[Path, typer.Option(help="Demo database file (replaced).")] = Path(
        "alarmbell-demo.db"
    ),
    children: Annotated[int, typer.Option(help="Children in the synthetic background population.")] = 600,
    serve_app: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the web app afterwards.")
    ] = True,
) -> None:
    """Build a fresh demo database (the demo case plus a synthetic population) and serve it."""
    from alarmbell.demo import build_demo

    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    settings = _settings().model_copy(update={"database_url": f"sqlite:///{database}"})
    with progress_bar("Building demo", None) as bar:
        result = build_demo(
            settings,
            children=children,
            step=lambda text: bar.update(bar.task_ids[0], description=text),
        )
    for line in result.lines:
        typer.echo(line)
    if serve_app:
        from alarmbell.web.server import serve as run

        typer.echo(f"\nalarmbell demo is at http://{settings.host}:{settings.port}/ (Ctrl+C to stop)")
        run(settings)


app.command("rescore")(rescore)


app.command()(review)


def main() -> None:
    app()
