"""Worker-process validation gives exactly what single-process validation gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from alarmbell.ingest import jsonl
from alarmbell.ingest.service import ingest_file
from alarmbell.storage.tables import EventRecordRow, QuarantinedLine
from tests.helpers import event, person, write_jsonl


def _file(tmp_path: Path) -> Path:
    rows: list[dict[str, object] | str | bytes] = []
    for i in range(3000):
        rows.append(person(f"P{i}", dob=f"20{10 + i % 9}-0{1 + i % 9}-1{i % 9}"))
        rows.append(event(f"E{i}", [f"P{i}"], text=f"note {i}"))
        if i % 997 == 0:
            rows.append("{broken")
    return write_jsonl(tmp_path / "big.jsonl", rows)


def _snapshot(engine: Engine) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with engine.connect() as connection:
        events = connection.execute(
            select(EventRecordRow.source_id, EventRecordRow.content_hash, EventRecordRow.line_no).order_by(
                EventRecordRow.source_id
            )
        ).all()
        bad = connection.execute(select(QuarantinedLine.line_no, QuarantinedLine.problem)).all()
    return [tuple(r) for r in events], sorted(tuple(r) for r in bad)


def test_parallel_ingest_equals_serial(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path)
    monkeypatch.setattr(jsonl, "PARALLEL_MIN_BYTES", 0)
    messages: list[str] = []
    summary = ingest_file(engine=engine, path=path, workers=1, report=messages.append)
    assert (summary.accepted, summary.rejected) == (6000, 4)
    broken = [n for n, line in enumerate(path.read_bytes().splitlines(), start=1) if line == b"{broken"]
    assert len(broken) == 4
    assert [m.split(": ")[0] for m in messages] == [f"{path}:{n}" for n in broken]
    parallel = _snapshot(engine)
    again = ingest_file(engine=engine, path=path, workers=0)
    assert (again.accepted, again.unchanged, again.rejected) == (0, 6000, 4)
    assert _snapshot(engine)[0] == parallel[0]
