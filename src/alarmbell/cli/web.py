"""`alarmbell serve`: the web app, on a store brought up to date before the first request."""

from __future__ import annotations

import typer

from alarmbell.cli.support import store
from alarmbell.settings import Settings


def serve() -> None:
    """Serve the web app (ALARMBELL_HOST, ALARMBELL_PORT)."""
    from alarmbell.web.server import serve as run

    settings = Settings()
    with store(settings):
        pass  # create or upgrade the schema before the first request
    typer.echo(f"alarmbell is at http://{settings.host}:{settings.port}/ (Ctrl+C to stop)")
    run(settings)
