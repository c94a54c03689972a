"""The `alarmbell` command: one module per capability, put together here.

Thin: each command parses, calls one service, prints. The order below is the order `--help`
lists: commands first, then the groups of subcommands.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

import typer

from alarmbell.cli import (
    access,
    alerts,
    audit,
    check,
    chronology,
    demo,
    identity,
    ingest,
    privacy,
    quarantine,
    replay,
    review,
    storage,
    synth,
    triage,
    web,
)

app = typer.Typer(
    help="alarmbell: joined-up multi-agency chronologies and explainable early warning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

COMMANDS: dict[str, Callable[..., None]] = {
    "ingest": ingest.ingest,
    "check": check.check,
    "link": identity.link,
    "chronology": chronology.chronology,
    "replay": replay.replay,
    "serve": web.serve,
    "synth": synth.synth,
    "demo": demo.demo,
    "rescore": alerts.rescore,
    "review": review.review,
}
GROUPS = {
    "db": storage.db_app,
    "quarantine": quarantine.quarantine_app,
    "identity": identity.identity_app,
    "users": access.users_app,
    "audit": audit.audit_app,
    "retention": privacy.retention_app,
    "sar": privacy.sar_app,
    "triage": triage.triage_app,
    "alerts": alerts.alerts_app,
}
for name, command in COMMANDS.items():
    app.command(name)(command)
for name, group in GROUPS.items():
    app.add_typer(group, name=name)


def main() -> None:
    """The `alarmbell` process. When its command is done, what it made is frozen out of the
    garbage collector, so that Python's exit does not scan it all (half a second after a PDF)."""
    try:
        app()
    finally:
        gc.freeze()
