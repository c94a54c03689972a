"""`alarmbell synth`: a seeded synthetic population, written as exchange-format files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alarmbell.cli.progress import advance, progress_bar
from alarmbell.cli.support import choice_option


def synth(
    out: Annotated[Path, typer.Option(help="Folder to write the agency files and truth.jsonl into.")],
    children: Annotated[int, typer.Option(help="Number of children.")] = 1000,
    years: Annotated[int, typer.Option(help="Years of history.")] = 3,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files.")] = 1,
    trajectories: Annotated[
        str,
        typer.Option(
            help="Where harm trajectories come from: published (published rates), reviews (templates "
            "from the review corpus's train half) or reviews-held-out (the other half); case does not matter."
        ),
    ] = "published",
) -> None:
    """Write a seeded synthetic multi-agency population in the exchange format."""
    from alarmbell.synth import TRAJECTORY_SOURCES, generate

    trajectories = choice_option(
        trajectories, TRAJECTORY_SOURCES, name="--trajectories", what="a source of trajectories"
    )
    out.mkdir(parents=True, exist_ok=True)
    with progress_bar("Generating", children) as bar:
        summary = generate(
            children=children,
            years=years,
            seed=seed,
            out_dir=out,
            progress=lambda n: advance(bar, n),
            trajectories=trajectories,
        )
    typer.echo(f"{summary.children} children in {summary.households} households written to {out}")
