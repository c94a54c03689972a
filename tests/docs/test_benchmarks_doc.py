"""docs/benchmarks.md is rendered from benchmarks/results/: rendering it again changes nothing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _runner(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))  # run.py imports its neighbours
    spec = importlib.util.spec_from_file_location("benchmarks_run", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_rendering_the_benchmarks_doc_again_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A section's own table rows ("| ingest | 500 | ...") used to be copied into the summary
    table on every render, so the summary grew with each benchmark run."""
    run = _runner(monkeypatch)
    once = run.render(run.saved(), run.earlier_sections((ROOT / "docs" / "benchmarks.md").read_text()))
    twice = run.render(run.saved(), run.earlier_sections(once))
    assert twice == once
    assert once == (ROOT / "docs" / "benchmarks.md").read_text(), (
        "docs/benchmarks.md is stale: run benchmarks/run.py --render-only"
    )
