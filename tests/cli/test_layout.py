"""The command line is one module per capability, and only cli.support opens the store, so every
command opens, migrates, commits and disposes of it the same way."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import alarmbell.cli

ENGINE_OPENERS = {"make_engine", "read_only_engine", "create_engine"}


def _names_used(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names
    }
    called = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    return imported | called


def test_only_cli_support_opens_an_engine() -> None:
    folder = Path(alarmbell.cli.__file__).parent
    modules = [m.name for m in pkgutil.iter_modules([str(folder)])]
    assert "support" in modules and "ingest" in modules
    offenders = {
        name: sorted(_names_used(folder / f"{name}.py") & ENGINE_OPENERS)
        for name in modules
        if name != "support"
    }
    assert {name: found for name, found in offenders.items() if found} == {}
