"""Options with a fixed list of choices read the choice as codes are read everywhere else
(alarmbell.domain.codes): `--format PDF` is `pdf`, `--engine DuckDB` is `duckdb`. A value that
spells none of them is refused with exit 2 and the list, before anything is done. On a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from tests.helpers import event, person, write_jsonl


@pytest.fixture
def runner(store_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    runner = CliRunner()
    path = write_jsonl(tmp_path / "police.jsonl", [person("P1"), event("E1", ["P1"])])
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    return runner


def _said(output: str) -> str:
    return " ".join(output.split())


@pytest.mark.parametrize(
    ("written", "start"), [("PDF", b"%PDF"), ("Html", b"<!DOCTYPE html"), (" MD ", b"#")]
)
def test_review_format_is_read_in_any_case(
    runner: CliRunner, tmp_path: Path, written: str, start: bytes
) -> None:
    out = tmp_path / "report"
    result = runner.invoke(app, ["review", "police:P1", "--format", written, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().lstrip().startswith(start)


def test_review_format_that_is_none_of_them_is_refused_with_the_choices(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    result = runner.invoke(app, ["review", "police:P1", "--format", "docx", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "--format 'docx' is not a report format; use one of: html, pdf, md" in _said(result.output)
    assert not out.exists()


@pytest.mark.parametrize(
    "command",
    [
        ["rescore", "--engine", "LOCAL", "--workers", "1"],
        ["identity", "link", "--engine", "DuckDB"],
        ["identity", "review", "list", "--status", "All"],
    ],
)
def test_other_fixed_choices_are_read_in_any_case(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["rescore", "--engine", "dask"], "--engine 'dask' is not an engine; use one of: local, spark"),
        (
            ["identity", "link", "--engine", "polars"],
            "--engine 'polars' is not an engine; use one of: duckdb",
        ),
        (["identity", "review", "list", "--status", "bogus"], "--status 'bogus' is not a review status"),
    ],
)
def test_other_fixed_choices_refuse_what_is_none_of_them(
    runner: CliRunner, command: list[str], expected: str
) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 2, result.output
    assert expected in _said(result.output)


def test_synth_trajectories_are_read_in_any_case(tmp_path: Path) -> None:
    args = ["synth", "--out", str(tmp_path), "--children", "20", "--trajectories", "Reviews_Held_Out"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "truth.jsonl").is_file()
