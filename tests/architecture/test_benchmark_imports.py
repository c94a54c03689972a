"""Every name a benchmark imports from alarmbell exists: a refactor must not break a benchmark.

Benchmarks import alarmbell inside their functions (so `--help` is fast), so a renamed or moved
function only failed when the benchmark ran (review_report's `find_person`, session 7).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _imports(path: Path) -> list[tuple[str, str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.module, alias.name, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("alarmbell")
        for alias in node.names
    ]


@pytest.mark.parametrize("path", sorted(BENCHMARKS.glob("*.py")), ids=lambda p: p.name)
def test_a_benchmarks_alarmbell_imports_resolve(path: Path) -> None:
    missing = []
    for module, name, line in _imports(path):
        if not hasattr(importlib.import_module(module), name):
            missing.append(f"{path.name}:{line}: {module} has no {name}")
    assert missing == []
