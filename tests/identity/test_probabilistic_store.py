"""The model step on a real store: what links, what stays apart, what waits for review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from alarmbell.identity import link_people, person_ids_for_records
from alarmbell.ingest.service import ingest_file
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import IdentityReview, PersonLink
from tests.helpers import person, write_jsonl


def _load(engine: Engine, path: Path, **kwargs: Any) -> Any:
    ingest_file(engine=engine, path=path)
    with session_scope(engine) as session:
        return link_people(session, **kwargs)


def _ids(engine: Engine, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    with session_scope(engine) as session:
        return person_ids_for_records(session, keys)


def test_typo_nickname_and_transposed_date_link_across_agencies(engine: Engine, tmp_path: Path) -> None:
    rows = [
        person(
            "H1",
            agency="health",
            given_name="Thomas",
            family_name="Kowalczyk",
            dob="2011-04-09",
            sex="M",
            postcode="CV1 2AB",
            nhs_number="2945183218",
        ),
        person(
            "P1",
            agency="police",
            given_name="Tom",
            family_name="Kowalcyzk",
            dob="2011-09-04",
            sex="M",
            postcode="CV1 2AB",
        ),
    ]
    summary = _load(engine, write_jsonl(tmp_path / "a.jsonl", rows))
    ids = _ids(engine, [("health", "H1"), ("police", "P1")])
    assert ids[("health", "H1")] == ids[("police", "P1")]
    assert summary.probabilistic_links == 1


def test_junior_and_senior_at_one_address_stay_apart(engine: Engine, tmp_path: Path) -> None:
    rows = [
        person("S", given_name="Wayne", family_name="Rooney", dob="1980-06-01", sex="M", role_hint="adult"),
        person(
            "J",
            agency="health",
            given_name="Wayne",
            family_name="Rooney",
            dob="2010-06-01",
            sex="M",
            role_hint="child",
        ),
        person(
            "X",
            agency="education",
            given_name="Wayne",
            family_name="Rooney",
            sex="M",
            dob=None,
            role_hint="child",
        ),
    ]
    _load(engine, write_jsonl(tmp_path / "a.jsonl", rows))
    ids = _ids(engine, [("police", "S"), ("health", "J")])
    assert ids[("police", "S")] != ids[("health", "J")]


def test_twins_with_different_given_names_never_link(engine: Engine, tmp_path: Path) -> None:
    rows = [
        person("A", given_name="Olivia", family_name="Hughes", dob="2016-02-10"),
        person("B", agency="education", given_name="Isla", family_name="Hughes", dob="2016-02-10"),
    ]
    _load(engine, write_jsonl(tmp_path / "a.jsonl", rows))
    ids = _ids(engine, [("police", "A"), ("education", "B")])
    assert ids[("police", "A")] != ids[("education", "B")]
    with session_scope(engine) as session:
        assert session.scalars(select(IdentityReview)).all() == []


def test_different_valid_nhs_numbers_go_to_review_not_to_a_link(engine: Engine, tmp_path: Path) -> None:
    rows = [
        person("H1", agency="health", nhs_number="2945183218", given_name="Amy", family_name="Stone"),
        person(
            "H2",
            agency="children_social_care",
            nhs_number="7958992939",
            given_name="Amy",
            family_name="Stoner",
        ),
    ]
    summary = _load(engine, write_jsonl(tmp_path / "a.jsonl", rows))
    ids = _ids(engine, [("health", "H1"), ("children_social_care", "H2")])
    assert ids[("health", "H1")] != ids[("children_social_care", "H2")]
    assert summary.review_queued == 1
    with session_scope(engine) as session:
        item = session.scalars(select(IdentityReview)).one()
        assert "NHS" in (item.note or "")
        assert item.status == "pending"
        assert any(c["field"] == "NHS number" and c["weight"] < -9 for c in item.contributions)


def test_an_invalid_nhs_number_is_reported_and_never_matched(engine: Engine, tmp_path: Path) -> None:
    rows = [
        person(
            "H1",
            agency="health",
            nhs_number="2945183219",
            given_name="Ava",
            family_name="Price",
            dob="2014-01-02",
            postcode="B1 1AA",
        ),
        person(
            "H2",
            agency="children_social_care",
            nhs_number="2945183219",
            given_name="Mia",
            family_name="Khan",
            dob="1990-05-05",
            postcode="M1 1AA",
        ),
    ]
    summary = _load(engine, write_jsonl(tmp_path / "a.jsonl", rows))
    ids = _ids(engine, [("health", "H1"), ("children_social_care", "H2")])
    assert ids[("health", "H1")] != ids[("children_social_care", "H2")]
    assert len(summary.invalid_identifiers) == 2


def test_new_records_link_incrementally_to_existing_people(engine: Engine, tmp_path: Path) -> None:
    first = [
        person(
            "P1",
            given_name="Kayleigh",
            family_name="Brennan",
            dob="1982-01-19",
            sex="F",
            postcode="CV2 5LA",
            role_hint="adult",
        )
    ]
    _load(engine, write_jsonl(tmp_path / "a.jsonl", first))
    before = _ids(engine, [("police", "P1")])[("police", "P1")]
    later = [
        person(
            "E1",
            agency="education",
            given_name="Kay",
            family_name="Brenann",
            dob="1982-01-19",
            sex="F",
            postcode="CV2 5LA",
            role_hint="adult",
        )
    ]
    summary = _load(engine, write_jsonl(tmp_path / "b.jsonl", later))
    after = _ids(engine, [("police", "P1"), ("education", "E1")])
    assert after == {("police", "P1"): before, ("education", "E1"): before}
    assert summary.probabilistic_links == 1 and summary.people_created == 0
    with session_scope(engine) as session:
        link = session.scalars(select(PersonLink).where(PersonLink.method == "splink")).one()
        assert link.probability is not None and "police P1" in (link.evidence or "")
        assert "auto-link band learnt for this run: at least" in (link.evidence or "")


def test_deterministic_only_mode_still_available(engine: Engine, tmp_path: Path) -> None:
    rows = [
        person("H1", agency="health", given_name="Thomas", family_name="Kowalczyk", dob="2011-04-09"),
        person("P1", given_name="Tom", family_name="Kowalcyzk", dob="2011-09-04"),
    ]
    summary = _load(engine, write_jsonl(tmp_path / "a.jsonl", rows), probabilistic=False)
    ids = _ids(engine, [("health", "H1"), ("police", "P1")])
    assert ids[("health", "H1")] != ids[("police", "P1")]
    assert summary.model_version is None
