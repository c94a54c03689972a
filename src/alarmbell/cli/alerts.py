"""`alarmbell alerts ...` and `alarmbell rescore`: listing, overriding, refreshing and re-scoring alerts.

Thin: each command parses, calls one service, prints.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from alarmbell.cli.progress import advance, progress_bar
from alarmbell.cli.support import audit_list, choice_option, failing_on, store_session, who
from alarmbell.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from alarmbell.triage import LinkedAndRaised, Routed

alerts_app = typer.Typer(
    help="People with alerts (no subcommand), and practitioners' overrides of alerts.",
    invoke_without_command=True,
)


@alerts_app.callback()
def alerts(ctx: typer.Context) -> None:
    """List people with alerts, highest level first."""
    if ctx.invoked_subcommand is not None:
        return
    from alarmbell.alerts import alerted_people
    from alarmbell.domain.timeparse import local_moment

    with store_session(create=False) as session:
        people = alerted_people(session)
        audit_list(session, "alerts.list", {"command": "alerts"}, [p.person_id for p in people])
    if not people:
        typer.echo("no alerts (ingest some records first: alarmbell ingest FILE)")
    for p in people:
        last = local_moment(p.last_raised_at).date()  # the day in England
        typer.echo(f"{p.level.upper():5}  person {p.person_id:<6} {p.display_name:<30} last {last}")


@alerts_app.command("override")
def override(
    alert_id: Annotated[int, typer.Argument(help="The alert's number (shown on the person page).")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why the alert does not call for action (required; recorded).")
    ],
    by: Annotated[
        str | None, typer.Option("--by", help="Who is overriding (recorded). Default: your login name.")
    ] = None,
) -> None:
    """Override an alert with a reason; recorded (who, when, why, policy version) for policy review."""
    from alarmbell.alerts import OverrideError, override_alert

    with failing_on(OverrideError), store_session(create=False) as session:
        done = override_alert(session, alert_id=alert_id, by=who(by), reason=reason, now=datetime.now(UTC))
    typer.echo(
        f"alert {done.alert_id} ({done.level}, person {done.person_id}, policy {done.policy_version}) "
        f"overridden by {done.decided_by}: {done.reason}"
    )


@alerts_app.command("overrides")
def overrides() -> None:
    """List every override, oldest first, for review of the policy."""
    from alarmbell.alerts import all_overrides

    with store_session(create=False) as session:
        found = all_overrides(session)
    if not found:
        typer.echo("no alert has been overridden")
    for o in found:
        typer.echo(
            f"{o.decided_at:%Y-%m-%d %H:%M}  alert {o.alert_id} ({o.level}, person {o.person_id}, "
            f"policy {o.policy_version}; {', '.join(o.rules)})  by {o.decided_by}: {o.reason}"
        )


def rescore(
    workers: Annotated[
        int, typer.Option(help="Worker processes (SQLite files and PostgreSQL; 1 for in-memory stores).")
    ] = 2,
    engine: Annotated[
        str, typer.Option("--engine", help="local (worker processes) or spark (a local Spark session).")
    ] = "local",
) -> None:
    """Re-evaluate every person under the current policy (after a policy change), as a batch.

    Gives the same alerts as evaluating each person on arrival; stores those not stored before.
    `--engine spark` runs the per-child work on a local[2] Spark session (docs/scale.md).
    """
    from alarmbell.policy import policy_for
    from alarmbell.triage import rescore_and_route

    engine = choice_option(engine, ("local", "spark"), name="--engine", what="an engine")
    settings = Settings()
    policy = policy_for(settings)
    started = time.perf_counter()
    spark = _spark_session() if engine == "spark" else None
    try:
        with progress_bar("Rescoring", None) as bar, store_session(settings, create=False) as session:
            done = rescore_and_route(
                session,
                policy=policy,
                settings=settings,
                now=datetime.now(UTC),
                workers=workers,
                progress=lambda n: advance(bar, n),
                total=lambda n: bar.update(bar.task_ids[0], total=n),
                spark=spark,
            )
    finally:
        if spark is not None:
            spark.stop()
    seconds = time.perf_counter() - started
    summary = done.rescored
    typer.echo(
        f"rescored {summary.people} people ({summary.children} children) under policy {policy.version} "
        f"in {seconds:.1f} s: {len(summary.alerts)} alerts, {summary.created} new; work: {done.routed.line}"
    )


def _spark_session() -> Any:
    from alarmbell.alerts import local_session

    return local_session()


def link_and_refresh_shown(engine: Engine, settings: Settings, *, everyone: bool) -> LinkedAndRaised:
    """`link_and_refresh` under the policy in force, with a progress bar for the evaluation."""
    from alarmbell.policy import policy_for
    from alarmbell.triage import link_and_refresh

    with progress_bar("Early warning", None) as bar:
        return link_and_refresh(
            engine,
            settings=settings,
            policy=policy_for(settings),
            now=datetime.now(UTC),
            everyone=everyone,
            progress=lambda n: advance(bar, n),
            total=lambda n: bar.update(bar.task_ids[0], total=n),
        )


def show_work(routed: Routed) -> None:
    """Say what the new alerts became in the work queue, if anything."""
    if routed.opened or routed.updated:
        typer.echo(f"work: {routed.line} (MASH queue)")
