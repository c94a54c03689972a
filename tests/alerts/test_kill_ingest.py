"""Kill -9 anywhere in `alarmbell ingest`, run it again: nothing lost, nothing twice, the same alerts.

A seeded synthetic population (four agency files) is ingested once cleanly by a child process.
Then, trial by trial, the same command runs on a fresh store and is killed with SIGKILL at a
seeded random moment within the trial's own twentieth of the clean run's duration (so start-up,
writing records, linking and the alert phase are all hit), then run again to completion. Each
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
from sqlalchemy import Engine, create_engine, func, select
from typer.testing import CliRunner

from alarmbell.cli import app as cli
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
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
    generate(children=120, years=3, seed=SEED, out_dir=out, start_year=2019)
    return [out / f"{name}.jsonl" for name in AGENCY_FILES]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty store at the current schema, copied for every run (the child then migrates nothing)."""
    path = tmp_path_factory.mktemp("kill_template") / "empty.db"
    make_engine(Settings(database_url=f"sqlite:///{path}")).dispose()
    return path


def _start(db: Path, files: list[Path]) -> subprocess.Popen[bytes]:
    env = {**os.environ, **ENV, "ALARMBELL_DATABASE_URL": f"sqlite:///{db}"}
    command = [sys.executable, "-m", "alarmbell.cli", "ingest", *map(str, files)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _kill(child: subprocess.Popen[bytes]) -> None:
    child.send_signal(signal.SIGKILL)
    child.communicate()


def _run_to_end(db: Path, files: list[Path]) -> float:
    """The clean run, in a child process like the killed ones: its duration spreads the kills."""
    started = time.perf_counter()
    child = _start(db, files)
    _, err = child.communicate(timeout=600)
    assert child.returncode == 0, err.decode()[-2000:]
    return time.perf_counter() - started


def _rerun(db: Path, files: list[Path]) -> None:
    """The re-run, in this process (Splink is imported once, not twenty times)."""
    env = {**ENV, "ALARMBELL_DATABASE_URL": f"sqlite:///{db}"}
    result = CliRunner().invoke(cli, ["ingest", *map(str, files)], env=env)
    assert result.exit_code == 0, result.output[-2000:]


def _engine(db: Path) -> Engine:
    return create_engine(f"sqlite:///{db}")


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


def test_kill_minus_nine_then_rerun_gives_the_clean_run(
    files: list[Path], template: Path, tmp_path: Path
) -> None:
    clean_db = tmp_path / "clean.db"
    shutil.copy(template, clean_db)
    duration = _run_to_end(clean_db, files)
    clean = outcome(clean_db)
    assert clean.alerts, "the population raises alerts"
    rng = random.Random(SEED)
    phases: Counter[str] = Counter()
    lost = duplicated = mismatched = 0
    for trial in range(TRIALS):
        db = tmp_path / f"trial-{trial}.db"
        shutil.copy(template, db)
        child = _start(db, files)
        time.sleep(rng.uniform(trial, trial + 1) * duration / TRIALS)  # one kill per twentieth
        _kill(child)
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
        f"\nkill -9 trials: {TRIALS} (clean run {duration:.1f} s, {clean.records.total()} records, "
        f"{len(clean.alerts)} alerts); killed while: {dict(phases)}; "
        f"lost {lost}, duplicated {duplicated}, alert mismatches {mismatched}"
    )
    assert (lost, duplicated, mismatched) == (0, 0, 0)
    assert len(phases) >= 3, f"the kills should land in several phases: {dict(phases)}"
