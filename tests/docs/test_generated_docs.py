"""Reference docs are generated from the code and must not go stale."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import jsonschema
import pytest
import typer

from alarmbell.cli import app as cli_app
from alarmbell.docs_gen import cli_markdown, settings_markdown
from alarmbell.ingest import schema
from alarmbell.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"
REGENERATE = "run `python -m alarmbell.docs_gen` and `python -m alarmbell.ingest.schema`"


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("settings.md", settings_markdown),
        ("cli.md", cli_markdown),
        ("exchange-format.schema.json", schema.render),
    ],
)
def test_generated_file_is_current(name: str, render: Callable[[], str]) -> None:
    assert (DOCS / name).read_text(encoding="utf-8") == render(), f"docs/{name} is stale: {REGENERATE}"


def _commands(group: Any, prefix: str = "alarmbell") -> Iterator[tuple[str, Any]]:
    """Every command and subcommand of a typer app, with its full name, as the user types it."""
    for name, command in group.commands.items():
        full = f"{prefix} {name}"
        yield full, command
        yield from _commands(command, full) if hasattr(command, "commands") else ()


def _undocumented(app: typer.Typer, reference: str) -> list[str]:
    """What a reader of `reference` (docs/cli.md) would miss about `app`, one line per gap."""
    gaps = []
    for full, command in _commands(typer.main.get_command(app)):
        if not (command.help or "").strip():
            gaps.append(f"`{full}` has no description (its docstring or help=)")
        if f"## `{full}`\n" not in reference:
            gaps.append(f"`{full}` is missing from docs/cli.md: {REGENERATE}")
        params = [p for p in command.params if p.name != "help"]
        gaps += [f"`{full}` {p.opts[0]} has no help" for p in params if not getattr(p, "help", None)]
    return gaps


def test_every_command_is_described_and_documented() -> None:
    gaps = _undocumented(cli_app, (DOCS / "cli.md").read_text(encoding="utf-8"))
    assert not gaps, "\n".join(gaps)


def test_the_command_check_finds_a_command_without_a_description() -> None:
    """The check above can fail: an app with a bare command, absent from the docs, is caught."""
    app = typer.Typer()

    @app.command()
    def described(count: Annotated[int, typer.Option(help="How many.")] = 1) -> None:
        """Does something."""
        typer.echo(count)

    @app.command()
    def bare(count: int = 1) -> None:
        typer.echo(count)

    reference = "## `alarmbell described`\n"
    assert _undocumented(app, reference) == [
        "`alarmbell bare` has no description (its docstring or help=)",
        f"`alarmbell bare` is missing from docs/cli.md: {REGENERATE}",
        "`alarmbell bare` --count has no help",
    ]


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_every_setting_is_described_and_documented(name: str) -> None:
    field = Settings.model_fields[name]
    assert field.description, f"setting {name} has no description"
    variable = f"{Settings.model_config['env_prefix']}{name.upper()}"
    row = f"| `{variable}` |"
    assert row in (DOCS / "settings.md").read_text(encoding="utf-8"), f"{variable} is not in docs/settings.md"


def test_demo_case_conforms_to_the_schema(demo_case: Path) -> None:
    validator = jsonschema.Draft202012Validator(schema.exchange_schema())
    for number, line in enumerate(demo_case.read_text(encoding="utf-8").splitlines(), start=1):
        errors = list(validator.iter_errors(json.loads(line)))
        assert not errors, f"line {number}: {errors[0].message}"


def test_schema_rejects_what_ingest_rejects() -> None:
    validator = jsonschema.Draft202012Validator(schema.exchange_schema())
    bad = {
        "type": "event",
        "agency": "police",
        "source_id": "E1",
        "kind": "burglary",
        "occurred_at": "2020-01-01",
        "subjects": ["P1"],
    }
    assert not validator.is_valid(bad)
    bad_person = {"type": "person", "agency": "police", "source_id": "P1", "given_name": "Amy"}
    assert not validator.is_valid(bad_person)
