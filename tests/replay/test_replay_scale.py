"""Replay of a population gives exactly the per-child incremental answer, serially or in workers.

Replay evaluates a whole file through rescore's batch path. The definition it must match is the
one replay used before it scaled: every linked person's chronology built by `build_chronology`
(the per-child view) and walked by `alert_timeline` in recorded order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from alarmbell.alerts.service import live_people
from alarmbell.chronology import build_chronology
from alarmbell.domain.alerts import RaisedAlert
from alarmbell.identity import link_people, view
from alarmbell.ingest.service import ingest_file
from alarmbell.policy import alert_timeline, default_policy
from alarmbell.replay import service as replay_service
from alarmbell.replay.service import ReplayHooks, replay_file
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.synth import generate

POLICY = default_policy()


@pytest.fixture(scope="module")
def population_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("replay_population")
    generate(children=300, years=2, seed=11, out_dir=folder, start_year=2019)
    joined = folder / "all.jsonl"
    with joined.open("wb") as out:
        for name in ("police", "health", "education", "children_social_care"):
            out.write((folder / f"{name}.jsonl").read_bytes())
    return joined


def _incremental(
    path: Path, db: Path
) -> tuple[list[RaisedAlert], list[tuple[int, tuple[tuple[str, str], ...]]]]:
    engine = make_engine(Settings(database_url=f"sqlite:///{db}"))
    ingest_file(engine=engine, path=path)
    with session_scope(engine) as session:
        link_people(session)
    alerts: list[RaisedAlert] = []
    people = []
    with session_scope(engine) as session:
        for person_id in live_people(session):
            person = view(session, person_id)
            if person is None:
                continue
            people.append((person_id, person.records))
            chronology = build_chronology(session, person_id)
            if chronology is not None:
                alerts.extend(alert_timeline(POLICY, chronology))
    engine.dispose()
    alerts.sort(key=lambda a: (a.raised_at, a.person_id, a.level.rank))
    return alerts, people


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_replay_equals_per_child_incremental_evaluation(
    population_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    expected_alerts, expected_people = _incremental(population_file, tmp_path / "incremental.db")
    assert expected_alerts, "the population should raise some alerts"
    # Small enough to test, so lower the size from which worker processes are used.
    monkeypatch.setattr(replay_service, "PARALLEL_FROM_PEOPLE", 1)
    stages: list[str] = []
    progressed: list[int] = []
    hooks = ReplayHooks(stage=stages.append, advance=progressed.append, workers=workers)
    result = replay_file(population_file, policy=POLICY, hooks=hooks)
    assert list(result.alerts) == expected_alerts
    assert [(p.person, p.records) for p in result.people] == expected_people
    assert stages == ["loading", "linking", "evaluating"]
    assert sum(progressed) == len(expected_people)
