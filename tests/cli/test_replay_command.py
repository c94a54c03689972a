"""`alarmbell replay`'s exit status says whether every line was read, as ingest's does: a script
running a replay over a file must learn that lines were left out, after the results are printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alarmbell.cli import app
from tests.helpers import event, person, write_jsonl


def _file(tmp_path: Path, *, bad: bool) -> Path:
    rows = [person("P1"), event("E1", ["P1"])]
    if bad:
        rows.append(event("E2", ["P1"], occurred_at="2020-02-30"))
    return write_jsonl(tmp_path / "past.jsonl", rows)


@pytest.mark.parametrize("as_json", [False, True])
def test_replay_exits_1_after_its_results_when_a_line_is_rejected(tmp_path: Path, as_json: bool) -> None:
    args = ["replay", str(_file(tmp_path, bad=True))] + (["--json"] if as_json else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "past.jsonl:3: occurred_at" in result.stderr
    if as_json:
        assert json.loads(result.stdout)["people"], "the JSON is printed whole before the exit"
    else:
        assert "2 accepted, 1 rejected" in result.stdout


def test_replay_exits_0_when_every_line_is_read(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["replay", str(_file(tmp_path, bad=False))])
    assert result.exit_code == 0, result.output
    assert "2 accepted, 0 rejected" in result.stdout


def test_replay_help_states_its_exit_statuses() -> None:
    help_text = " ".join(CliRunner().invoke(app, ["replay", "--help"]).stdout.split())
    assert "Exit status 1 if any line was rejected" in help_text
    assert "2 if the file cannot be read, else 0" in help_text
