"""`alarmbell triage ...`: the work queue, its steps, time recording and workload analytics.

Thin: each command parses, calls one triage service, prints. Every command that depends on the
time takes `--now` (ISO 8601), so a scheduler, a replay or a test controls the clock; without it
the wall clock is used.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alarmbell.cli.progress import stderr
from alarmbell.cli.support import (
    actor,
    audit_list,
    fail,
    failing_on,
    output_file,
    store_session,
    who,
    write_output,
)
from alarmbell.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from alarmbell.audit import Actor
    from alarmbell.triage import TriageConfig

triage_app = typer.Typer(
    help="Triage: one work queue ordered by harm, statutory clocks, escalation and workload analytics.",
    no_args_is_help=True,
)

Now = Annotated[
    str | None,
    typer.Option(
        "--now", help="The time to act at, ISO 8601 (e.g. 2026-04-02T15:00:00+01:00). Default: now."
    ),
]
By = Annotated[str, typer.Option("--by", help="Who is taking the step (audited). Default: your login name.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@contextmanager
def _session(*, create: bool = False) -> Iterator[tuple[Session, TriageConfig]]:
    """The store and the triage settings. Only a command that loads work into the store (the
    seeded scenario) creates it; a step on an item, or a listing, stops at a mistyped path
    (see support.store) rather than answering "no item 5" from a new, empty store."""
    from alarmbell.triage import TriageConfig

    settings = Settings()
    with store_session(settings, create=create) as session:
        yield session, TriageConfig.from_settings(settings)


def _cli_actor() -> Actor:
    """The audit log's actor for a step taken here: `cli:<login>`, as for every other command, so
    the chain tells it from a web step; the person named with `--by` is kept beside it."""
    from alarmbell.audit import Actor

    return Actor(actor())


def _now(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"--now {text!r} is not an ISO 8601 date-time (e.g. 2026-04-02T15:00:00+01:00)")
    if moment.tzinfo is None:
        fail("--now needs a time zone (e.g. +00:00 or Z)")
    return moment


@triage_app.command("refresh")
def refresh(
    since: Annotated[
        str | None, typer.Option(help="Only alerts and events recorded on or after this ISO date-time.")
    ] = None,
    now: Now = None,
) -> None:
    """Open work items for alerts, referrals, police crime reports and arrests, and statutory steps."""
    from alarmbell.triage import refresh_items

    start = _now(since) if since else None
    with _session() as (session, config):
        summary = refresh_items(session, config=config, now=_now(now), since=start)
    typer.echo(summary.line)


@triage_app.command("queue")
def queue_cmd(
    team: Annotated[str, typer.Option(help="Team whose queue to show. Default: list the teams.")] = "",
    limit: Annotated[int, typer.Option(min=1, help="How many items to show.")] = 20,
    now: Now = None,
    as_json: AsJson = False,
) -> None:
    """A team's open work, most harmful first (rising the longer it waits), or the teams with work."""
    from alarmbell.triage import queue, teams, timeliness

    moment = _now(now)
    with _session() as (session, config):
        if not team:
            for summary in teams(session, now=moment):
                typer.echo(f"{summary.team:<40} {summary.open_items:>6} open {summary.past_due:>6} past due")
            return
        team = _team(session, team)
        q = queue(session, team=team, now=moment, config=config, limit=limit)
        audit_list(session, "triage.queue", {"command": "triage queue", "team": team}, q.people())
        rows = [
            {
                "rank": e.rank,
                "item": e.item.id,
                "title": e.item.title,
                "harm_days": e.item.harm_days,
                "band": e.band,
                "priority": round(e.priority, 1),
                "status": e.item.status,
                "timeliness": timeliness(e.item, moment).label,
            }
            for e in q.entries
        ]
    if as_json:
        typer.echo(
            json.dumps({"team": team, "total": q.total, "past_due": q.past_due, "items": rows}, indent=2)
        )
        return
    typer.echo(f"{team}: {q.total} open, {q.past_due} past due, {q.unacknowledged} not acknowledged")
    for r in rows:
        typer.echo(
            f"{r['rank']:>4}. item {r['item']:<6} {r['band']:<6} {r['harm_days']:>7g} d  "
            f"{r['status']:<12} {r['timeliness']:<28} {r['title']}"
        )


def _team(session: Session, typed: str) -> str:
    """The team as its work items name it, whatever the case and spacing typed (`mash` is the
    `MASH`, as the web reads a user's team); a name no work item has ever had is refused, with
    the teams to choose from."""
    from alarmbell.domain.codes import fold
    from alarmbell.triage import team_names

    known = team_names(session)
    if typed in known:
        return typed
    matches = [name for name in known if fold(name) == fold(typed)]
    if matches:
        return matches[0]
    choices = ", ".join(known) if known else "none yet (see `alarmbell triage refresh`)"
    fail(
        f"no team {typed!r} has work items; teams with work items: {choices} "
        "(`alarmbell triage queue` lists the teams with open work)"
    )


@triage_app.command("ack")
def ack(item: Annotated[int, typer.Argument(help="Work item id.")], by: By = "", now: Now = None) -> None:
    """Acknowledge an item: you take it on. Not decided within its decision clock, it escalates
    (ALARMBELL_TRIAGE_TAKEN_ON_WORKING_DAYS), and stays yours."""
    from alarmbell.triage import TriageError, acknowledge

    with _session() as (session, _config):
        with failing_on(TriageError):
            row = acknowledge(session, item_id=item, by=who(by), now=_now(now), actor=_cli_actor())
        typer.echo(f"item {row.id} acknowledged by {row.acknowledged_by}")


@triage_app.command("decide")
def decide_cmd(
    item: Annotated[int, typer.Argument(help="Work item id.")],
    decision: Annotated[
        str,
        typer.Option(
            help="referral_made, action_taken, strategy_discussion, assessment, early_help, referred_on, "
            "completed or no_further_action (case and spacing do not matter)."
        ),
    ],
    rationale: Annotated[str, typer.Option(help="Why (audited; 'no further action' needs a real reason).")],
    by: By = "",
    now: Now = None,
) -> None:
    """Record the decision on an item and the rationale for it."""
    from alarmbell.triage import TriageError, decide

    with _session() as (session, _config):
        with failing_on(TriageError):
            row = decide(
                session,
                item_id=item,
                by=who(by),
                decision=decision,
                rationale=rationale,
                now=_now(now),
                actor=_cli_actor(),
            )
        if row.status == "awaiting_countersignature":
            typer.echo(
                f"item {row.id}: {row.decision} proposed by {row.decided_by}; closing a red alert with no "
                "further action needs a team manager's countersignature (on the web, the item in the "
                "triage queue); until then the item stays in the queue"
            )
            return
        typer.echo(f"item {row.id}: {row.decision} by {row.decided_by}")


@triage_app.command("log-time")
def log_time_cmd(
    item: Annotated[int, typer.Argument(help="Work item id.")],
    hours: Annotated[float, typer.Option(help="Hours spent (more than 0, at most 24).")],
    person: Annotated[str, typer.Option(help="Who did the work. Default: your login name.")] = "",
    worked_on: Annotated[
        str | None, typer.Option(help="When: YYYY-MM-DD (09:00 that day) or an ISO date-time. Default: now.")
    ] = None,
    note: Annotated[str | None, typer.Option(help="What the time was spent on.")] = None,
    now: Now = None,
) -> None:
    """Record hours spent on a work item."""
    from alarmbell.triage import TriageError, log_time, parse_worked

    moment = _now(now)
    try:
        worked = parse_worked(worked_on) if worked_on else moment
    except ValueError as error:
        fail(f"--worked-on {error}")
    with _session() as (session, _config):
        with failing_on(TriageError):
            entry = log_time(
                session,
                item_id=item,
                person=who(person),
                hours=hours,
                worked_at=worked,
                now=moment,
                source="cli",
                recorded_by=who(""),
                note=note,
                actor=_cli_actor(),
            )
        typer.echo(f"logged {entry.hours:g} hours by {entry.person} on item {entry.item_id} ({entry.team})")


@triage_app.command("import-time")
def import_time(
    file: Annotated[Path, typer.Argument(help="CSV with columns item_id,person,hours,worked_on[,note].")],
    by: By = "",
    now: Now = None,
) -> None:
    """Import work log entries from a CSV file; bad lines are reported as FILE:LINE: FIELD: problem."""
    from alarmbell.triage import import_time_csv

    if not file.is_file():
        fail(f"{file}: no such file")
    with _session() as (session, _config), file.open(encoding="utf-8-sig", newline="") as handle:
        result = import_time_csv(
            session,
            lines=handle,
            source_name=str(file),
            now=_now(now),
            recorded_by=who(by),
            actor=_cli_actor(),
        )
    for problem in result.problems:
        stderr.print(problem)
    typer.echo(f"{file}: {result.line}")
    raise typer.Exit(1 if result.rejected else 0)


@triage_app.command("escalate")
def escalate(now: Now = None) -> None:
    """Escalate unacknowledged items whose time has come, and proposed closings no team manager
    countersigned in time (to the head of service). `alarmbell serve` does this itself every
    ALARMBELL_TRIAGE_ESCALATE_EVERY_MINUTES; run this by hand, or from a scheduler where that is 0."""
    from alarmbell.triage import ESCALATION_LABELS, escalate_overdue

    with _session() as (session, config):
        escalations = escalate_overdue(session, config=config, now=_now(now), run_by=actor())
    for e in escalations:
        why = f" ({e.reason})" if e.reason else ""
        typer.echo(
            f"item {e.item_id} ({e.team}, {e.harm_days:g} harm days) -> {ESCALATION_LABELS[e.to]}: "
            f"{e.title}{why}"
        )
    typer.echo(f"{len(escalations)} escalations")


@triage_app.command("analytics")
def analytics(
    days: Annotated[
        int, typer.Option(min=1, help="Days to look back over (England days, today included).")
    ] = 28,
    now: Now = None,
    as_json: AsJson = False,
) -> None:
    """Hours by harm band and team, items past due by harm, and displacement."""
    from alarmbell.triage import analytics_lines, workload_analytics

    with _session() as (session, config):
        result = workload_analytics(session, config=config, now=_now(now), days=days)
        # The displacement names low-harm items by title (waiting ones are counted).
        detail = {"command": "triage analytics", "days": days}
        audit_list(session, "triage.analytics", detail, result.people(waiting=False))
    if as_json:
        typer.echo(json.dumps([p.sentence for p in result.displacement], indent=2))
        return
    for line in analytics_lines(result):
        typer.echo(line)


@triage_app.command("reported")
def reported(
    referrer: Annotated[
        str, typer.Argument(help="The referrer as recorded (an agency, a service or a name).")
    ],
    now: Now = None,
) -> None:
    """What a referrer reported: the outcome and whether it came in time."""
    from alarmbell.triage import reported_by, reported_people

    with _session() as (session, _config):
        rows = reported_by(session, referrer=referrer, now=_now(now))
        detail = {"command": "triage reported", "referrer": referrer}
        audit_list(session, "triage.reported", detail, reported_people(session, rows))
    if not rows:
        typer.echo(f"nothing reported by {referrer!r} is in the work queue")
    for r in rows:
        typer.echo(
            f"{r.reported_at:%Y-%m-%d %H:%M}  {r.decision or 'not yet decided':<32} "
            f"{r.timeliness.label:<30} {r.title}"
        )


@triage_app.command("scenario")
def scenario(
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same scenario.")] = 2012,
    now: Now = None,
) -> None:
    """Load the seeded displacement scenario (a police unit on a bigamy file while red alerts wait)."""
    from alarmbell.triage import load_displacement_scenario

    with _session(create=True) as (session, config):
        summary = load_displacement_scenario(session, now=_now(now), seed=seed, config=config)
    for line in summary.lines:
        typer.echo(line)


@triage_app.command("unanswered")
def unanswered_cmd(
    now: Now = None,
    as_json: AsJson = False,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Also write the listed alerts to this CSV file.")
    ] = None,
) -> None:
    """Unanswered alarms: alerts with no decision in time, and alerts closed without action then harm."""
    import csv
    import io

    from alarmbell.domain.timeparse import local_moment
    from alarmbell.triage import CSV_COLUMNS, csv_rows, report_rows, unanswered_alarms

    csv_out = output_file(csv_out)
    with _session() as (session, config):
        report = unanswered_alarms(session, config=config, now=_now(now))
        audit_list(session, "reports.unanswered", {"command": "triage unanswered"}, report.people())
    rows = report_rows(report)
    if csv_out is not None:
        handle = io.StringIO(newline="")
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(csv_rows(report))
        write_output(csv_out, handle.getvalue())
    if as_json:
        typer.echo(json.dumps({"alerts": report.alerts, "listed": rows}, indent=2, ensure_ascii=False))
        return
    typer.echo(
        f"{len(report.unanswered)} of {report.alerts} amber and red alerts had no decision within their "
        f"timescale; {len(report.closed_then_harm)} closed without action were followed within 90 days "
        "by harm or a new red alert."
    )
    for o in report.unanswered:
        typer.echo(
            f"  {local_moment(o.raised_at):%d %b %Y}  {o.level.upper():<5} {o.child} (person {o.person_id}): "
            f"{o.status.lower()}, held by {o.held_by}, waited {o.waited_words}; "
            f"records from {o.agency_names}"
            + (" (these records reached alarmbell after its clock had run out)" if o.arrived_late else "")
        )
    for o in report.closed_then_harm:
        raised = local_moment(o.raised_at)
        typer.echo(f"  {raised:%d %b %Y}  {o.child}: {o.decision_label.lower()}, then {o.followed_by}")
