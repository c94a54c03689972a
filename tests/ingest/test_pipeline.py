"""The worker pipeline (raw byte blocks out, plain tuples back) gives exactly what one process
gives: the same stored rows, the same messages in the same order, the same quarantine, and a
re-ingest that changes nothing."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from alarmbell.ingest import jsonl
from alarmbell.ingest.base import FieldError
from alarmbell.ingest.jsonl import read_lines, read_lines_parallel
from alarmbell.ingest.pipeline import WorkerFailed, ordered_map
from alarmbell.ingest.service import IngestSummary, ingest_file
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from tests.helpers import event, person, relationship, write_jsonl

TABLES = (
    "person_record",
    "event_record",
    "relationship_record",
    "event_party",
    "record_history",
    "quarantined_line",
    "evaluation_due",
)
#: Columns that differ between two stores loaded alike: row ids, batch ids and clock times.
UNSTABLE = {"id", "batch_id", "superseded_at", "ingested_at", "created_at", "updated_at"}


def _mixed_file(tmp_path: Path) -> Path:
    """Good lines with, among them, every kind of line that is not simply stored."""
    rows: list[dict[str, Any] | str | bytes] = []
    for i in range(300):
        rows.append(person(f"P{i}", nhs_number="1234567890" if i % 97 == 0 else None))  # check digit
        when = "2014-06-01" if i % 41 == 0 else "2020-01-05"  # P{i} was born on 2015-03-02
        rows.append(event(f"E{i}", [f"P{i}"], kind="gp_consultation", occurred_at=when))
        if i % 53 == 0:
            rows.append("{broken")
        if i % 67 == 0:
            rows.append(event(f"BAD{i}", [f"P{i}"], kind="not_a_kind"))
        if i % 71 == 0:
            rows.append(event(f"E{i}", [f"P{i}"], text="corrected later in the same file"))
        if i % 89 == 0:
            # held (NOBODY never arrives), and before P{i}'s birth
            rows.append(
                event(f"H{i}", [f"P{i}", f"NOBODY{i}"], kind="gp_consultation", occurred_at="2014-06-01")
            )
        if i % 113 == 0:
            rows.append(relationship(f"R{i}", f"P{i}", f"P{i + 1}", "mother"))
        if i % 59 == 0:
            rows.append("")
    rows.append(b'{"type": "person", "agency": "police", "source_id": "CUT"')  # no final newline
    return write_jsonl(tmp_path / "mixed.jsonl", rows)


def _store(tmp_path: Path, name: str) -> Engine:
    return make_engine(Settings(database_url=f"sqlite:///{tmp_path / name}.db"))


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in TABLES:
            result = connection.exec_driver_sql(f"SELECT * FROM {table}")
            keep = [i for i, name in enumerate(result.keys()) if name not in UNSTABLE]
            tables[table] = sorted((tuple(row[i] for i in keep) for row in result), key=repr)
    return tables


def _load(engine: Engine, path: Path, workers: int) -> tuple[IngestSummary, list[str]]:
    messages: list[str] = []
    summary = ingest_file(engine=engine, path=path, workers=workers, chunk_size=150, report=messages.append)
    return summary, messages


def _counts(summary: IngestSummary) -> tuple[int, ...]:
    return summary.accepted, summary.rejected, summary.unchanged, summary.held, summary.warnings


def test_worker_pipeline_stores_and_reports_exactly_what_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _mixed_file(tmp_path)
    monkeypatch.setattr(jsonl, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(jsonl, "BLOCK_BYTES", 3000)  # many blocks, split anywhere in the file
    serial, parallel = _store(tmp_path, "serial"), _store(tmp_path, "parallel")

    one, one_messages = _load(serial, path, workers=0)
    two, two_messages = _load(parallel, path, workers=1)

    assert _counts(two) == _counts(one)
    assert one.rejected == 6 + 5 + 1  # broken JSON, unknown kinds, the cut-off last line
    assert one.warnings == 8 + 4 + 4  # events before birth, held ones too; NHS check digits
    assert one.held == 4
    assert two_messages == one_messages
    assert sum("the last line is truncated" in m for m in one_messages) == 1
    assert _snapshot(parallel) == _snapshot(serial)

    again_one, _ = _load(serial, path, workers=0)
    again_two, _ = _load(parallel, path, workers=1)
    assert _counts(again_two) == _counts(again_one)
    assert (again_two.accepted, again_two.rejected) == (0, one.rejected)
    assert _snapshot(parallel) == _snapshot(serial)


@pytest.mark.parametrize("block_bytes", [1, 7, 64, 1000, 1 << 20])
def test_byte_blocks_number_lines_as_the_file_does(tmp_path: Path, block_bytes: int) -> None:
    """Blocks end on newlines only (a stray CR stays inside its line), blank lines keep their
    numbers, and a last line without a newline is still read and reported as cut off."""
    lines: list[dict[str, Any] | str | bytes] = [
        person("P1"),
        "",
        event("E1", ["P1"]),
        b'{"type": "person", "agency": "police", "source_id": "P2", "given_name": "A\r", '
        b'"family_name": "B"}\r\n',
        "{broken",
        person("P3", nhs_number="1234567890"),
        b'{"type": "event"',
    ]
    path = write_jsonl(tmp_path / "lines.jsonl", lines)
    with path.open("rb") as handle:
        expected = list(read_lines(handle, agency=None))
    with path.open("rb") as handle:
        got = list(
            read_lines_parallel(handle, agency=None, progress=None, workers=1, block_bytes=block_bytes)
        )
    assert got == expected
    assert [getattr(item, "line_no", None) for item in got] == [1, 3, 4, 5, 6, 6, 7]


def _square_unless_three(n: int) -> int:
    if n == 3:
        raise ValueError(f"refused {n}")
    return n * n


def test_ordered_map_keeps_task_order_and_raises_a_workers_error_here() -> None:
    squares = ordered_map(_square_unless_three, ((n,) for n in range(3)), workers=2, depth=1)
    assert list(squares) == [0, 1, 4]
    with pytest.raises(ValueError, match="refused 3"):
        list(ordered_map(_square_unless_three, ((n,) for n in range(10)), workers=2))


def _refuse_with_a_field_error(n: int) -> int:
    raise FieldError("source_id", f"task {n} refused", "a task the worker accepts")


def test_a_workers_error_that_cannot_be_rebuilt_here_still_arrives_with_its_message() -> None:
    """FieldError's __init__ takes other arguments than its args, so it cannot be unpickled: it
    arrives as a RuntimeError naming it, its cause the worker's traceback."""
    with pytest.raises(RuntimeError, match="^FieldError: source_id: task 0 refused") as raised:
        list(ordered_map(_refuse_with_a_field_error, [(0,)], workers=1))
    assert "_refuse_with_a_field_error" in str(raised.value.__cause__)
    assert multiprocessing.active_children() == []


def test_ordered_map_stops_its_workers_when_the_caller_stops_early() -> None:
    results = ordered_map(_square_unless_three, ((n,) for n in range(4, 10_000)), workers=1)
    assert next(results) == 16
    results.close()  # the writer failed, say: the worker must not be left running
    assert multiprocessing.active_children() == []


def _die_on_three(data: bytes, n: int) -> int:
    if n == 3:
        os._exit(3)  # as the kernel's OOM killer would end it: no exception, no result
    return len(data)


#: Run in a child interpreter: a worker dies with megabytes of blocks still queued for it.
_DYING_WORKER = """
from tests.ingest.test_pipeline import _die_on_three
from alarmbell.ingest.pipeline import WorkerFailed, ordered_map

if __name__ == "__main__":
    tasks = ((bytes(1 << 20), n) for n in range(100))
    try:
        list(ordered_map(_die_on_three, tasks, workers=1, depth=6))
    except RuntimeError as error:
        print(error)
"""


def test_a_worker_that_dies_is_reported_and_the_caller_still_exits(tmp_path: Path) -> None:
    """The caller's queue must not wait at exit to send blocks that no worker will read."""
    script = tmp_path / "dying_worker.py"
    script.write_text(_DYING_WORKER)
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "an ingest worker process stopped unexpectedly (exit code 3) on a task"


def _stick_on_three(n: int) -> int:
    while n == 3:  # as a worker caught in an endless loop on one block: alive, never answering
        time.sleep(0.05)
    return n


def test_a_worker_that_is_alive_but_stuck_is_stopped_and_the_task_named() -> None:
    """Before, the caller waited for ever on a live worker that never answered."""
    started = time.monotonic()
    results = ordered_map(
        _stick_on_three,
        ((n,) for n in range(6)),
        workers=1,
        stall_seconds=2,
        describe=lambda task: f"task number {task[0]}",
    )
    with pytest.raises(
        WorkerFailed, match=r"no ingest worker returned a result for \d+ s while working on task number 3"
    ):
        assert [next(results) for _ in range(4)] == [0, 1, 2]
    assert time.monotonic() - started < 30
    assert multiprocessing.active_children() == []


def _slow(n: int) -> int:
    time.sleep(1.5)
    return n


def test_time_the_caller_spends_between_results_is_not_a_workers_stall() -> None:
    """The stall clock runs only while the caller waits: a writer that took longer than the
    stall limit over one result must not be told the workers are stuck."""
    # The first wait includes starting the worker process (importing this module), which
    # took over a second on a loaded machine and failed the test at 2.5 s: the limit leaves
    # room for it, and the writer's pause is longer than the limit.
    results = ordered_map(_slow, ((n,) for n in range(3)), workers=1, depth=1, stall_seconds=6)
    got = [next(results)]
    time.sleep(7)  # the writer busy; the worker finishes its task meanwhile, then waits
    got += list(results)
    assert got == [0, 1, 2]
