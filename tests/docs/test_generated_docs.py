"""Reference docs are generated from the code and must not go stale."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

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


def test_every_setting_is_described() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no description"


def test_every_command_is_documented() -> None:
    text = cli_markdown()
    for command in (
        "ingest",
        "check",
        "link",
        "chronology",
        "alerts",
        "replay",
        "serve",
        "synth",
        "demo",
        "db upgrade",
    ):
        assert f"## `alarmbell {command}`" in text


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
