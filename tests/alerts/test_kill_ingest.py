"""Kill -9 anywhere in `alarmbell ingest`, run it again: nothing lost, nothing twice, the same alerts.

A seeded synthetic population (four agency files) is ingested once cleanly by a child process.
Then, trial by trial, the same command runs on a fresh store and is killed with SIGKILL at a
seeded random moment, then run again to completion. The moments are spread evenly over four
windows timed by the clean run's output: writing records, linking, the alert phase, and the
whole run (start-up included), each timed from the matching line of its own run's output. Each
store must end with the clean run's records (none lost, none duplicated or re-versioned), its
alerts (same people, levels, times, rules and findings), one active link per person record and
nobody left due.

People are compared by their smallest (agency, source_id) record, not by id: ids are handed out
by the database and may differ between stores. The figures are printed (pytest -s) per phase.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from alarmbell.cli import app as cli
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.storage.dialect import open_engine
from alarmbell.storage.tables import (
    AlertRow,
    EvaluationDue,
    EventRecordRow,
    IngestBatch,
    PersonLink,
    PersonRecordRow,
    RecordHistory,
    RelationshipRecordRow,
)
from alarmbell.synth import generate

pytestmark = pytest.mark.slow

TRIALS = 20
SEED = 19
#: Small chunks, so that a kill while records are written lands between many commits.
ENV = {"ALARMBELL_INGEST_CHUNK_SIZE": "100"}
AGENCY_FILES = ("police", "health", "education", "children_social_care")


@dataclass(frozen=True)
class Outcome:
    records: Counter[tuple[str, str, str, int, str]]
    history: int
    alerts: list[tuple[Any, ...]]
    links_per_record: Counter[int]
    records_linked: int
    due: int


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("kill_population")
    generate(children=100, years=3, seed=11, out_dir=out, start_year=2019)
    return [out / f"{name}.jsonl" for name in AGENCY_FILES]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty store at the current schema, copied for every run (the child then migrates nothing)."""
    path = tmp_path_factory.mktemp("kill_template") / "empty.db"
    make_engine(Settings(database_url=f"sqlite:///{path}")).dispose()
    return path


def _start(db: Path, files: list[Path], stdout: int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    """`alarmbell ingest` in a child process; standard error (warnings, progress) goes nowhere."""
    env = {**os.environ, **ENV, "ALARMBELL_DATABASE_URL": f"sqlite:///{db}", "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "alarmbell.cli", "ingest", *map(str, files)]
    return subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.DEVNULL)


#: The steps the CLI reports on standard output: a file ingested, identities linked.
FILE_DONE, LINKED = "file done", "linked"


@dataclass(frozen=True)
class Window:
    """Kills timed from the `nth` `step` line of the trial's own output (nth 0: from its start)."""

    name: str
    step: str
    nth: int
    length: float


@dataclass(frozen=True)
class Timeline:
    """When the clean run finished each step, in seconds from its start (from its own output)."""

    first_file: float
    records: float
    linked: float
    end: float

    def windows(self, files: int) -> list[Window]:
        return [
            Window("writing records", FILE_DONE, 1, self.records - self.first_file),
            Window("linking", FILE_DONE, files, self.linked - self.records),
            Window("alert phase", LINKED, 1, self.end - self.linked),
            Window("anywhere", LINKED, 0, self.end),
        ]


def _step(line: str) -> str | None:
    if line.rstrip().endswith("unchanged"):
        return FILE_DONE
    return LINKED if line.startswith("identity:") else None


def _clean_run(db: Path, files: list[Path]) -> Timeline:
    """The clean run, in a child process like the killed ones, timing each line it prints."""
    started = time.perf_counter()
    child = _start(db, files, stdout=subprocess.PIPE)
    assert child.stdout is not None
    with child.stdout:
        seen = [(time.perf_counter() - started, line.decode()) for line in child.stdout]
    assert child.wait(timeout=600) == 0, "".join(line for _, line in seen)
    files_done = [t for t, line in seen if _step(line) == FILE_DONE]
    linked = next(t for t, line in seen if _step(line) == LINKED)
    return Timeline(files_done[0], files_done[-1], linked, time.perf_counter() - started)


def _kill_after(child: subprocess.Popen[bytes], window: Window, delay: float) -> None:
    """Wait for the window's line in the child's own output, then `delay` seconds, then SIGKILL.

    Timing from the trial's own progress, not only from its start, keeps kills in their window
    however long start-up takes on a loaded machine.
    """
    assert child.stdout is not None
    with child.stdout:
        wanted = window.nth
        while wanted:
            line = child.stdout.readline()
            if not line:
                break  # the run ended first
            wanted -= _step(line.decode()) == window.step
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()


def _rerun(db: Path, files: list[Path]) -> None:
    """The re-run, in this process (Splink is imported once, not twenty times)."""
    env = {**ENV, "ALARMBELL_DATABASE_URL": f"sqlite:///{db}"}
    result = CliRunner().invoke(cli, ["ingest", *map(str, files)], env=env)
    assert result.exit_code == 0, result.output[-2000:]


def _engine(db: Path) -> Engine:
    return open_engine(f"sqlite:///{db}")


def outcome(db: Path) -> Outcome:
    engine = _engine(db)
    with engine.connect() as c:
        records: Counter[tuple[str, str, str, int, str]] = Counter()
        for kind, table in (
            ("person", PersonRecordRow),
            ("event", EventRecordRow),
            ("relationship", RelationshipRecordRow),
        ):
            query = select(table.agency, table.source_id, table.version, table.content_hash)
            records.update((kind, *row) for row in c.execute(query))
        active = select(PersonLink.person_record_id).where(PersonLink.ended_at.is_(None))
        links = Counter(c.execute(active).scalars())
        history = c.execute(select(func.count()).select_from(RecordHistory)).scalar_one()
        due = c.execute(select(func.count()).select_from(EvaluationDue)).scalar_one()
        alerts = _alerts(c)
    engine.dispose()
    return Outcome(records, history, alerts, links, len(links), due)


def _alerts(c: Any) -> list[tuple[Any, ...]]:
    """Every alert, its person named by their smallest record key."""
    people: dict[int, tuple[str, str]] = {}
    query = (
        select(PersonLink.person_id, PersonRecordRow.agency, PersonRecordRow.source_id)
        .join(PersonRecordRow, PersonRecordRow.id == PersonLink.person_record_id)
        .where(PersonLink.ended_at.is_(None))
    )
    for person_id, agency, source_id in c.execute(query):
        key = (agency, source_id)
        people[person_id] = min(people.get(person_id, key), key)
    rows = c.execute(
        select(AlertRow.person_id, AlertRow.raised_at, AlertRow.level, AlertRow.policy_version).add_columns(
            AlertRow.rules, AlertRow.evidence, AlertRow.findings
        )
    )
    return sorted(
        (people.get(p), raised.isoformat(), level, version, orjson.dumps([rules, evidence, findings]))
        for p, raised, level, version, rules, evidence, findings in rows
    )


def phase(db: Path, clean: Outcome) -> str:
    """Where the kill landed, read from what the store holds."""
    engine = _engine(db)
    with engine.connect() as c:
        records = sum(
            c.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (PersonRecordRow, EventRecordRow, RelationshipRecordRow)
        )
        unfinished = c.execute(
            select(func.count()).select_from(IngestBatch).where(IngestBatch.finished_at.is_(None))
        ).scalar_one()
        linked = c.execute(select(func.count()).select_from(PersonLink)).scalar_one()
        due = c.execute(select(func.count()).select_from(EvaluationDue)).scalar_one()
    engine.dispose()
    if records == 0:
        return "before any record"
    if records < clean.records.total() or unfinished:
        return "writing records"
    if not linked:
        return "linking"
    return "evaluating alerts" if due else "after the end"


def kill_moments(timeline: Timeline, files: int, rng: random.Random) -> list[tuple[Window, float]]:
    """TRIALS kills: each window's share spread evenly over it, seeded random within each part."""
    windows = timeline.windows(files)
    per_window = TRIALS // len(windows)
    return [
        (window, (i + rng.random()) * window.length / per_window)
        for window in windows
        for i in range(per_window)
    ]


def test_kill_minus_nine_then_rerun_gives_the_clean_run(
    files: list[Path], template: Path, tmp_path: Path
) -> None:
    clean_db = tmp_path / "clean.db"
    shutil.copy(template, clean_db)
    timeline = _clean_run(clean_db, files)
    clean = outcome(clean_db)
    assert clean.alerts, "the population raises alerts"
    phases: Counter[str] = Counter()
    lost = duplicated = mismatched = 0
    for trial, (window, delay) in enumerate(kill_moments(timeline, len(files), random.Random(SEED))):
        db = tmp_path / f"trial-{trial}.db"
        shutil.copy(template, db)
        _kill_after(_start(db, files, stdout=subprocess.PIPE), window, delay)
        phases[phase(db, clean)] += 1
        _rerun(db, files)
        got = outcome(db)
        lost += (clean.records - got.records).total()
        duplicated += (got.records - clean.records).total() + got.history
        mismatched += got.alerts != clean.alerts
        assert got.records_linked == len(got.links_per_record) == clean.records_linked
        assert set(got.links_per_record.values()) == {1}, "one active link per person record"
        assert got.due == 0, "nobody is left due"
    print(
        f"\nkill -9 trials: {sum(phases.values())} (clean run {timeline.end:.1f} s, "
        f"{clean.records.total()} records, {len(clean.alerts)} alerts); killed while: {dict(phases)}; "
        f"lost {lost}, duplicated {duplicated}, alert mismatches {mismatched}"
    )
    assert sum(phases.values()) == TRIALS
    assert (lost, duplicated, mismatched) == (0, 0, 0)
    assert len(phases) >= 3, f"the kills should land in several phases: {dict(phases)}"
