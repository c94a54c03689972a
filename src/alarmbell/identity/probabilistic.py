"""The probabilistic step: bands, vetoes, per-field contributions, and best-link clustering.

It runs after the deterministic rules and only adds: a scored pair links when it is in the
upper band (learnt for each run from the pairs' probabilities, identity/calibration.py), no
veto fires, and the union passes every check in `Clusters.why_not` (different identifiers, a
human rejection, an agency's unique ids, birth years apart, two existing people, the cluster
guard). Pairs are taken strongest first, so each record joins through its best link and a chain of
weak links cannot pull a household together (pitfall 2). Anything refused, and everything in the
middle band, goes to the review queue, within its budget; the cluster guard's refusals past the
budget are kept as "unqueued" (`Applied.unqueued`), counted and listable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Literal

import numpy as np

from alarmbell.identity.calibration import calibrated_bands, review_budget
from alarmbell.identity.clusters import Clusters, guard_refused
from alarmbell.identity.features import FeatureTable
from alarmbell.identity.model import KEYED_YEAR_LABEL, Bands, TrainedModel, load_model
from alarmbell.identity.splink_runner import (
    Engine,
    PairTable,
    ScoredPair,
    predict_incremental_table,
    predict_table,
)
from alarmbell.identity.twins import twin_vetoes

Band = Literal["link", "review", "none"]


@dataclass(frozen=True, slots=True)
class Contribution:
    """One field's part in a pair's match weight, in bits (log2 of the Bayes factor)."""

    field: str
    level: str
    weight: float


@dataclass(frozen=True, slots=True)
class Edge:
    """A scored pair and what the model says to do with it."""

    pair: ScoredPair
    band: Band
    vetoes: tuple[str, ...]
    #: The dates of birth are one keystroke apart in the year (`keyed_year`): one person whose
    #: year was mistyped, so best-link clustering does not count the span between them.
    keyed_year: bool = False

    @property
    def key(self) -> tuple[int, int]:
        return self.pair.left, self.pair.right


@lru_cache(maxsize=1)
def shipped_model() -> TrainedModel:
    return load_model()


def vetoes(
    pair: ScoredPair, model: TrainedModel, *, today: date | None = None
) -> tuple[tuple[str, str], ...]:
    """(veto kind, description) for each level of the pair that forbids an automatic link,
    then the pair-level twins veto (identity/twins.py; `today` is the day linkage runs)."""
    out = []
    for comparison in model.spec.comparisons:
        level = comparison.levels[pair.levels[comparison.name]]
        if level.veto:
            out.append((level.veto, f"{comparison.title}: {level.label}"))
    return (*out, *twin_vetoes(pair, model, today=today))


def keyed_year(pair: ScoredPair, model: TrainedModel) -> bool:
    """True when the pair's dates of birth differ by one keystroke in the year (model.py `_KEYED_YEAR`)."""
    comparison = model.spec.comparison("dob")
    return comparison.levels[pair.levels["dob"]].label == KEYED_YEAR_LABEL


def classify(pair: ScoredPair, model: TrainedModel, *, today: date | None = None) -> Edge:
    found = vetoes(pair, model, today=today)
    texts = tuple(text for _, text in found)
    keyed = keyed_year(pair, model)
    if any(kind == "apart" for kind, _ in found):
        return Edge(pair, "none", texts, keyed)
    if pair.probability >= model.bands.upper and not found:
        return Edge(pair, "link", texts, keyed)
    if pair.probability >= model.bands.lower:
        return Edge(pair, "review", texts, keyed)
    return Edge(pair, "none", texts, keyed)


def for_run(
    pairs: Iterable[ScoredPair], model: TrainedModel, records: int, *, today: date | None = None
) -> TrainedModel:
    """The model with bands learnt from the pairs this run's model decides (identity/calibration.py).

    Only pairs no veto touches can be linked automatically, so only they set the bands.
    """
    free = [p.probability for p in pairs if not vetoes(p, model, today=today)]
    return replace(model, bands=calibrated_bands(free, model.bands, records=records))


def contributions(pair: ScoredPair, model: TrainedModel) -> list[Contribution]:
    """The prior, then each field's weight: what the review page draws as bars.

    The prior is what is left of the pair's match weight once the fields are counted, so the
    bars always add up to the weight Splink computed (whatever population size scaled it).
    """
    fields = []
    for comparison in model.spec.comparisons:
        index = pair.levels[comparison.name]
        params = model.parameters[comparison.name][index]
        m, u = params["m"], params["u"]
        weight = 0.0 if m is None or u is None else math.log2(m / u)
        fields.append(Contribution(comparison.title, comparison.levels[index].label, round(weight, 2)))
    prior = pair.match_weight - sum(c.weight for c in fields)
    return [Contribution("Prior (two random records)", "base rate", round(prior, 2)), *fields]


def score_new(
    new_table: FeatureTable,
    old_table: FeatureTable,
    model: TrainedModel,
    *,
    engine: Engine = "duckdb",
    spark: object = None,
) -> PairTable:
    """Pairs (lower band and above) touching a new record, from `build_features` of the new
    records and of those already linked, as columns.

    Nothing here depends on the rules, so the linker scores before it builds its clusters:
    the engine's memory is given back before the records and clusters are held, not on top of them.
    `classify_pairs` then turns the pairs the clusters leave apart into edges.
    """
    return predict_incremental_table(
        new_table, old_table, model, threshold=model.bands.lower, engine=engine, spark=spark
    )


def score_all(
    features: FeatureTable,
    model: TrainedModel,
    *,
    threshold: float | None = None,
    clusters: Clusters | None = None,
    today: date | None = None,
) -> list[Edge]:
    """Edges for a whole population at once (benchmarks, batch re-linking).

    `clusters` as in `classify_pairs`."""
    pairs = predict_table(features, model, threshold=model.bands.lower if threshold is None else threshold)
    return classify_pairs(pairs, model, clusters, today)


def classify_pairs(
    pairs: PairTable, model: TrainedModel, clusters: Clusters | None, today: date | None = None
) -> list[Edge]:
    """Classified edges; with `clusters`, only for pairs the clusters do not already join.

    `apply_edges` skips such pairs and `calibrate` leaves them out, so dropping them first
    changes nothing but memory: after the rules, most of a population's scored pairs are
    already joined, and they are never made into Python objects.
    """
    if clusters is not None:
        pairs = pairs.where(apart(pairs, clusters))
    return [classify(p, model, today=today) for p in pairs.pairs()]


def apart(pairs: PairTable, clusters: Clusters) -> np.ndarray:
    """For each pair, whether its two records are in different clusters."""
    find = clusters.find
    left = np.fromiter((find(a) for a in pairs.left.tolist()), dtype=np.int64, count=len(pairs))
    right = np.fromiter((find(b) for b in pairs.right.tolist()), dtype=np.int64, count=len(pairs))
    different: np.ndarray = left != right
    return different


@dataclass
class Applied:
    linked: list[Edge]
    review: list[tuple[Edge, str]]
    #: The bands this run used (learnt by `calibrate`), or None when the model's own were used.
    bands: Bands | None = None
    #: Pairs the model would link that an agency's unique ids keep apart, and the check's words:
    #: never queued (the agency has decided), but reported with the run.
    kept_apart: list[tuple[Edge, str]] = field(default_factory=list)
    #: Pairs the cluster guard refused that found no place within the review budget, strongest
    #: first, with their words: not pending review, but kept (status "unqueued"), counted in the
    #: run's summary and listable, so a child's records are never kept apart silently.
    unqueued: list[tuple[Edge, str]] = field(default_factory=list)


def calibrate(
    clusters: Clusters,
    edges: Iterable[Edge],
    model: TrainedModel,
    records: int,
    *,
    today: date | None = None,
) -> tuple[list[Edge], TrainedModel]:
    """Edges classified again under bands learnt from the pairs the model itself decides.

    Pairs whose records are already one person (joined by a rule or a human) are left out:
    their near-certain probabilities would otherwise vouch for the model's own, weaker links.
    """
    edges = list(edges)
    pending = [
        e.pair
        for e in edges
        if clusters.find(e.key[0]) != clusters.find(e.key[1]) and not clusters.unique_conflict(*e.key)
    ]
    run_model = for_run(pending, model, records, today=today)
    return [classify(e.pair, run_model, today=today) for e in edges], run_model


def apply_edges(
    clusters: Clusters,
    edges: Iterable[Edge],
    *,
    model: TrainedModel | None = None,
    records: int = 0,
    today: date | None = None,
) -> Applied:
    """Best-link clustering: strongest edges first, each union checked; refusals go to review.

    With `model`, the bands are first learnt for this run (`calibrate`); `records` is the size of
    the run, which sets the review budget; `today` is the day linkage runs (identity/twins.py).
    """
    result = Applied([], [])
    if model is not None:
        edges, run_model = calibrate(clusters, edges, model, records, today=today)
        result.bands = run_model.bands
    for edge in sorted(edges, key=lambda e: (-e.pair.probability, e.key)):
        a, b = edge.key
        if clusters.find(a) == clusters.find(b):
            continue
        if clusters.unique_conflict(a, b):  # two records an agency says are two people
            if edge.band == "link":
                result.kept_apart.append((edge, clusters.why_not(a, b) or "unique ids"))
            continue
        if edge.band == "review":
            result.review.append((edge, "; ".join(edge.vetoes) or "uncertain band"))
            continue
        if edge.band != "link":
            continue
        refused = clusters.why_not(a, b, strict=True, keyed_year=edge.keyed_year)
        if refused is None and clusters.union(a, b, strict=True, keyed_year=edge.keyed_year):
            result.linked.append(edge)
        else:
            result.review.append((edge, f"would link, but {refused}"))
    result.review = [
        (e, why)
        for e, why in result.review
        if clusters.find(e.key[0]) != clusters.find(e.key[1]) and not clusters.unique_conflict(*e.key)
    ]
    if model is not None:
        # The queue as a whole (uncertain band, vetoes and refusals) stays within the budget,
        # strongest pairs first: the weakest are the ones a reviewer rejects most often. The
        # guard's refusals past it are kept aside (`Applied.unqueued`), never dropped unseen.
        result.review = sorted(result.review, key=lambda item: (-item[0].pair.probability, item[0].key))
        budget = review_budget(records)
        result.unqueued = [item for item in result.review[budget:] if guard_refused(item[1])]
        result.review = result.review[:budget]
    return result
