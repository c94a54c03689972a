"""The same model on Splink's Spark backend (`--engine spark`), on a local Spark session.

Runs wherever Java is installed (CI has Java 17); pyspark comes with the dev dependencies.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from alarmbell.identity.features import RawPerson, build_features
from alarmbell.identity.probabilistic import shipped_model
from alarmbell.identity.splink_runner import predict

pytestmark = [
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (CI has Java 17)"),
    pytest.mark.slow,  # starts a JVM
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from alarmbell.identity.spark import local_spark_session

    session = local_spark_session(app_name="alarmbell-test", cores=1)
    yield session
    session.stop()


def _people() -> list[RawPerson]:
    rows = [
        ("health", "H3", "Tomasz", "Whitfield", "1982-02-08", "9361952331"),
        ("police", "P3", "Tomasz", "Whitifeld", "1982-08-02", None),
        ("police", "P4", "Kyle", "Fletcher", "1982-04-15", None),
        ("health", "H5", "Jack", "Fletcher", "1982-05-24", "5060219224"),
        ("police", "P5", "Jack", "Fletcher", "1982-05-24", None),
    ]
    return [
        RawPerson(i, agency, sid, given, family, dob, "M", "CV2 5LA", nhs, None, "adult")
        for i, (agency, sid, given, family, dob, nhs) in enumerate(rows, start=1)
    ]


def test_spark_scores_the_same_pairs_as_duckdb(spark: Any) -> None:
    model = shipped_model()
    features = build_features(_people())
    on_duckdb = {(p.left, p.right): p for p in predict(features, model)}
    on_spark = {(p.left, p.right): p for p in predict(features, model, engine="spark", spark=spark)}
    assert on_spark.keys() == on_duckdb.keys()
    for key, pair in on_duckdb.items():
        assert on_spark[key].levels == pair.levels
        assert on_spark[key].match_weight == pytest.approx(pair.match_weight, abs=1e-6)
    assert on_spark[(1, 2)].probability >= model.bands.upper  # the father, despite dob and typo
    assert on_spark[(3, 5)].probability < model.bands.lower  # Kyle is not Jack
