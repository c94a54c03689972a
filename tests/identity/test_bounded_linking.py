"""Linking holds a slice of the population at a time where it can (issue 17, memory flat as data
grows), with exactly the people, links and scores of doing it all at once."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from alarmbell.identity import all_views, link_people, linker, splink_runner, view
from alarmbell.identity import people as people_module
from alarmbell.identity.features import RawPerson, build_features, build_split_features
from alarmbell.identity.probabilistic import shipped_model
from alarmbell.identity.rules import EXACT_METHODS, exact_keys
from alarmbell.identity.splink_runner import PairTable, predict_incremental_table
from alarmbell.identity.training import read_synthetic
from alarmbell.ingest.service import ingest_file
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import EvaluationDue, Person, PersonLink
from alarmbell.synth import generate
from tests.helpers import person, write_jsonl

FIRST = ("police", "health")
THEN = ("education", "children_social_care")


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic population, plus two people (`apart.jsonl`) whom a later record (`bridge.jsonl`)
    shows to be one, so the second load merges people as well as joining records to them."""
    folder: Path = tmp_path_factory.mktemp("population")
    generate(children=60, years=2, seed=23, out_dir=folder, workers=1)
    amelia = {"given_name": "Amelia", "family_name": "Jonas", "dob": "2015-03-09", "postcode": "ZZ9 9ZZ"}
    apart = [
        person("P1", nhs_number="2945183218", given_name="Amy", family_name="Jonas", dob="2015-03-09"),
        person("H1", agency="health", **amelia),
    ]
    write_jsonl(folder / "apart.jsonl", apart)
    write_jsonl(
        folder / "bridge.jsonl", [person("E9", agency="education", nhs_number="2945183218", **amelia)]
    )
    return folder


def _link_in_two_loads(engine: Engine, folder: Path) -> list[int]:
    """Two agencies, link, then the other two, link (new records join and merge people); returns
    the most Person objects any flush of the linker wrote."""
    largest: list[int] = []
    for files in ((*FIRST, "apart"), (*THEN, "bridge")):
        for name in files:
            ingest_file(engine=engine, path=folder / f"{name}.jsonl")
        with session_scope(engine) as session:
            event.listen(session, "before_flush", lambda s, *_: largest.append(_new_people(s)))
            link_people(session)
    return largest


def _new_people(session: Session) -> int:
    return sum(isinstance(item, Person) for item in session.new)


def _identity_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    link = PersonLink
    with session_scope(engine) as session:
        return {
            "people": list(session.execute(select(Person.id, Person.merged_into).order_by(Person.id))),
            "links": list(
                session.execute(
                    select(
                        link.id,
                        link.person_record_id,
                        link.person_id,
                        link.method,
                        link.evidence,
                        link.probability,
                        link.decided_by,
                        link.ended_at.is_(None),
                        link.ended_reason,
                    ).order_by(link.id)
                )
            ),
            "due": list(
                session.execute(
                    select(EvaluationDue.id, EvaluationDue.agency, EvaluationDue.source_id).order_by(
                        EvaluationDue.id
                    )
                )
            ),
        }


def test_people_are_written_a_slice_at_a_time_with_the_ids_and_links_of_one_write(
    engine: Engine, population: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = make_engine(Settings(database_url=f"sqlite:///{tmp_path / 'reference.db'}"), upgrade=True)
    try:
        monkeypatch.setattr(linker, "ASSIGN_SLICE", 10**9)  # every group at once
        whole = _link_in_two_loads(reference, population)
        expected = _identity_rows(reference)
    finally:
        reference.dispose()
    monkeypatch.setattr(linker, "ASSIGN_SLICE", 7)
    sliced = _link_in_two_loads(engine, population)
    assert max(sliced) <= 7 < max(whole)
    assert _identity_rows(engine) == expected
    assert len(expected["people"]) > 7 and any(m is not None for _, m in expected["people"])


def _sorted(table: PairTable) -> list[np.ndarray]:
    order = np.lexsort((table.right, table.left))
    columns = [table.left, table.right, table.probability, table.match_weight, *table.levels.values()]
    return [column[order] for column in columns]


@pytest.mark.parametrize("existing_share", [0, 3])
def test_new_records_scored_in_chunks_give_every_pair_and_score_of_one_pass(
    population: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, existing_share: int
) -> None:
    people: list[RawPerson] = read_synthetic(population).people  # the agencies' files only
    old = [p for p in people if existing_share and p.record_id % existing_share == 0]
    new = [p for p in people if p not in old]
    model = shipped_model()
    new_table, old_table = build_features(new), build_features(old)
    monkeypatch.setattr(splink_runner, "CHUNK_RECORDS", 10**9)
    whole = predict_incremental_table(new_table, old_table, model, threshold=model.bands.lower)
    monkeypatch.setattr(splink_runner, "CHUNK_RECORDS", 40)
    with caplog.at_level(logging.INFO, logger="splink.internals.linker_components.inference"):
        chunked = predict_incremental_table(new_table, old_table, model, threshold=model.bands.lower)
    chunks = [r.message for r in caplog.records if r.message.startswith("Processing chunk")]
    assert len(chunks) == -(-len(new) // 40) > 1
    assert len(whole) > 50
    for got, want in zip(_sorted(chunked), _sorted(whole), strict=True):
        assert np.array_equal(got, want)


def test_every_view_read_a_few_rows_at_a_time_is_each_persons_own(
    engine: Engine, population: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _link_in_two_loads(engine, population)
    monkeypatch.setattr(people_module, "VIEW_ROWS", 3)  # many reads, people split across them
    with session_scope(engine) as session:
        views = all_views(session)
        assert len(views) > 20
        assert views == [view(session, v.person_id) for v in views]


def test_new_and_existing_features_from_one_pass_are_each_built_alone(population: Path) -> None:
    """Linking streams the store's records past both feature tables once (`build_split_features`)."""
    people: list[RawPerson] = read_synthetic(population).people
    existing = {p.record_id for p in people if p.record_id % 3 == 0}
    new, old = build_split_features(iter(people), existing)
    want_new = build_features(p for p in people if p.record_id not in existing)
    want_old = build_features(p for p in people if p.record_id in existing)
    assert len(new) > 50 and len(old) > 20
    assert new.table.equals(want_new.table) and old.table.equals(want_old.table)
    assert (new.invalid_identifiers, old.invalid_identifiers) == (
        want_new.invalid_identifiers,
        want_old.invalid_identifiers,
    )


def test_each_exact_rule_anchors_a_record_to_the_first_with_its_key(population: Path) -> None:
    """The rules' anchors, one rule's keys at a time, are the first record sharing the joined
    string key `exact_keys` gives (the keys every earlier version compared)."""
    candidates = [linker.candidate(p) for p in read_synthetic(population).people]
    candidates.append(replace(candidates[0], record_id=10**6))  # shares every key of the first
    anchors = linker._exact_anchors(candidates)
    first: dict[tuple[str, str], int] = {}
    expected = {method: [-1] * len(candidates) for method in EXACT_METHODS}
    for index, candidate in enumerate(candidates):
        for method, key in exact_keys(candidate):
            expected[method][index] = first.setdefault((method, key), candidate.record_id)
    assert {method: column.tolist() for method, column in anchors.items()} == expected
    assert sum(a != c.record_id for a, c in zip(expected["name_dob"], candidates, strict=True)) > 10
