"""`alarmbell db ...`: the case store's schema. Thin: open the store (which migrates it), print."""

from __future__ import annotations

import typer

from alarmbell.cli.support import store
from alarmbell.settings import Settings

db_app = typer.Typer(help="Manage the case store's schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply any pending migrations to the case store (also done automatically on first use)."""
    from alarmbell.storage.db import schema_revision

    settings = Settings()
    with store(settings) as engine:
        typer.echo(f"{_safe_url(settings)}: schema at revision {schema_revision(engine)}")


def _safe_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)
