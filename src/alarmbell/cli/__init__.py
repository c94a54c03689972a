"""The `alarmbell` command: one module per capability, put together here.

Thin: each command parses, calls one service, prints. The order below is the order `--help`
lists: commands first, then the groups of subcommands.
"""

from __future__ import annotations

import gc
import sys
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
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    try:
        app()
    except (ValidationError, SettingsError) as error:
        if isinstance(error, ValidationError) and error.title != "Settings":
            raise
        _bad_setting(error)
        raise SystemExit(2) from None
    finally:
        gc.freeze()


def _bad_setting(error: Exception) -> None:
    """A setting read from the environment is wrong: say which, and how to write it, on stderr."""
    from pydantic import ValidationError

    if isinstance(error, ValidationError):
        for problem in error.errors(include_url=False, include_input=False):
            variable = "ALARMBELL_" + "_".join(str(part) for part in problem["loc"]).upper()
            message = problem["msg"].removeprefix("Value error, ")
            print(message if variable in message else f"{variable}: {message}", file=sys.stderr)
    else:  # pydantic-settings could not read a JSON value (a dict or list setting)
        field = str(error).split('"')[1] if '"' in str(error) else ""
        variable = f"ALARMBELL_{field.upper()}" if field else "a setting"
        print(
            f'{variable}: not valid JSON (e.g. {{"red": 4, "amber": 24}} or ["education"])', file=sys.stderr
        )
    print("see docs/settings.md for each setting and its form", file=sys.stderr)
