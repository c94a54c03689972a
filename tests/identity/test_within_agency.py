"""One agency's two records of one person: linked (or offered for review) like any other pair,
unless the agency has declared its ids unique, when they are never merged with each other."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.identity import link_people, person_ids_for_records
from alarmbell.identity.clusters import Clusters
from alarmbell.identity.features import RawPerson
from alarmbell.identity.linker import candidate, cluster_population
from alarmbell.identity.probabilistic import shipped_model
from alarmbell.ingest.service import ingest_file
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import IdentityReview, PersonLink
from alarmbell.web.app import create_app
from tests.auth_support import sign_in
from tests.helpers import person, write_jsonl


def _ids(engine: Engine, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    with session_scope(engine) as session:
        return person_ids_for_records(session, keys)


def _duplicates() -> list[dict[str, object]]:
    """A school that registered one child twice (the second time with a typo in the surname)."""
    return [
        person("E1", agency="education", given_name="Kayleigh", family_name="Morgan", dob="2014-06-09"),
        person("E2", agency="education", given_name="Kayleigh", family_name="Morgon", dob="2014-06-09"),
        person("E3", agency="education", given_name="Kayleigh", family_name="Morgan", dob="2014-06-09"),
    ]


def test_an_agencys_duplicate_records_of_one_person_are_linked(engine: Engine, tmp_path: Path) -> None:
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "e.jsonl", _duplicates()))
    with session_scope(engine) as session:
        link_people(session)
    ids = _ids(engine, [("education", "E1"), ("education", "E2"), ("education", "E3")])
    assert len(set(ids.values())) == 1


def test_an_agency_that_declares_its_ids_unique_keeps_each_record_a_person(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [
        *_duplicates(),
        person("P1", agency="police", given_name="Kayleigh", family_name="Morgan", dob="2014-06-09"),
    ]
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "e.jsonl", rows))
    with session_scope(engine) as session:
        summary = link_people(session, unique_id_agencies={"education"})
    ids = _ids(engine, [("education", "E1"), ("education", "E2"), ("education", "E3"), ("police", "P1")])
    education = [ids[("education", s)] for s in ("E1", "E2", "E3")]
    assert len(set(education)) == 3, "an agency with unique ids: each record is its own person"
    assert ids[("police", "P1")] in education, "other agencies' records still join one of them"
    assert any("declares its ids unique" in c for c in summary.conflicts)


def test_unique_agencies_are_refused_by_the_clusters_and_not_queued() -> None:
    def raw(record_id: int, agency: str, family: str) -> RawPerson:
        return RawPerson(
            record_id,
            agency,
            f"S{record_id}",
            "Kayleigh",
            family,
            "2014-06-09",
            "F",
            "CV2 5LA",
            None,
            None,
            "child",
        )

    records = [raw(1, "education", "Morgan"), raw(2, "education", "Morgon"), raw(3, "health", "Morgan")]
    clusters = Clusters([candidate(r) for r in records], unique_agencies={"education"})
    assert clusters.union(1, 3)
    assert clusters.why_not(2, 3) is not None and "education" in (clusters.why_not(2, 3) or "")
    groups, applied = cluster_population(records, shipped_model(), unique_agencies={"education"})
    assert sorted(len(g) for g in groups.values()) == [1, 2]
    assert applied is not None and applied.review == []


def test_the_setting_names_known_agencies() -> None:
    assert Settings(unique_id_agencies=["education"]).unique_id_agencies == ["education"]
    with pytest.raises(ValueError, match="not an agency"):
        Settings(unique_id_agencies=["the school"])


def test_given_and_family_names_entered_the_wrong_way_round_still_link(
    engine: Engine, tmp_path: Path
) -> None:
    """One clerk writes "Nguyen Linh", another "Linh Nguyen": with the same date of birth they
    are one person; with a different one they stay apart."""
    rows = [
        person("E1", agency="education", given_name="Linh", family_name="Nguyen", dob="2013-04-22"),
        person(
            "E2",
            agency="education",
            given_name="Nguyen",
            family_name="Linh",
            dob="2013-04-22",
            postcode="B1 1AA",
        ),
        person(
            "H1",
            agency="health",
            given_name="Nguyen",
            family_name="Linh",
            dob="2011-09-02",
            postcode="B1 1AA",
        ),
    ]
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "e.jsonl", rows))
    with session_scope(engine) as session:
        link_people(session)
    ids = _ids(engine, [("education", "E1"), ("education", "E2"), ("health", "H1")])
    assert ids[("education", "E1")] == ids[("education", "E2")]
    assert ids[("health", "H1")] != ids[("education", "E1")]


def test_replay_keeps_a_declared_agencys_records_apart(tmp_path: Path) -> None:
    """`alarmbell replay` links as the store would: ALARMBELL_UNIQUE_ID_AGENCIES holds there too."""
    path = write_jsonl(tmp_path / "case.jsonl", _duplicates())

    def people(env: dict[str, str]) -> list[list[list[str]]]:
        result = CliRunner().invoke(app, ["replay", str(path), "--json"], env=env)
        assert result.exit_code == 0, result.output
        return [p["records"] for p in json.loads(result.stdout)["people"]]

    assert len(people({"ALARMBELL_UNIQUE_ID_AGENCIES": "[]"})) == 1
    assert len(people({"ALARMBELL_UNIQUE_ID_AGENCIES": '["education"]'})) == 3


def _linked(engine: Engine, tmp_path: Path, rows: list[dict[str, object]]) -> dict[tuple[str, str], int]:
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "rows.jsonl", rows))
    with session_scope(engine) as session:
        link_people(session)
    return _ids(engine, [(str(r["agency"]), str(r["source_id"])) for r in rows])


def _review_pairs(engine: Engine) -> list[tuple[int, int]]:
    with session_scope(engine) as session:
        return [(r.record_a_id, r.record_b_id) for r in session.scalars(select(IdentityReview))]


def test_a_duplicate_the_model_finds_is_linked_by_the_model(engine: Engine, tmp_path: Path) -> None:
    """No rule joins Tom and Thomas: the model does, as it would across agencies."""
    rows = [
        person(
            "P1", given_name="Thomas", family_name="Wright", dob="2010-02-03", sex="M", postcode="CV2 5LA"
        ),
        person("P2", given_name="Tom", family_name="Wright", dob="2010-02-03", sex="M", postcode="CV2 5LA"),
    ]
    ids = _linked(engine, tmp_path, rows)
    assert ids[("police", "P1")] == ids[("police", "P2")]
    with session_scope(engine) as session:
        methods = set(session.scalars(select(PersonLink.method)))
    assert "splink" in methods


@pytest.mark.parametrize(
    ("field", "first", "second"),
    [("nhs_number", "2945183218", "4857773457"), ("upn", "K753252990791", "V201400104567")],
)
def test_one_agencys_records_with_different_valid_identifiers_are_never_merged(
    engine: Engine, tmp_path: Path, field: str, first: str, second: str
) -> None:
    """Same name, date of birth and address, but two valid NHS numbers (or UPNs): two people,
    offered for review (one number may be mistyped), never merged by a rule or the model."""
    agency = "health" if field == "nhs_number" else "education"
    rows = [person(f"R{i}", agency=agency, **{field: value}) for i, value in ((1, first), (2, second))]
    ids = _linked(engine, tmp_path, rows)
    assert ids[(agency, "R1")] != ids[(agency, "R2")]
    assert len(_review_pairs(engine)) == 1


def test_twins_in_one_agency_stay_apart_and_are_not_queued(engine: Engine, tmp_path: Path) -> None:
    """Same surname, date of birth and address, different given names: twins, as across agencies."""
    rows = [
        person("E1", agency="education", given_name="Olivia", family_name="Hart", dob="2014-06-09"),
        person("E2", agency="education", given_name="Amelia", family_name="Hart", dob="2014-06-09"),
    ]
    ids = _linked(engine, tmp_path, rows)
    assert ids[("education", "E1")] != ids[("education", "E2")]
    assert _review_pairs(engine) == []


def test_a_queued_pair_from_one_agency_says_so_in_the_list_and_on_its_page(
    store_settings: Settings, tmp_path: Path
) -> None:
    """Queued before health declared its ids unique: the page then says what health declared."""
    engine = make_engine(store_settings)
    rows = [person(f"H{i}", agency="health", nhs_number=n) for i, n in ((1, "2945183218"), (2, "4857773457"))]
    _linked(engine, tmp_path, rows)
    engine.dispose()
    for declared, words in (
        ([], "One agency can hold the same person twice"),
        (["health"], "Health has told"),
    ):
        settings = store_settings.model_copy(update={"unique_id_agencies": declared})
        with TestClient(create_app(settings)) as client:
            sign_in(client, role="mash_analyst")
            listing = client.get("/identity/review")
            assert "both records come from Health" in unescape(listing.text)
            review_id = re.findall(r"/identity/review/(\d+)", listing.text)[0]
            page = unescape(client.get(f"/identity/review/{review_id}").text)
        assert "Both records come from Health (H1 and H2)" in page
        assert words in page


def test_a_model_link_a_declaration_refuses_is_reported_with_its_reason(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [
        person(
            "P1", given_name="Thomas", family_name="Wright", dob="2010-02-03", sex="M", postcode="CV2 5LA"
        ),
        person("P2", given_name="Tom", family_name="Wright", dob="2010-02-03", sex="M", postcode="CV2 5LA"),
    ]
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "rows.jsonl", rows))
    with session_scope(engine) as session:
        summary = link_people(session, unique_id_agencies={"police"})
    ids = _ids(engine, [("police", "P1"), ("police", "P2")])
    assert ids[("police", "P1")] != ids[("police", "P2")]
    assert _review_pairs(engine) == [], "the agency has decided: nothing to queue"
    kept = [c for c in summary.conflicts if c.startswith("police P1 and police P2: match probability")]
    assert len(kept) == 1
    assert kept[0].endswith("but both are records of police, which declares its ids unique: kept apart")


Fields = dict[str, str | None]
KAY: Fields = {"given_name": "Kayleigh", "family_name": "Morgan", "dob": "2014-06-09", "postcode": "CV2 5LA"}
PAIR_SHAPES: list[tuple[str, Fields, Fields]] = [
    ("typo in the family name", KAY, KAY | {"family_name": "Morgon"}),
    ("nickname", KAY, KAY | {"given_name": "Kay"}),
    ("moved, day and month swapped", KAY, KAY | {"dob": "2014-09-06", "postcode": "B1 1AA"}),
    ("twins", KAY, KAY | {"given_name": "Amelia"}),
    ("different NHS numbers", KAY | {"nhs_number": "2945183218"}, KAY | {"nhs_number": "4857773457"}),
    ("a parent of the same name", KAY, KAY | {"dob": "1984-06-09"}),
]


def _raw(record_id: int, agency: str, fields: Fields) -> RawPerson:
    return RawPerson(
        record_id=record_id,
        agency=agency,
        source_id=f"S{record_id}",
        given_name=fields["given_name"],
        family_name=fields["family_name"],
        dob=fields["dob"],
        sex="F",
        postcode=fields["postcode"],
        nhs_number=fields.get("nhs_number"),
        upn=None,
        role_hint="child",
    )


def _decided(left: Fields, right: Fields, second_agency: str) -> tuple[int, list[tuple[float, str, str]]]:
    """How many people, and each scored pair's probability, band and review note (if queued)."""
    records = [_raw(1, "education", left), _raw(2, second_agency, right)]
    groups, applied = cluster_population(records, shipped_model())
    assert applied is not None
    scored = [(round(e.pair.probability, 9), e.band, "linked") for e in applied.linked]
    scored += [(round(e.pair.probability, 9), e.band, why) for e, why in applied.review]
    return len(groups), scored


@pytest.mark.parametrize(("shape", "left", "right"), PAIR_SHAPES, ids=[s for s, _, _ in PAIR_SHAPES])
def test_a_pair_from_one_agency_is_decided_as_the_same_pair_from_two(
    shape: str, left: Fields, right: Fields
) -> None:
    """Nothing in blocking, rules, model, vetoes, bands or clustering reads a pair's agencies."""
    assert _decided(left, right, "education") == _decided(left, right, "health"), shape


def test_records_joined_before_the_declaration_stay_joined(engine: Engine, tmp_path: Path) -> None:
    """Links are never rewritten: declaring unique ids later does not split an existing person."""
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "e.jsonl", _duplicates()))
    with session_scope(engine) as session:
        link_people(session)
    police = [person("P1", agency="police", given_name="Kayleigh", family_name="Morgan", dob="2014-06-09")]
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "p.jsonl", police))
    with session_scope(engine) as session:
        link_people(session, unique_id_agencies={"education"})
    ids = _ids(engine, [("education", "E1"), ("education", "E2"), ("education", "E3"), ("police", "P1")])
    assert len(set(ids.values())) == 1
