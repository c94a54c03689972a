"""The rescore plan on Spark (`alerts/spark_rescore.py`) gives exactly the local rescore's alerts.

On a local[2] session: the demo store (the Coventry case, synthetic families, decided alert
items) and random households from the rescore equivalence test's generator, several to a
store. Alerts are compared whole (`RaisedAlert`: indicator ids, level, raised_at, evidence,
findings, score). Runs wherever Java is installed (CI has Java 17), like test_spark.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alarmbell.alerts.decided import decided_moments
from alarmbell.alerts.rescore import rescore
from alarmbell.alerts.spark_rescore import local_session, rescore_on_spark
from alarmbell.demo import build_demo
from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_lines
from alarmbell.policy import default_policy
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from tests.replay.test_replay_equivalence import households

POLICY = default_policy()

pytestmark = [
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (CI has Java 17)"),
    pytest.mark.slow,  # starts a JVM
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = local_session(cores=2)
    yield session
    session.stop()


def test_spark_rescore_equals_local_rescore_on_the_demo_store(tmp_path: Path, spark: Any) -> None:
    settings_ = Settings(database_url=f"sqlite:///{tmp_path / 'demo.db'}")
    build_demo(settings_, children=40)
    engine = make_engine(settings_)
    with session_scope(engine) as session:
        local = rescore(session, policy=POLICY, workers=1, store=False)
        on_spark = rescore_on_spark(session, policy=POLICY, spark=spark)
        assert decided_moments(session), "the demo decides alert items: renotification is bounded"
    engine.dispose()
    assert len(local.alerts) >= 10, "the demo raises alerts"
    assert on_spark.alerts == local.alerts
    assert (on_spark.people, on_spark.children) == (local.people, local.children)
    assert on_spark.created == 0, "the demo stored them already: the same rows, nothing new"


#: One family name per household of a store, so linkage keeps the households apart.
FAMILIES = ("Okafor", "Brennan", "Whitfield", "Nakamura", "Kowalski", "Haddad", "Lindqvist", "Mensah")


@st.composite
def stores(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Several random households in one file (one Spark job tests them all), each with its own
    source ids, family name and birth years."""
    lines: list[dict[str, Any]] = []
    for number in range(draw(st.integers(3, len(FAMILIES)))):
        lines.extend(_renumbered(line, number) for line in draw(households()))
    return lines


def _renumbered(line: dict[str, Any], number: int) -> dict[str, Any]:
    prefix = f"h{number}-"
    out = dict(line)
    for field in ("source_id", "from", "to"):
        if field in out:
            out[field] = prefix + out[field]
    if "subjects" in out:
        out["subjects"] = [prefix + subject for subject in out["subjects"]]
    if out["type"] == "person":
        out["family_name"] = FAMILIES[number]
        out["dob"] = f"{int(out['dob'][:4]) - number % 4}{out['dob'][4:]}"
    return out


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stores())
def test_spark_rescore_equals_local_rescore_on_random_households(
    tmp_path_factory: pytest.TempPathFactory, spark: Any, lines: list[dict[str, Any]]
) -> None:
    db = tmp_path_factory.mktemp("spark_rescore") / "store.db"
    engine = make_engine(Settings(database_url=f"sqlite:///{db}"))
    ingest_lines(engine=engine, source="households", lines=[orjson.dumps(line) for line in lines])
    with session_scope(engine) as session:
        link_people(session)
    with session_scope(engine) as session:
        local = rescore(session, policy=POLICY, workers=1, store=False)
        on_spark = rescore_on_spark(session, policy=POLICY, spark=spark, store=False)
    engine.dispose()
    assert on_spark.alerts == local.alerts
    assert (on_spark.people, on_spark.children) == (local.people, local.children)
