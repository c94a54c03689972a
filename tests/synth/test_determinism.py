"""Same arguments, same bytes: whatever the number of worker processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from alarmbell.synth import generate


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.jsonl"))}


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    a = generate(children=300, years=2, seed=5, out_dir=tmp_path / "a")
    b = generate(children=300, years=2, seed=5, out_dir=tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert a.events == b.events and a.records == b.records


def test_different_seed_gives_different_files(tmp_path: Path) -> None:
    generate(children=300, years=1, seed=5, out_dir=tmp_path / "a")
    generate(children=300, years=1, seed=6, out_dir=tmp_path / "b")
    assert _files(tmp_path / "a")["health.jsonl"] != _files(tmp_path / "b")["health.jsonl"]


@pytest.mark.slow
def test_worker_processes_do_not_change_output(tmp_path: Path) -> None:
    # 2,500 children span several 500-household chunks, so chunk order matters.
    generate(children=2500, years=1, seed=9, out_dir=tmp_path / "one", workers=1)
    generate(children=2500, years=1, seed=9, out_dir=tmp_path / "two", workers=2)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_progress_counts_every_child(tmp_path: Path) -> None:
    seen: list[int] = []
    summary = generate(children=1234, years=1, seed=1, out_dir=tmp_path, progress=seen.append)
    assert sum(seen) == 1234 == summary.children
    assert len(seen) >= 2
