"""The only module that imports Splink: compiles our model data into Splink settings and runs it.

Splink 5 on DuckDB by default, or on Spark (`engine="spark"`, a SparkSession passed in) for
national scale. Callers hand in a `FeatureTable` and a `TrainedModel` and get back a
`PairTable` (numpy columns) or plain Python pairs; nothing of Splink leaks out, so the linker,
the review queue and the tests do not care which engine ran.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import splink.comparison_level_library as cll
import sqlglot
from splink import DuckDBAPI, Linker, block_on

from alarmbell.identity.features import COLUMNS, FeatureTable
from alarmbell.identity.model import MIN_M, Comparison, Level, ModelSpec, TrainedModel

Engine = Literal["duckdb", "spark"]
#: Floor for an estimated probability: a level never seen in training must not weigh infinite bits.
_FLOOR = 1e-6
#: Random pairs Splink samples to estimate u (the chance fields agree by coincidence).
U_SAMPLE_PAIRS = 5e6
#: New records scored against each other per chunk (of the left side of each pair; Splink's
#: `num_chunks_left`): in one pass DuckDB holds a hash table of every record for each blocking
#: rule at once (about 500 MB at 194,000 records), per chunk only the chunk's. The pairs and
#: their scores are the same whatever the number of chunks; each chunk rescans the records, so
#: far smaller chunks cost time (40 chunks of 5,000 took six times as long as 10 of 20,000).
CHUNK_RECORDS = 20_000
#: Term-frequency adjustments need a run this large: in a handful of records (one case, one
#: household) every name is "common", and the frequencies would say nothing about the population.
TF_MIN_RECORDS = 1000

for _name in ("splink", "py4j"):
    logging.getLogger(_name).setLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """One candidate pair as the model sees it; `levels` holds each comparison's level index."""

    left: int
    right: int
    probability: float
    match_weight: float
    levels: dict[str, int]
    #: The lower-id record's date of birth (the pair's own when the dates agree), None if unknown:
    #: the twins check (identity/twins.py) holds children's close names back, not adults'.
    born: date | None = None


@dataclass(frozen=True, slots=True)
class Births:
    """Dates of birth by record id, sorted by id, shared by every PairTable cut from one run.

    Held once per record, not once per pair: looked up only for the pairs that become objects.
    """

    ids: np.ndarray
    days: np.ndarray  # datetime64[D], NaT where there is no full date of birth

    @staticmethod
    def of(tables: Sequence[FeatureTable]) -> Births:
        ids = np.concatenate([t.table.column("unique_id").to_numpy().astype(np.int64) for t in tables])
        days = np.concatenate(
            [t.table.column("dob").cast(pa.date32()).to_numpy(zero_copy_only=False) for t in tables]
        ).astype("datetime64[D]")
        order = np.argsort(ids, kind="stable")
        return Births(ids[order], days[order])

    def lookup(self, ids: np.ndarray) -> list[date | None]:
        if not len(self.ids):
            return [None] * len(ids)
        at = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        found = self.days[at]
        found[self.ids[at] != ids] = np.datetime64("NaT")
        out: list[date | None] = found.tolist()
        return out


@dataclass(frozen=True, slots=True)
class Estimate:
    """What training produced: per comparison, per level m and u (None on the null level)."""

    parameters: dict[str, list[dict[str, float | None]]]
    probability_two_random_records_match: float
    notes: list[str]


# ---- compiling model data into Splink settings -------------------------------------------------


def _one_sided_groups(level: Level, dialect: str) -> Any:
    """`level.column` on one side meets `level.wider` on the other (model.py `Level.wider`)."""
    own, wider = level.column, level.wider
    if dialect == "duckdb":
        meet = 'array_length(list_intersect("{a}_l", "{b}_r")) >= 1'
    else:
        meet = "SIZE(ARRAY_INTERSECT(`{a}_l`, `{b}_r`)) >= 1"
    sql = f"({meet.format(a=own, b=wider)}) OR ({meet.format(a=wider, b=own)})"
    return cll.CustomLevel(sql, level.label, base_dialect_str=dialect)


def _level_creator(level: Level, dialect: str) -> Any:
    if level.kind == "null":
        return cll.NullLevel(level.column)
    if level.kind == "exact":
        return cll.ExactMatchLevel(level.column)
    if level.kind == "groups" and level.wider:
        return _one_sided_groups(level, dialect)
    if level.kind == "groups":
        return cll.ArrayIntersectLevel(level.column, min_intersection=1)
    if level.kind == "jaro_winkler":
        return cll.JaroWinklerLevel(level.column, level.threshold)
    if level.kind == "sql":
        return cll.CustomLevel(level.sql, level.label, base_dialect_str="duckdb")
    return cll.ElseLevel()


def _comparison_dict(
    comparison: Comparison,
    dialect: str,
    parameters: list[dict[str, float | None]] | None,
    term_frequencies: bool,
) -> dict[str, Any]:
    levels = []
    for index, level in enumerate(comparison.levels):
        compiled = _level_creator(level, dialect).get_comparison_level(dialect).as_dict()
        compiled["label_for_charts"] = level.label
        if term_frequencies and level.term_frequency:
            compiled["tf_adjustment_column"] = level.column
            compiled["tf_adjustment_weight"] = 1.0
        if parameters is not None and level.kind != "null":
            compiled["m_probability"] = parameters[index]["m"]
            compiled["u_probability"] = parameters[index]["u"]
        if level.fixed_m is not None:
            compiled["m_probability"] = level.fixed_m
            compiled["fix_m_probability"] = True
        levels.append(compiled)
    return {
        "output_column_name": comparison.name,
        "comparison_description": comparison.title,
        "comparison_levels": levels,
    }


def _undated_rule(columns: Sequence[str], dialect: str) -> str:
    """Equal on every column, and at least one record of the pair without a date of birth.

    Written in DuckDB's SQL like the custom levels, and translated for the backend (Spark quotes
    identifiers differently), since Splink passes a blocking rule written as text through as is.
    """
    equal = " AND ".join(f'l."{c}" = r."{c}"' for c in columns)
    rule = f'{equal} AND (l."dob" IS NULL OR r."dob" IS NULL)'
    return rule if dialect == "duckdb" else sqlglot.transpile(rule, read="duckdb", write=dialect)[0]


def _crossed_rules(left: str, right: str, shared: str, dialect: str) -> list[str]:
    """One record's `left` is the other's `right`, and `shared` agrees: both ways round, since
    Splink compares each pair once, whichever record it puts on the left (`ModelSpec`)."""
    rules = [f'l."{a}" = r."{b}" AND l."{shared}" = r."{shared}"' for a, b in ((left, right), (right, left))]
    if dialect == "duckdb":
        return rules
    return [sqlglot.transpile(rule, read="duckdb", write=dialect)[0] for rule in rules]


def settings_for(
    spec: ModelSpec,
    *,
    dialect: str = "duckdb",
    parameters: dict[str, list[dict[str, float | None]]] | None = None,
    probability_two_random_records_match: float = 1e-4,
    blocking_rules: Sequence[Sequence[str]] | None = None,
    term_frequencies: bool = False,
) -> dict[str, Any]:
    """Splink settings (a plain dict) for `spec`, with trained parameters when given.

    `term_frequencies` turns on the levels' term-frequency adjustments (`TF_MIN_RECORDS`).
    """
    rules = spec.blocking_rules if blocking_rules is None else blocking_rules
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": probability_two_random_records_match,
        "comparisons": [
            _comparison_dict(c, dialect, None if parameters is None else parameters[c.name], term_frequencies)
            for c in spec.comparisons
        ],
        "blocking_rules_to_generate_predictions": [
            *(block_on(*cols) for cols in rules),
            *(
                rule
                for crossed in (spec.crossed_blocking_rules if blocking_rules is None else ())
                for rule in _crossed_rules(*crossed, dialect)
            ),
            *(
                _undated_rule(cols, dialect)
                for cols in (spec.undated_blocking_rules if blocking_rules is None else ())
            ),
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
    }


def model_settings(model: TrainedModel, dialect: str = "duckdb", records: int = 0) -> dict[str, Any]:
    return settings_for(
        model.spec,
        dialect=dialect,
        parameters=model.parameters,
        probability_two_random_records_match=model.prior_for(records),
        term_frequencies=records >= TF_MIN_RECORDS,
    )


# ---- engines --------------------------------------------------------------------------------


def arrow_table(features: FeatureTable, extra: dict[str, list[Any]] | None = None) -> pa.Table:
    table = features.table.select([name for name, _ in COLUMNS])
    for name, values in (extra or {}).items():
        table = table.append_column(name, pa.array(values))
    return table


def spark_similarity_jar() -> str:
    """Path of the jar with Splink's string-similarity UDFs, which a Spark session must load."""
    from splink.backends.spark import similarity_jar_location

    return str(similarity_jar_location())


def _db_api(engine: Engine, spark: Any = None, connection: Any = None) -> Any:
    if engine == "spark":
        from splink import SparkAPI

        if spark is None:
            raise ValueError("engine 'spark' needs a SparkSession (spark=...)")
        return SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]
    return DuckDBAPI(connection=connection) if connection is not None else DuckDBAPI()


@contextmanager
def _duckdb_connection(engine: Engine) -> Iterator[Any]:
    """An in-memory DuckDB connection closed on leaving, or None for Spark.

    Closed explicitly because Splink's linker holds its connection in reference cycles: left to
    the garbage collector, DuckDB's tables and buffers (170 MB after scoring 194,000 records)
    stayed allocated through everything the linker did next.
    """
    if engine == "spark":
        yield None
        return
    connection = duckdb.connect()
    try:
        yield connection
    finally:
        connection.close()


def chunks_for(records: int) -> int:
    """How many left-side chunks `predict_incremental_table` scores `records` new records in."""
    return max(1, math.ceil(records / CHUNK_RECORDS))


def _register(db_api: Any, table: pa.Table, name: str, engine: Engine, spark: Any) -> Any:
    if engine == "spark":
        frame = spark.createDataFrame(table.to_pylist(), schema=_spark_schema(table))
        return db_api.register(frame, dataset_display_name=name)
    return db_api.register(table, dataset_display_name=name)


def _spark_schema(table: pa.Table) -> Any:
    from pyspark.sql import types as T

    mapping = {
        pa.int64(): T.LongType(),
        pa.string(): T.StringType(),
        pa.list_(pa.string()): T.ArrayType(T.StringType()),
    }
    return T.StructType(
        [T.StructField(f.name, mapping.get(f.type, T.StringType()), True) for f in table.schema]
    )


def _dialect(engine: Engine) -> str:
    return "spark" if engine == "spark" else "duckdb"


# ---- prediction -----------------------------------------------------------------------------


def _level_weights(model: TrainedModel) -> dict[str, list[float]]:
    """Each level's match weight, log2(m/u); the null level weighs nothing."""
    out: dict[str, list[float]] = {}
    for comparison in model.spec.comparisons:
        weights = []
        for level, params in zip(comparison.levels, model.parameters[comparison.name], strict=True):
            m, u = params["m"], params["u"]
            weights.append(0.0 if level.kind == "null" or m is None or u is None else math.log2(m / u))
        out[comparison.name] = weights
    return out


def _nearest(options: list[float], values: np.ndarray) -> np.ndarray:
    """Index of the option nearest each value (the first, on a tie)."""
    distance = np.abs(np.asarray(options, dtype=np.float64)[None, :] - values[:, None])
    return distance.argmin(axis=1).astype(np.int8) if len(values) else np.zeros(0, np.int8)


@dataclass(frozen=True)
class PairTable:
    """Scored pairs as numpy columns: ids (left < right), probability, weight, each level index.

    A population's predictions are held like this, not as a ScoredPair each: at a million
    records most scored pairs are already joined by the rules, and only the rest (`where`)
    ever become Python objects (`pairs`).
    """

    left: np.ndarray
    right: np.ndarray
    probability: np.ndarray
    match_weight: np.ndarray
    levels: dict[str, np.ndarray]
    births: Births | None = None

    def __len__(self) -> int:
        return len(self.left)

    def where(self, keep: np.ndarray) -> PairTable:
        return PairTable(
            self.left[keep],
            self.right[keep],
            self.probability[keep],
            self.match_weight[keep],
            {name: values[keep] for name, values in self.levels.items()},
            self.births,
        )

    def with_births(self, tables: Sequence[FeatureTable]) -> PairTable:
        return replace(self, births=Births.of(tables))

    def pairs(self) -> list[ScoredPair]:
        names = list(self.levels)
        columns = zip(*(self.levels[name].tolist() for name in names), strict=True)
        rows = zip(
            self.left.tolist(),
            self.right.tolist(),
            self.probability.tolist(),
            self.match_weight.tolist(),
            columns if names else ((),) * len(self),
            strict=True,
        )
        born = self.births.lookup(self.left) if self.births is not None else [None] * len(self)
        return [
            ScoredPair(a, b, p, w, dict(zip(names, lv, strict=True)), d)
            for (a, b, p, w, lv), d in zip(rows, born, strict=True)
        ]

    @staticmethod
    def concat(tables: Sequence[PairTable], model: TrainedModel) -> PairTable:
        if not tables:
            return _pair_table(_empty_predictions(model), model)
        return PairTable(
            np.concatenate([t.left for t in tables]),
            np.concatenate([t.right for t in tables]),
            np.concatenate([t.probability for t in tables]),
            np.concatenate([t.match_weight for t in tables]),
            {name: np.concatenate([t.levels[name] for t in tables]) for name in tables[0].levels},
            tables[0].births,
        )


def _prediction_columns(model: TrainedModel) -> list[str]:
    names = [f"mw_{c.name}" for c in model.spec.comparisons]
    return ["unique_id_l", "unique_id_r", "match_probability", "match_weight", *names]


def _empty_predictions(model: TrainedModel) -> pa.Table:
    columns = _prediction_columns(model)
    types = [pa.int64(), pa.int64()] + [pa.float64()] * (len(columns) - 2)
    return pa.schema(list(zip(columns, types, strict=True))).empty_table()


def _read_predictions(result: Any, model: TrainedModel, engine: Engine) -> pa.Table:
    """Only the columns the linker reads, as Arrow, straight from the engine.

    Splink's output keeps every intermediate column; a million records' worth of it as Python
    dicts (`as_record_list`) was gigabytes.
    """
    columns = _prediction_columns(model)
    if engine == "spark":
        return result.as_pyarrow_table().select(columns)
    relation = result.as_duckdbpyrelation().select(*(f'"{c}"' for c in columns))
    return relation.to_arrow_table()


def _pair_table(raw: pa.Table, model: TrainedModel) -> PairTable:
    """Splink's per-comparison weights (`mw_*`) back to indices into our level lists.

    Splink 5 keeps the weights, not the comparison vector, in its output; each level has its own
    weight, so the nearest one names the level (the null level is exactly 0).
    """
    ids_l = raw.column("unique_id_l").to_numpy().astype(np.int64)
    ids_r = raw.column("unique_id_r").to_numpy().astype(np.int64)
    levels = {
        name: _nearest(options, raw.column(f"mw_{name}").to_numpy().astype(np.float64))
        for name, options in _level_weights(model).items()
    }
    return PairTable(
        np.minimum(ids_l, ids_r),
        np.maximum(ids_l, ids_r),
        raw.column("match_probability").to_numpy().astype(np.float64),
        raw.column("match_weight").to_numpy().astype(np.float64),
        levels,
    )


def predict(
    features: FeatureTable,
    model: TrainedModel,
    *,
    threshold: float | None = None,
    engine: Engine = "duckdb",
    spark: Any = None,
) -> list[ScoredPair]:
    """Score every blocked pair within `features` (a whole-population run)."""
    return predict_table(features, model, threshold=threshold, engine=engine, spark=spark).pairs()


def predict_table(
    features: FeatureTable,
    model: TrainedModel,
    *,
    threshold: float | None = None,
    engine: Engine = "duckdb",
    spark: Any = None,
) -> PairTable:
    """`predict`, left as columns (see PairTable)."""
    if len(features) < 2:
        return _pair_table(_empty_predictions(model), model)
    db_api = _db_api(engine, spark)
    sdf = _register(db_api, arrow_table(features), "records", engine, spark)
    settings = model_settings(model, _dialect(engine), len(features))
    linker = Linker(sdf, settings, log_level=None)
    result = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    return _pair_table(_read_predictions(result, model, engine), model).with_births([features])


def predict_arrow(features: FeatureTable, model: TrainedModel, *, threshold: float | None = None) -> pa.Table:
    """The same scoring, left as an Arrow table (for benchmarks at a million records)."""
    db_api = DuckDBAPI()
    sdf = db_api.register(arrow_table(features), dataset_display_name="records")
    linker = Linker(sdf, model_settings(model, records=len(features)), log_level=None)
    result = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    table: pa.Table = result.as_pyarrow_table()  # type: ignore[no-untyped-call]
    return table


def term_frequencies(settings: dict[str, Any], tables: Sequence[FeatureTable]) -> dict[str, dict[str, float]]:
    """Column -> value -> share of the records (with a value) holding it, over new and existing.

    Splink computes these itself for a whole-population `predict`; scoring new records against
    existing ones needs them handed in, from every record the store holds, not just the new ones.
    """
    columns = {
        level["tf_adjustment_column"]
        for comparison in settings["comparisons"]
        for level in comparison["comparison_levels"]
        if level.get("tf_adjustment_column")
    }
    out: dict[str, dict[str, float]] = {}
    for column in sorted(columns):
        values = pa.chunked_array([t.table.column(column) for t in tables], type=pa.string())
        counted = pc.value_counts(values.drop_null()).flatten()
        counts = dict(zip(counted[0].to_pylist(), counted[1].to_pylist(), strict=True))
        total = sum(counts.values()) or 1
        out[column] = {value: count / total for value, count in counts.items()}
    return out


def predict_incremental(
    new: FeatureTable,
    existing: FeatureTable,
    model: TrainedModel,
    *,
    threshold: float | None = None,
    engine: Engine = "duckdb",
    spark: Any = None,
) -> list[ScoredPair]:
    """Pairs new-to-existing (predict_between) and new-to-new (predict_within), never old-to-old.

    This is what makes linking incremental: the cost follows the arriving records, and pairs
    among existing records, already decided, are not scored again.
    """
    table = predict_incremental_table(new, existing, model, threshold=threshold, engine=engine, spark=spark)
    return table.pairs()


def predict_incremental_table(
    new: FeatureTable,
    existing: FeatureTable,
    model: TrainedModel,
    *,
    threshold: float | None = None,
    engine: Engine = "duckdb",
    spark: Any = None,
) -> PairTable:
    """`predict_incremental`, left as columns (see PairTable).

    New-to-new pairs are scored in chunks of the new records (`CHUNK_RECORDS`), so DuckDB's
    memory follows the chunk, not the batch; the blocking rules, the term frequencies (those
    registered here, from new and existing records) and so every pair and score are the same.
    """
    if not len(new):
        return PairTable.concat([], model)
    with _duckdb_connection(engine) as connection:
        db_api = _db_api(engine, spark, connection)
        settings = model_settings(model, _dialect(engine), len(new) + len(existing))
        new_sdf = _register(db_api, arrow_table(new), "new_records", engine, spark)
        linker = Linker(new_sdf, settings, log_level=None)
        for column, shares in term_frequencies(settings, [new, existing]).items():
            lookup = pa.table({column: list(shares), f"tf_{column}": list(shares.values())})
            registered = _register(db_api, lookup, f"tf_{column}", engine, spark)
            linker.table_management.register_term_frequency_lookup(registered, column)
        tables: list[PairTable] = []
        if len(new) > 1:
            within = linker.inference.predict(
                threshold_match_probability=threshold,
                num_chunks_left=chunks_for(len(new)),
                num_chunks_right=1,
                warning_mode="never",
            )
            tables.append(_pair_table(_read_predictions(within, model, engine), model))
        if len(existing):
            old_sdf = _register(db_api, arrow_table(existing), "existing_records", engine, spark)
            between = linker.inference.predict_between(
                old_sdf, new_sdf, threshold_match_probability=threshold, warning_mode="never"
            )
            tables.append(_pair_table(_read_predictions(between, model, engine), model))
    return PairTable.concat(tables, model).with_births([new, existing])


# ---- training -------------------------------------------------------------------------------


def _read_parameters(linker: Any, spec: ModelSpec) -> dict[str, list[dict[str, float | None]]]:
    saved = linker.misc.save_model_to_json()
    by_name = {c["output_column_name"]: c for c in saved["comparisons"]}
    out: dict[str, list[dict[str, float | None]]] = {}
    for comparison in spec.comparisons:
        levels = by_name[comparison.name]["comparison_levels"]
        out[comparison.name] = [
            _level_parameters(level, spec_level)
            for level, spec_level in zip(levels, comparison.levels, strict=True)
        ]
    return out


def _level_parameters(level: dict[str, Any], spec_level: Level) -> dict[str, float | None]:
    if spec_level.kind == "null":
        return {"m": None, "u": None}
    if spec_level.fixed_m is not None:
        m = spec_level.fixed_m
    else:
        m = max(_clean(level.get("m_probability"), spec_level.prior_m, MIN_M), MIN_M)
    u = _clean(level.get("u_probability"), spec_level.prior_u, _FLOOR)
    return {"m": m, "u": max(u, _FLOOR)}


def _clean(value: Any, prior: float | None, fallback: float) -> float:
    """Splink leaves a level it never saw unset or NaN: use the spec's prior, never infinity."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return prior if prior is not None else fallback
    return float(value)


def train_supervised(
    features: FeatureTable,
    spec: ModelSpec,
    labels: dict[int, str],
    *,
    seed: int = 1,
) -> Estimate:
    """m from the true clusters (labelled synthetic data), u from random pairs, λ from the labels."""
    ids = features.table.column("unique_id").to_pylist()
    label_column = [labels.get(record_id, f"unlabelled-{record_id}") for record_id in ids]
    db_api = DuckDBAPI()
    sdf = db_api.register(arrow_table(features, {"true_person": label_column}), dataset_display_name="train")
    linker = Linker(sdf, settings_for(spec), log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
    linker.training.estimate_m_from_label_column("true_person")
    sizes: dict[str, int] = {}
    for label in label_column:
        sizes[label] = sizes.get(label, 0) + 1
    n = len(label_column)
    true_pairs = sum(k * (k - 1) // 2 for k in sizes.values())
    lam = true_pairs / (n * (n - 1) / 2) if n > 1 else 1e-4
    return Estimate(_read_parameters(linker, spec), lam, [f"supervised on {true_pairs} true pairs"])


def _agreeing_pair_exists(features: FeatureTable, columns: Sequence[str]) -> bool:
    """True if two records agree on every column (none missing): EM blocked on it has pairs.

    Checked before Splink runs, because a training session that finds no pairs leaves the
    linker's settings without the comparisons it blocked on.
    """
    present = features.table.select(list(columns)).drop_null()
    distinct = present.group_by(list(columns)).aggregate([])
    return bool(distinct.num_rows < present.num_rows)


def train_unsupervised(
    features: FeatureTable,
    base: TrainedModel,
    *,
    accepted_pairs: Sequence[tuple[int, int]] = (),
    seed: int = 1,
    engine: Engine = "duckdb",
    spark: Any = None,
) -> Estimate:
    """Re-estimate on a deployment's own records: u by sampling, m by EM on person-level rules.

    EM starts from the shipped model's m values; the strong-evidence-against levels stay pinned.
    Pairs a human accepted in the review queue add an m estimate from labels (Splink averages
    the estimates), so reviewers' decisions feed the model.
    """
    spec = base.spec
    db_api = _db_api(engine, spark)
    sdf = _register(db_api, arrow_table(features), "records", engine, spark)
    linker = Linker(sdf, model_settings(base, _dialect(engine)), log_level=None)
    notes = []
    deterministic: list[Any] = [block_on(*cols) for cols in spec.deterministic_rules]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
    for cols in spec.training_rules:
        if not _agreeing_pair_exists(features, cols):
            # A deployment without that field (no NHS numbers in a pilot's records): the other
            # rules still train every level; the shipped m values stand where none does.
            notes.append(f"EM skipped {', '.join(cols)}: no two records agree on it")
            continue
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*cols), estimate_without_term_frequencies=True
        )
        notes.append(f"EM blocked on {', '.join(cols)}")
    if accepted_pairs:
        labels = pa.table(
            {
                "unique_id_l": [a for a, _ in accepted_pairs],
                "unique_id_r": [b for _, b in accepted_pairs],
                "clerical_match_score": [1.0] * len(accepted_pairs),
            }
        )
        registered = db_api.register(labels, dataset_display_name="labels")
        linker.training.estimate_m_from_pairwise_labels(registered)  # type: ignore[no-untyped-call]
        notes.append(f"m also from {len(accepted_pairs)} accepted review decisions")
    lam = float(linker._settings_obj._probability_two_random_records_match)
    return Estimate(_read_parameters(linker, spec), lam, notes)
