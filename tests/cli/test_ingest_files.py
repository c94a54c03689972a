"""`alarmbell ingest good.jsonl typo.jsonl`: a file that does not exist is found before any file is
loaded. It was found only when its turn came, after the good file was stored, and the command
then stopped before linking and alerting: the good file's child had no alert until the next run,
and `alarmbell alerts` said to ingest some records first."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.storage.tables import PersonRecordRow
from tests.helpers import person, write_jsonl


def test_a_missing_file_is_refused_before_any_file_is_loaded(
    store_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    good = write_jsonl(tmp_path / "police.jsonl", [person("P1")])
    missing = tmp_path / "typo.jsonl"
    result = CliRunner().invoke(app, ["ingest", str(good), str(missing)])
    assert result.exit_code == 2, result.output
    assert f"{missing}: no such file" in " ".join(result.output.split())
    assert "accepted" not in result.output
    engine = make_engine(store_settings)
    try:
        with engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(PersonRecordRow)).scalar_one()
    finally:
        engine.dispose()
    assert stored == 0


def test_synths_answer_key_is_skipped_not_quarantined(
    store_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`alarmbell ingest out/*.jsonl` after `alarmbell synth --out out` put truth.jsonl's every
    line in the quarantine (196 lines for a small population), and exited 1."""
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    good = write_jsonl(tmp_path / "police.jsonl", [person("P1")])
    truth = tmp_path / "truth.jsonl"
    truth.write_text(
        '{"type": "truth_person", "person": "T1", "records": [["police", "P1"]], "role": "child"}\n'
        '{"type": "harm", "child": "T1", "trajectory": "x", "harm_date": "2020-01-01", "silent": false}\n'
    )
    result = CliRunner().invoke(app, ["ingest", "--no-link", str(good), str(truth)])
    assert result.exit_code == 0, result.output
    assert "answer key" in " ".join(result.output.split())
    assert "1 accepted, 0 rejected" in result.output
