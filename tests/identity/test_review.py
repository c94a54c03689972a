"""The review queue and human decisions: audited, binding on re-runs, reversible merges."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from alarmbell.identity import link_people, person_ids_for_records, resolve
from alarmbell.identity.people import link_history
from alarmbell.identity.review import ReviewError, accept, decision_pairs, list_items, merge, reject, unmerge
from alarmbell.ingest.service import ingest_file
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import IdentityDecision, Person
from tests.helpers import person, write_jsonl
from tests.identity.review_support import build_review_store

#: Same name and address, different valid NHS numbers: the model would link, a check refuses.
PAIR = [
    person("H1", agency="health", nhs_number="2945183218", given_name="Amy", family_name="Stone"),
    person(
        "C1", agency="children_social_care", nhs_number="7958992939", given_name="Amy", family_name="Stoner"
    ),
]
KEYS = [("health", "H1"), ("children_social_care", "C1")]


def _load(engine: Engine, path: Path) -> None:
    ingest_file(engine=engine, path=path)
    with session_scope(engine) as session:
        link_people(session)


def _queued(engine: Engine, tmp_path: Path) -> int:
    _load(engine, write_jsonl(tmp_path / "a.jsonl", PAIR))
    with session_scope(engine) as session:
        (item,) = list_items(session)
        return item.review.id


def _people(engine: Engine) -> dict[tuple[str, str], int]:
    with session_scope(engine) as session:
        return person_ids_for_records(session, KEYS)


def test_accept_merges_and_survives_reruns(engine: Engine, tmp_path: Path) -> None:
    review_id = _queued(engine, tmp_path)
    with session_scope(engine) as session:
        survivor = accept(session, review_id, by="A. Reviewer", reason="same GP record")
    assert set(_people(engine).values()) == {survivor}
    _load(engine, write_jsonl(tmp_path / "b.jsonl", [person("X9", given_name="Zed", dob="1999-01-01")]))
    assert set(_people(engine).values()) == {survivor}
    with session_scope(engine) as session:
        decision = session.scalars(select(IdentityDecision).where(IdentityDecision.kind == "accept")).one()
        assert (decision.decided_by, decision.reason) == ("A. Reviewer", "same GP record")
        assert decision.decided_at is not None
        with pytest.raises(ReviewError, match="already accepted"):
            accept(session, review_id, by="B", reason="again")


def test_reject_is_final_and_usable_in_training(engine: Engine, tmp_path: Path) -> None:
    review_id = _queued(engine, tmp_path)
    with session_scope(engine) as session:
        reject(session, review_id, by="A. Reviewer", reason="different children, checked with school")
    # A later record identical to both in name cannot pull them together.
    _load(engine, write_jsonl(tmp_path / "b.jsonl", [person("P1", given_name="Amy", family_name="Stone")]))
    ids = _people(engine)
    assert ids[KEYS[0]] != ids[KEYS[1]]
    with session_scope(engine) as session:
        accepted, rejected = decision_pairs(session)
        assert accepted == [] and len(rejected) == 1
        pending = {(i.review.record_a_id, i.review.record_b_id) for i in list_items(session)}
        assert rejected[0] not in pending  # the decided pair is never queued again


def test_a_decision_needs_a_name_and_a_reason(engine: Engine, tmp_path: Path) -> None:
    review_id = _queued(engine, tmp_path)
    with session_scope(engine) as session, pytest.raises(ReviewError, match="who made it and why"):
        reject(session, review_id, by="A. Reviewer", reason="  ")


def test_merge_then_unmerge_restores_ids_and_keeps_history(engine: Engine, tmp_path: Path) -> None:
    rows = [
        person("P1", given_name="Amy", family_name="Stone", dob="2015-03-02"),
        person("P2", given_name="Ben", family_name="Jones", dob="2012-07-07", postcode="ZZ9 9ZZ"),
    ]
    _load(engine, write_jsonl(tmp_path / "a.jsonl", rows))
    with session_scope(engine) as session:
        ids = person_ids_for_records(session, [("police", "P1"), ("police", "P2")])
        amy, ben = ids[("police", "P1")], ids[("police", "P2")]
        merge(session, ben, amy, by="A. Reviewer", reason="alias")
    with session_scope(engine) as session:
        assert resolve(session, ben) == amy
        unmerge(session, ben, by="B. Senior", reason="the alias was wrong")
    with session_scope(engine) as session:
        after = person_ids_for_records(session, [("police", "P1"), ("police", "P2")])
        assert after == {("police", "P1"): amy, ("police", "P2"): ben}
        assert session.get(Person, ben).merged_into is None  # type: ignore[union-attr]
        history = link_history(session, ben)
        assert any("ended" in line for line in history) and any("unmerge" in line for line in history)
        kinds = [d.kind for d in session.scalars(select(IdentityDecision).order_by(IdentityDecision.id))]
        assert kinds[:3] == ["merge", "accept", "unmerge"] and "reject" in kinds[3:]
    # Re-running the linker does not undo the unmerge.
    _load(engine, write_jsonl(tmp_path / "b.jsonl", [person("P3", given_name="Cat", dob="2001-01-01")]))
    with session_scope(engine) as session:
        again = person_ids_for_records(session, [("police", "P1"), ("police", "P2")])
    assert again == after


def test_accepting_one_pair_of_a_group_closes_the_pairs_it_made_one_person(tmp_path: Path) -> None:
    """The list groups pairs that share a person; deciding one must not leave stale siblings."""
    settings = build_review_store(tmp_path)
    engine = make_engine(settings)
    try:
        with session_scope(engine) as session:
            first, *others = list_items(session)
            accept(session, first.review.id, by="A. Reviewer", reason="same child, GP confirmed")
        with session_scope(engine) as session:
            assert list_items(session) == []
            closed = list_items(session, status="closed")
            assert sorted(i.review.id for i in closed) == sorted(i.review.id for i in others)
            assert len(others) == 3
    finally:
        engine.dispose()
