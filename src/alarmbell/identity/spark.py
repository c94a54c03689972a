"""A local Spark session for `--engine spark` (tests, one machine); clusters pass their own."""

from __future__ import annotations

import tempfile
from typing import Any


def local_spark_session(*, app_name: str = "alarmbell-identity", cores: int = 2) -> Any:
    """A small local SparkSession with Splink's similarity UDFs on the classpath.

    Splink registers Jaro-Winkler and friends from a jar it ships; the session must be created
    with that jar, which is why this is not just `SparkSession.builder.getOrCreate()`.
    """
    from pyspark.sql import SparkSession

    from alarmbell.identity.splink_runner import spark_similarity_jar

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.jars", spark_similarity_jar())
        .config("spark.sql.shuffle.partitions", str(cores * 2))
        .config("spark.default.parallelism", str(cores * 2))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    # Splink checkpoints intermediate tables to cut Spark's query plans short.
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="alarmbell-spark-"))
    return session
