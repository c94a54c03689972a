"""Linkage held as columns (issue 16, memory at a million records): the Arrow feature table and the
numpy pair table must give exactly what the row-at-a-time path gave, on a seeded population."""

from __future__ import annotations

from pathlib import Path

import pytest

from alarmbell.identity import features
from alarmbell.identity.features import RawPerson, build_features, feature_row
from alarmbell.identity.linker import cluster_population, rule_clusters
from alarmbell.identity.probabilistic import classify, score_all, shipped_model
from alarmbell.identity.splink_runner import predict
from alarmbell.identity.training import read_synthetic
from alarmbell.synth import generate


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> list[RawPerson]:
    folder: Path = tmp_path_factory.mktemp("population")
    generate(children=600, years=2, seed=11, out_dir=folder)
    return read_synthetic(folder).people


def test_feature_columns_hold_what_each_record_row_held(
    people: list[RawPerson], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(features, "CHUNK_RECORDS", 97)  # many chunks, the last one short
    table = build_features(people)
    invalid: list[str] = []
    assert table.rows == [feature_row(p, invalid) for p in people]
    assert table.invalid_identifiers == invalid
    assert table.table.num_rows == len(people) and len(table.table.to_batches()) > 1


def test_population_links_and_review_queue_are_those_of_scoring_every_pair_in_python(
    people: list[RawPerson],
) -> None:
    """`cluster_population` drops pairs the rules joined before any Python object is made; the
    reference below classifies every scored pair, as the linker did before, and must agree."""
    model = shipped_model()
    every_pair = [
        classify(p, model) for p in predict(build_features(people), model, threshold=model.bands.lower)
    ]
    groups, applied = cluster_population(people, model)
    reference_groups, reference = cluster_population(people, model, edges=every_pair)
    assert applied is not None and reference is not None
    assert sorted(map(sorted, groups.values())) == sorted(map(sorted, reference_groups.values()))
    assert [e.key for e in applied.linked] == [e.key for e in reference.linked]
    assert [(e.key, why, e.pair) for e, why in applied.review] == [
        (e.key, why, e.pair) for e, why in reference.review
    ]
    assert applied.bands == reference.bands
    assert applied.review and applied.linked


def test_pairs_already_one_cluster_never_become_edges(people: list[RawPerson]) -> None:
    model = shipped_model()
    clusters = rule_clusters(people, ())  # the deterministic rules' clusters
    table = build_features(people)
    kept = score_all(table, model, clusters=clusters)
    everything = score_all(table, model)
    expected = [e for e in everything if clusters.find(e.key[0]) != clusters.find(e.key[1])]
    assert sorted(kept, key=lambda e: e.key) == sorted(expected, key=lambda e: e.key)  # engine order
    assert len(kept) < len(everything)
