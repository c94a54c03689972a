"""`alarmbell synth --trajectories`: the harm-trajectory source, checked before anything is written."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from alarmbell.cli import app


def test_synth_writes_review_trajectories_when_asked(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["synth", "--out", str(tmp_path), "--children", "3000", "--trajectories", "reviews-held-out"]
    )
    assert result.exit_code == 0, result.output
    lines = [orjson.loads(x) for x in (tmp_path / "truth.jsonl").read_bytes().splitlines()]
    harms = [x for x in lines if x["type"] == "harm"]
    assert harms and all(h["trajectory"].startswith("review:") for h in harms)


def test_synth_refuses_an_unknown_source_and_names_the_choices(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["synth", "--out", str(out), "--trajectories", "corpus"])
    assert result.exit_code == 2
    words = " ".join(result.output.split())
    assert "--trajectories 'corpus' is not a source of trajectories" in words
    assert "use one of: published, reviews, reviews-held-out" in words
    assert not out.exists()
