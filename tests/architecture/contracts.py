"""The import-linter contracts as pyproject.toml states them, for the tests that check them."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = REPO / "pyproject.toml"


def contracts() -> dict[str, dict[str, Any]]:
    """Every contract in [tool.importlinter], by id."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def layer_lines() -> list[str]:
    """The layers contract, top to bottom, one line per layer, optional marks `( )` removed."""
    return [
        " ".join(line.replace("(", "").replace(")", "").split()) for line in contracts()["layers"]["layers"]
    ]


def layer_modules() -> set[str]:
    """Every module the layers contract names (tails under `alarmbell`)."""
    return {name.strip() for line in layer_lines() for name in line.replace(":", "|").split("|")}
