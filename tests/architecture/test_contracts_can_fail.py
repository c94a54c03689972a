"""The import-linter contracts fail on a bad import: each case injects one into a copy of src.

Copies of the code are checked in a subprocess, so the real tree is never touched and the
installed `alarmbell` is not the one analysed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .contracts import PYPROJECT, REPO, contracts

LINT = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"]


def _only_python(directory: str, names: list[str]) -> list[str]:
    return [
        n for n in names if n == "__pycache__" or (Path(directory, n).is_file() and not n.endswith(".py"))
    ]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    shutil.copytree(REPO / "src" / "alarmbell", root / "src" / "alarmbell", ignore=_only_python)
    shutil.copy(PYPROJECT, root / "pyproject.toml")
    return root


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [*LINT, "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@contextmanager
def injected(root: Path, module: str, line: str) -> Iterator[None]:
    path = root / "src" / "alarmbell" / module
    before = path.read_text(encoding="utf-8")
    path.write_text(f"{before}\n{line}  # injected by the test\n", encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(before, encoding="utf-8")


def test_the_unchanged_copy_keeps_every_contract(tree: Path) -> None:
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "line", "broken", "reported"),
    [
        # The first escape: a pure policy module reaching the store through chronology.
        (
            "policy/hits.py",
            "import alarmbell.chronology.service",
            ["layers", "policy-pure"],
            ["alarmbell.policy.hits -> alarmbell.chronology.service", "not allowed to import sqlalchemy"],
        ),
        # The second escape: domain importing settings.
        (
            "domain/vocabulary.py",
            "import alarmbell.settings",
            ["layers", "domain-pure"],
            ["alarmbell.domain.vocabulary -> alarmbell.settings"],
        ),
        # Independent siblings may not import each other.
        (
            "identity/people.py",
            "import alarmbell.ingest",
            ["layers"],
            ["alarmbell.identity.people -> alarmbell.ingest"],
        ),
        # Indirect: the triage facade is allowed by the layers, but it brings the store with it.
        (
            "review/build.py",
            "import alarmbell.triage",
            ["rules-pure"],
            ["alarmbell.review.build -> alarmbell.triage"],
        ),
    ],
)
def test_a_bad_import_breaks_its_contract(
    tree: Path, module: str, line: str, broken: list[str], reported: list[str]
) -> None:
    with injected(tree, module, line):
        result = lint(tree)
    assert result.returncode != 0, result.stdout
    names = contracts()
    for contract in broken:
        assert f"{names[contract]['name']} BROKEN" in result.stdout, result.stdout
    for text in reported:
        assert text in result.stdout, result.stdout
