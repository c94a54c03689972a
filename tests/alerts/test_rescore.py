"""`rescore` (the batch path) stores exactly what incremental evaluation would.

Incremental: each person's chronology built by `build_chronology` (several queries per person)
and run through `alert_timeline`, as `refresh_alerts` does on arrival. Batch: the population
read in two streaming queries per share, chronologies built in memory, in worker processes.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine, func, select

from alarmbell.alerts import rescore as rescore_module
from alarmbell.alerts.decided import decided_moments
from alarmbell.alerts.rescore import (
    groups,
    load_relations,
    population_groups,
    rescore,
    share_chronologies,
    shares,
)
from alarmbell.alerts.service import live_people, refresh_alerts
from alarmbell.chronology import build_chronology
from alarmbell.domain.alerts import RaisedAlert
from alarmbell.domain.vocabulary import EVENT_KINDS
from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file, ingest_lines
from alarmbell.policy import Policy, alert_timeline, default_policy, load_policy
from alarmbell.policy.loader import default_policy_path
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import AlertRow, TriageItem
from alarmbell.synth import generate
from alarmbell.triage.alert_work import route_new_alerts
from alarmbell.triage.config import TriageConfig
from alarmbell.triage.service import decide
from tests.helpers import event, person, relationship, write_jsonl
from tests.replay.test_replay_equivalence import households

POLICY = default_policy()

#: Worker processes over synthetic populations of thousands of people: tens of seconds.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rescore_population")
    generate(children=400, years=2, seed=5, out_dir=out, start_year=2019)
    return out


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, population: Path) -> Path:
    """The population ingested and linked into a SQLite file, once; tests copy it."""
    db = tmp_path_factory.mktemp("rescore_store") / "store.db"
    _load(Settings(database_url=f"sqlite:///{db}"), population)
    return db


def _load(settings: Settings, folder: Path) -> None:
    engine = make_engine(settings)
    for name in ("police", "health", "education", "children_social_care"):
        ingest_file(engine=engine, path=folder / f"{name}.jsonl")
    with session_scope(engine) as session:
        link_people(session)
    engine.dispose()


def _key(alert: RaisedAlert) -> tuple[object, ...]:
    return (alert.person_id, alert.raised_at, alert.level.rank)


def test_rescore_equals_incremental_evaluation(store_settings: Settings, population: Path) -> None:
    _load(store_settings, population)
    engine = make_engine(store_settings)
    with session_scope(engine) as session:
        incremental: list[RaisedAlert] = []
        for person_id in live_people(session):
            chronology = build_chronology(session, person_id)
            if chronology is not None:
                incremental.extend(alert_timeline(POLICY, chronology))
    with session_scope(engine) as session:
        parallel = rescore(session, policy=POLICY, settings=store_settings, workers=2)
    with session_scope(engine) as session:
        here = rescore(session, policy=POLICY, workers=1)
    engine.dispose()
    expected = sorted(incremental, key=_key)
    assert expected, "the population should raise some alerts"
    assert list(parallel.alerts) == expected
    assert list(here.alerts) == expected
    assert parallel.created == len(expected)
    assert here.created == 0, "a second rescore stores nothing new"


def test_rescore_stores_what_refresh_alerts_stores(tmp_path: Path, loaded: Path) -> None:
    rows = []
    for name, batch in (("a.db", False), ("b.db", True)):
        shutil.copy(loaded, tmp_path / name)
        settings = Settings(database_url=f"sqlite:///{tmp_path / name}")
        engine = make_engine(settings)
        with session_scope(engine) as session:
            if batch:
                rescore(session, policy=POLICY, settings=settings, workers=2)
            else:
                refresh_alerts(session, policy=POLICY)
        with session_scope(engine) as session:
            query = select(AlertRow).order_by(AlertRow.person_id, AlertRow.raised_at, AlertRow.level)
            rows.append(
                [
                    (r.person_id, r.level, r.raised_at, r.rules, r.evidence, r.explanation, r.findings)
                    for r in session.scalars(query)
                ]
            )
            assert session.scalar(select(func.count()).select_from(AlertRow)) == len(rows[-1])
        engine.dispose()
    assert rows[0] == rows[1]
    assert all(r[6] for r in rows[0]), "every alert stores its findings"


def test_decided_items_change_renotification_alike_on_both_paths(tmp_path: Path, loaded: Path) -> None:
    """Decisions on alert items end the open item's bound: rescore and incremental read them alike."""
    shutil.copy(loaded, tmp_path / "decided.db")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'decided.db'}")
    engine = make_engine(settings)
    with session_scope(engine) as session:
        undecided = rescore(session, policy=POLICY, workers=1).alerts
        routed = route_new_alerts(session, after_id=0, config=TriageConfig(), now=datetime.now(UTC))
        for item_id in routed.opened:
            item = session.get(TriageItem, item_id)
            assert item is not None
            alert = session.get(AlertRow, int(item.source_key.removeprefix("alert:")))
            assert alert is not None
            decide(session, item_id=item_id, by="Sam Reid", decision="assessment",
                   rationale="Assessment opened.", now=alert.raised_at + timedelta(days=2))  # fmt: skip
    with session_scope(engine) as session:
        decided = decided_moments(session)
        incremental: list[RaisedAlert] = []
        for person_id in live_people(session):
            chronology = build_chronology(session, person_id)
            if chronology is not None:
                incremental.extend(alert_timeline(POLICY, chronology, decided=decided.get(person_id, ())))
    with session_scope(engine) as session:
        parallel = rescore(session, policy=POLICY, settings=settings, workers=2, store=False)
        here = rescore(session, policy=POLICY, workers=1, store=False)
    engine.dispose()
    assert decided, "some items were decided"
    expected = sorted(incremental, key=_key)
    assert list(parallel.alerts) == list(here.alerts) == expected
    assert len(expected) > len(undecided), "after a decision, new evidence rings again"


def test_population_groups_are_the_in_memory_groups(loaded: Path) -> None:
    """The compact groups (relations streamed past a union-find) equal `groups` over all relations."""
    engine = make_engine(Settings(database_url=f"sqlite:///{loaded}"), upgrade=False)
    with session_scope(engine) as session:
        people, relations = load_relations(session)
        population = population_groups(session.connection())
        expected = groups(people, relations)
    engine.dispose()
    assert list(population.people) == people
    assert dict(zip(population.people, population.group, strict=True)) == expected
    assert len(set(expected.values())) < len(people), "some households join several people"


def test_shares_stay_small_as_the_population_grows(
    tmp_path: Path, loaded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No share holds more than about SHARE_PEOPLE people, whatever the population; alerts unchanged.

    A share is what a worker holds at once, so this is what keeps rescore's memory flat: shares
    were once a fixed number, each a sixteenth of the population.
    """
    shutil.copy(loaded, tmp_path / "small.db")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'small.db'}")
    engine = make_engine(settings, upgrade=False)
    with session_scope(engine) as session:
        reference = rescore(session, policy=POLICY, workers=1, store=False)
    monkeypatch.setattr(rescore_module, "SHARE_PEOPLE", 40)
    sizes: list[int] = []
    with session_scope(engine) as session:
        parallel = rescore(
            session, policy=POLICY, settings=settings, workers=2, store=False, progress=sizes.append
        )
        here = rescore(session, policy=POLICY, workers=1, store=False)
    engine.dispose()
    assert sum(sizes) == reference.people
    assert len(sizes) > 2 * rescore_module.SHARES_PER_WORKER, "more shares than the fixed count"
    assert max(sizes) <= 2 * 40, "no share far above SHARE_PEOPLE"
    assert reference.alerts, "the population should raise some alerts"
    assert parallel.alerts == here.alerts == reference.alerts


def test_rescore_builds_each_chronology_exactly_as_the_per_child_view(
    engine: Engine, demo_case: Path, tmp_path: Path
) -> None:
    """Entry for entry, author and date precision included (the batch copy once dropped both)."""
    extra = write_jsonl(
        tmp_path / "household.jsonl",
        [
            person("P1", dob="2015-03-02", role_hint="child"),
            person("P2", given_name="Dana", dob="1988-06-01", role_hint="adult"),
            relationship("R1", "P2", "P1", "mother"),
            event("E1", ["P1"], author="PC 1234 Hale", date_precision="month", text="Seen at home"),
            event("E2", ["P2"], author="PC 77 Okafor", occurred_at="2020-02-01"),
            event(
                "E3", ["P1", "P2"], kind="missed_appointment", occurred_at="2020-03-01", date_precision="year"
            ),
        ],
    )
    for path in (demo_case, extra):
        ingest_file(engine=engine, path=path)
    with session_scope(engine) as session:
        link_people(session)
        people, relations = load_relations(session)
        batch = [
            chronology
            for share in shares(people, relations, 2)
            for _, chronologies in share_chronologies(session.connection(), share)
            for chronology in chronologies
        ]
        assert {e.author for c in batch for e in c.entries} >= {"PC 1234 Hale", "PC 77 Okafor"}
        assert len(batch) >= 2, "Leo and the child of the extra household"
        for chronology in batch:
            assert chronology == build_chronology(session, chronology.person_id)


# -- the columnar pre-pass (alerts/prepass.py) ------------------------------------------------


def _per_child(engine: Engine, policy: Policy) -> list[RaisedAlert]:
    """The reference: every person's chronology built alone and run through the engine."""
    with session_scope(engine) as session:
        found: list[RaisedAlert] = []
        for person_id in live_people(session):
            chronology = build_chronology(session, person_id)
            if chronology is not None:
                found.extend(alert_timeline(policy, chronology))
    return sorted(found, key=_key)


def _load_lines(engine: Engine, lines: list[dict[str, Any]]) -> None:
    ingest_lines(engine=engine, source="household", lines=[orjson.dumps(line) for line in lines])
    with session_scope(engine) as session:
        link_people(session)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households())
def test_the_prepass_changes_no_alert_on_random_households(
    tmp_path_factory: pytest.TempPathFactory, lines: list[dict[str, Any]]
) -> None:
    """Random households (a child, a mother, perhaps her partner, events from the kinds the policy
    reads): rescore with the pre-pass gives exactly the per-child engine's alerts, raised_at and all."""
    db = tmp_path_factory.mktemp("prepass") / "store.db"
    engine = make_engine(Settings(database_url=f"sqlite:///{db}"))
    _load_lines(engine, lines)
    with session_scope(engine) as session:
        batch = rescore(session, policy=POLICY, workers=1, store=False)
    assert list(batch.alerts) == _per_child(engine, POLICY)
    engine.dispose()


def _unread_kind(policy: Policy) -> str:
    """An event kind no indicator of `policy` reads."""
    read = {kind for i in policy.indicators for m in _matches(i.pattern) for s in m for kind in s.kinds}
    return sorted(set(EVENT_KINDS) - read)[0]


def _matches(pattern: Any) -> list[Any]:
    parts = getattr(pattern, "patterns", None)
    if parts is not None:
        return [m for p in parts for m in _matches(p)]
    names = ("match", "event", "context", "ended_by", "trigger", "expected")
    return [getattr(pattern, n) for n in names if getattr(pattern, n, None)]


def test_the_prepass_reads_a_new_indicator_from_the_policy(engine: Engine, tmp_path: Path) -> None:
    """A child whose only records are of a kind no indicator reads is skipped; add an indicator
    on that kind and the same pre-pass keeps the child and the alert is raised (no hand-kept list
    of trigger kinds can go stale)."""
    kind = _unread_kind(POLICY)
    _load_lines(
        engine,
        [
            person("P1", dob="2015-03-02", role_hint="child"),
            event("E1", ["P1"], kind=kind, occurred_at="2020-02-01"),
            event("E2", ["P1"], kind=kind, occurred_at="2020-03-01"),
        ],
    )
    with session_scope(engine) as session:
        before = rescore(session, policy=POLICY, workers=1, store=False)
    assert (before.children, before.alerts) == (0, ()), "nothing in the default policy reads it"
    folder = tmp_path / "policy"
    shutil.copytree(default_policy_path(), folder)
    (folder / "zz_new.yaml").write_text(NEW_INDICATOR.format(kind=kind))
    extended = load_policy(folder)
    with session_scope(engine) as session:
        after = rescore(session, policy=extended, workers=1, store=False)
    assert after.children == 1
    assert [a.rules for a in after.alerts] == [("new_kind_twice",)]
    assert list(after.alerts) == _per_child(engine, extended)


NEW_INDICATOR = """
indicators:
  - id: new_kind_twice
    title: Two records of a newly watched kind
    description: Two {kind} records within a year.
    rationale:
      text: A test indicator on a kind the default policy does not read.
      source: tests/alerts/test_rescore.py
    pattern:
      type: count
      match:
        kinds: [{kind}]
      at_least: 2
    weight: 30
    window: 365d
"""
