"""`alarmbell demo`: a fresh demo database (the demo case plus a synthetic population), served."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alarmbell.cli.progress import progress_bar
from alarmbell.settings import Settings


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
    settings = Settings().model_copy(update={"database_url": f"sqlite:///{database}"})
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
