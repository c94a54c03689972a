"""Issue 19 target: through `alarmbell ingest`, every bad input is `FILE:LINE: FIELD: problem`,
never a traceback, and the good lines are kept (then linked and alerted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.storage.tables import EventRecordRow, QuarantinedLine
from tests.helpers import event, person, write_jsonl

DEEP = json.dumps(event("E90", ["P1"], attrs={"x": 1})).replace('"x": 1', '"x": ' + "[" * 600 + "]" * 600)
TWICE = '{"type": "person", "agency": "police", "source_id": "P7", "upn": "A1", "upn": "B2"}'
BAD_LINES: list[tuple[str | dict[str, object], str]] = [
    (event("E91", ["P1"], occurred_at="0001-01-01"), "occurred_at: '0001-01-01' is before 1900"),
    (event("E92", ["P1"], occurred_at="9999-12-31T23:00:00-05:00"), "occurred_at: '9999-12-31T23:00"),
    (event("E93", ["P1"], occurred_at="0001-01-01T01:00:00+05:00"), "occurred_at: '0001-01-01T01:00"),
    (DEEP, "attrs.x: nested 602 levels deep"),
    (person("P9", given_name="A\u0000B"), "given_name: contains a NUL character"),
    (event("E94", ["P1"], kind="ed_attendance", attrs={"mobile": "yes?"}), "attrs.mobile: 'yes?' is text"),
    (event("E95", ["P1"], kind="growth_measurement", attrs={"weight_kg": -5}), "attrs.weight_kg: -5 is out"),
    (person("P8", dob="2090-01-01"), "dob: '2090-01-01' is in the future"),
    (TWICE, "upn: appears twice in one object (expected each key once)"),
]


def test_cli_reports_every_bad_line_precisely_and_keeps_the_good_ones(
    store_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    before_birth = event("E2", ["P1"], kind="ed_attendance", occurred_at="2010-01-01")
    rows = [person("P1"), *(bad for bad, _ in BAD_LINES), event("E1", ["P1"]), before_birth]
    path = write_jsonl(tmp_path / "mixed.jsonl", rows)
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    assert f"3 accepted, {len(BAD_LINES)} rejected, 0 unchanged" in result.output
    for line_no, (_, expected) in enumerate(BAD_LINES, start=2):
        assert f"{path}:{line_no}: {expected}" in result.output, expected
    warning = f"{path}:{len(rows)}: occurred_at: warning: 2010-01-01 is before P1 was born (date of birth"
    assert warning in " ".join(result.output.split())
    engine = make_engine(store_settings)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(QuarantinedLine)).scalar_one() == len(
            BAD_LINES
        )
        assert sorted(connection.execute(select(EventRecordRow.source_id)).scalars()) == ["E1", "E2"]
    engine.dispose()
