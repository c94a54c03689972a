"""`alarmbell replay FILE`: what alarmbell would have said, and when, on a past chronology."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress

from alarmbell.cli.progress import progress_bar
from alarmbell.cli.support import fail, to_stderr
from alarmbell.settings import Settings

if TYPE_CHECKING:
    from alarmbell.replay import AgencyReplay, ReplayResult


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
    """Show what alarmbell would have said, and when, on a past chronology (in memory; nothing stored).

    Bad lines are reported on stderr as FILE:LINE: FIELD: problem and left out of the replay.
    Exit status 1 if any line was rejected (after the results, or the JSON, are printed, as
    ingest does), 2 if the file cannot be read, else 0.
    """
    from alarmbell.policy import policy_for
    from alarmbell.replay import ReplayHooks, replay_by_agency, replay_file

    if not file.is_file():
        fail(f"{file}: no such file")
    settings = Settings()
    policy = policy_for(settings)
    unique = settings.unique_id_agencies
    with progress_bar("Replaying", None) as bar:
        hooks = ReplayHooks(
            stage=partial(_stage, bar),
            total=lambda n: bar.update(bar.task_ids[-1], total=n),
            advance=lambda n: bar.advance(bar.task_ids[-1], n),
            workers=workers,
        )
        split = (
            replay_by_agency(file, policy=policy, report=to_stderr, hooks=hooks, unique_id_agencies=unique)
            if by_agency
            else None
        )
        result = (
            split.joined
            if split
            else replay_file(file, policy=policy, report=to_stderr, hooks=hooks, unique_id_agencies=unique)
        )
        _stage_done(bar)
    _show(file, result, split, as_json)
    raise typer.Exit(1 if result.ingest.rejected else 0)


def _show(file: Path, result: ReplayResult, split: AgencyReplay | None, as_json: bool) -> None:
    """The replay's alerts as text, or the whole result as one JSON object."""
    from alarmbell.replay import comparison_lines, write_json

    if as_json:
        # Written a person or an alert at a time: the same text as json.dumps(payload, indent=2).
        write_json(split.json_items() if split else result.json_items(), partial(typer.echo, nl=False))
        typer.echo("")
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


def _stage(bar: Progress, name: str) -> None:
    """One line per stage (loading, linking, evaluating N of M people, routing); earlier ones shown done."""
    _stage_done(bar)
    if bar.tasks[0].description == "Replaying":
        bar.remove_task(bar.task_ids[0])
    bar.add_task(f"Replaying: {name}", total=None)


def _stage_done(bar: Progress) -> None:
    last = bar.tasks[-1]
    bar.update(last.id, total=last.total or 1, completed=last.total or 1)
