"""Training data and measurement: synthetic populations with known truth, pairwise scores, bands.

Synthetic folders (written by `alarmbell synth`) hold one JSONL file per agency and a
`truth.jsonl` naming the true person behind every record: the labels that train the shipped
model, choose its thresholds and measure it. Pure Python plus the runner; no store needed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alarmbell.identity.features import RawPerson, build_features, shared_text
from alarmbell.identity.model import PERSON_V1, Bands, TrainedModel

AGENCY_FILES = ("health", "education", "police", "children_social_care")


@dataclass(frozen=True, slots=True)
class LabelledPopulation:
    people: list[RawPerson]
    labels: dict[int, str]  # record id -> true person id


def _lines(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def read_synthetic(folder: Path, *, limit: int | None = None) -> LabelledPopulation:
    """Every person record in a synthetic folder, numbered in file order, with its true person."""
    truth: dict[tuple[str, str], str] = {}
    for row in _lines(folder / "truth.jsonl"):
        if row.get("type") == "truth_person":
            for agency, source_id in row["records"]:  # type: ignore[attr-defined]
                truth[(agency, source_id)] = str(row["person"])
    people: list[RawPerson] = []
    labels: dict[int, str] = {}
    for agency in AGENCY_FILES:
        path = folder / f"{agency}.jsonl"
        if not path.exists():
            continue
        for row in _lines(path):
            if row.get("type") != "person":
                continue
            record_id = len(people) + 1
            people.append(raw_person(record_id, row))
            key = (str(row["agency"]), str(row["source_id"]))
            if key in truth:
                labels[record_id] = truth[key]
            if limit is not None and len(people) >= limit:
                return LabelledPopulation(people, labels)
    return LabelledPopulation(people, labels)


def raw_person(record_id: int, row: dict[str, object]) -> RawPerson:
    return RawPerson(
        record_id=record_id,
        agency=sys.intern(str(row["agency"])),
        source_id=str(row["source_id"]),
        given_name=shared_text(_text(row.get("given_name"))),
        family_name=shared_text(_text(row.get("family_name"))),
        dob=shared_text(_text(row.get("dob"))),
        sex=shared_text(_text(row.get("sex"))),
        postcode=shared_text(_text(row.get("postcode"))),
        nhs_number=_text(row.get("nhs_number")),
        upn=_text(row.get("upn")),
        role_hint=shared_text(_text(row.get("role_hint"))),
    )


def true_pairs(labels: dict[int, str]) -> set[tuple[int, int]]:
    """Every pair of records with the same true person, as (lower id, higher id)."""
    members: dict[str, list[int]] = {}
    for record_id, person in labels.items():
        members.setdefault(person, []).append(record_id)
    out: set[tuple[int, int]] = set()
    for ids in members.values():
        ids.sort()
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                out.add((a, b))
    return out


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted: int
    actual: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 5),
            "recall": round(self.recall, 5),
            "f1": round(self.f1, 5),
            "true_positives": self.true_positives,
            "predicted": self.predicted,
            "actual": self.actual,
        }


def pairwise_scores(predicted: Iterable[tuple[int, int]], truth: set[tuple[int, int]]) -> Scores:
    chosen = {(min(a, b), max(a, b)) for a, b in predicted}
    tp = len(chosen & truth)
    precision = tp / len(chosen) if chosen else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, tp, len(chosen), len(truth))


def cluster_pairs(clusters: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    """All within-cluster pairs: how a clustering is scored pairwise against the truth."""
    out: set[tuple[int, int]] = set()
    for cluster in clusters:
        ids = sorted(cluster)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                out.add((a, b))
    return out


#: Candidate thresholds; the model's bands are chosen among them on labelled data.
UPPER_GRID = (0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999)
LOWER_GRID = (0.01, 0.05, 0.1, 0.2, 0.3, 0.5)
#: The upper band must keep clustered pairwise precision at least this high on held-out data.
MIN_PRECISION = 0.9995
#: Among safe thresholds, the highest whose F1 is this close to the best: margin for data unlike
#: the synthetic population costs a little recall here and is caught by the review band.
F1_TOLERANCE = 0.001
#: The review band must hold this share of the true pairs that the widest band would hold.
REVIEW_CATCH = 0.95


def choose_bands(model: TrainedModel, tune: LabelledPopulation) -> tuple[Bands, dict[str, Any]]:
    """Thresholds chosen on labelled synthetic data by running the whole linker (rules, model,
    vetoes, best-link clustering), never from probability 0.5 by habit (pitfall 2)."""
    from alarmbell.identity.linker import cluster_population
    from alarmbell.identity.probabilistic import classify
    from alarmbell.identity.splink_runner import predict

    truth = true_pairs(tune.labels)
    pairs = predict(build_features(tune.people), model, threshold=min(LOWER_GRID))
    trials = []
    for upper in UPPER_GRID:
        trial = replace(model, bands=Bands(upper, min(LOWER_GRID)))
        groups, applied = cluster_population(
            tune.people, trial, edges=[classify(p, trial) for p in pairs], calibrate=False
        )
        scores = pairwise_scores(cluster_pairs(groups.values()), truth)
        trials.append((upper, scores, applied))
    safe = [t for t in trials if t[1].precision >= MIN_PRECISION] or [
        max(trials, key=lambda t: t[1].precision)
    ]
    best = max(t[1].f1 for t in safe)
    upper, scores, applied = max((t for t in safe if t[1].f1 >= best - F1_TOLERANCE), key=lambda t: t[0])
    review = [(e.pair.probability, e.key in truth) for e, _ in applied.review]
    widest = sum(1 for _, true in review if true)
    lower = max(
        (lo for lo in LOWER_GRID if sum(1 for p, t in review if t and p >= lo) >= REVIEW_CATCH * widest),
        default=min(LOWER_GRID),
    )
    queued = sum(1 for p, _ in review if p >= lower)
    chosen_by = (
        f"upper: the highest threshold in {list(UPPER_GRID)} with clustered pairwise precision >= "
        f"{MIN_PRECISION} and F1 within {F1_TOLERANCE} of the best, on a held-out labelled synthetic "
        f"population ({len(tune.people)} records); "
        f"lower: highest threshold in {list(LOWER_GRID)} whose review band still holds "
        f"{REVIEW_CATCH:.0%} of the true pairs the widest band would"
    )
    measured = {
        "tune_records": len(tune.people),
        "tune_pairwise": scores.as_dict(),
        "review_items": queued,
        "review_items_true": sum(1 for p, t in review if t and p >= lower),
        "grid": {str(u): s.as_dict() for u, s, _ in trials},
    }
    return Bands(upper, lower, chosen_by), measured


def build_model(
    train: LabelledPopulation, tune: LabelledPopulation, *, version: str, source: str
) -> TrainedModel:
    """Train the shipped model with known truth, then choose its bands on a second population."""
    from alarmbell.identity.splink_runner import train_supervised

    estimate = train_supervised(build_features(train.people), PERSON_V1, train.labels)
    model = TrainedModel(
        spec=PERSON_V1,
        version=version,
        probability_two_random_records_match=estimate.probability_two_random_records_match,
        parameters=estimate.parameters,
        bands=Bands(0.99, 0.2),
        trained_on=(
            f"{source}: {len(train.people)} synthetic records with known truth ({'; '.join(estimate.notes)})"
        ),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        reference_records=len(train.people),
    )
    model.bands, model.measured = choose_bands(model, tune)
    return model
