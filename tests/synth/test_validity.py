"""Every line is valid exchange format v1 and refers only to records already written."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from alarmbell.domain.identifiers import nhs_number_is_valid, upn_is_valid
from alarmbell.domain.vocabulary import AGENCIES, EVENT_KINDS, RELATIONSHIP_KINDS
from alarmbell.synth.ids import SYNTH_AGENCIES
from tests.synth.conftest import Population


def _records(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_files_are_written(small_population: Population) -> None:
    names = {p.name for p in small_population.out_dir.glob("*.jsonl")}
    assert names == {f"{a}.jsonl" for a in SYNTH_AGENCIES} | {"truth.jsonl"}
    assert set(small_population.summary.paths) == {*SYNTH_AGENCIES, "truth"}


def test_ingest_validator_accepts_every_line(small_population: Population) -> None:
    jsonl = pytest.importorskip("alarmbell.ingest.jsonl")
    base = pytest.importorskip("alarmbell.ingest.base")
    for agency in SYNTH_AGENCIES:
        with (small_population.out_dir / f"{agency}.jsonl").open("rb") as handle:
            parsed = list(jsonl.read_lines(handle, agency=agency))
        rejected = [p for p in parsed if isinstance(p, base.RejectedLine)]
        assert not rejected, rejected[:3]


def _check_person(rec: dict[str, Any]) -> None:
    assert (rec.get("given_name") and rec.get("family_name")) or rec.get("nhs_number")
    if "dob" in rec:  # YYYY-MM-DD, or YYYY-MM or YYYY when only that is known (exchange format)
        dob = rec["dob"]
        assert len(dob) in (4, 7, 10), dob
        date.fromisoformat(dob if len(dob) == 10 else f"{dob}-01-01"[:10] if len(dob) == 4 else f"{dob}-01")
    assert rec.get("sex") in {"M", "F", "X", "U"}
    assert rec.get("role_hint") in {"child", "adult"}


def _check_event(rec: dict[str, Any], persons: set[str]) -> None:
    assert rec["kind"] in EVENT_KINDS
    occurred = date.fromisoformat(rec["occurred_at"])
    assert date.fromisoformat(rec.get("recorded_at", rec["occurred_at"])) >= occurred
    assert rec["subjects"] and set(rec["subjects"]) <= persons
    assert set(rec.get("others", [])) <= persons
    attrs = rec.get("attrs", {})
    for key in ("victim", "perpetrator"):
        if key in attrs:
            assert attrs[key] in persons


@pytest.mark.parametrize("agency", SYNTH_AGENCIES)
def test_records_follow_the_format_and_refer_backwards(small_population: Population, agency: str) -> None:
    persons: set[str] = set()
    ids: Counter[tuple[str, str]] = Counter()
    for rec in _records(small_population.out_dir / f"{agency}.jsonl"):
        assert rec["agency"] == agency and rec["agency"] in AGENCIES
        ids[(rec["type"], rec["source_id"])] += 1
        if rec["type"] == "person":
            _check_person(rec)
            persons.add(rec["source_id"])
        elif rec["type"] == "relationship":
            assert rec["kind"] in RELATIONSHIP_KINDS
            assert rec["from"] in persons and rec["to"] in persons and rec["from"] != rec["to"]
        else:
            assert rec["type"] == "event"
            _check_event(rec, persons)
    assert ids and max(ids.values()) == 1


def test_identifiers_are_well_formed(small_population: Population) -> None:
    health = [r for r in _records(small_population.out_dir / "health.jsonl") if r["type"] == "person"]
    numbers = [r["nhs_number"] for r in health if "nhs_number" in r]
    assert len(numbers) > 0.9 * len(health)
    valid = sum(map(nhs_number_is_valid, numbers))
    assert 0.99 * len(numbers) <= valid < len(numbers) or valid == len(numbers)
    education = _records(small_population.out_dir / "education.jsonl")
    pupils = [r for r in education if r["type"] == "person" and r["role_hint"] == "child"]
    upns = [r["upn"] for r in pupils if "upn" in r]
    assert len(upns) > 0.9 * len(pupils) and all(map(upn_is_valid, upns))
    assert not any("upn" in r for r in education if r.get("role_hint") == "adult")


def test_truth_covers_every_person_record_once(small_population: Population) -> None:
    truth = _records(small_population.out_dir / "truth.jsonl")
    linked = Counter(
        (agency, sid) for t in truth if t["type"] == "truth_person" for agency, sid in t["records"]
    )
    written: Counter[tuple[str, str]] = Counter()
    for agency in SYNTH_AGENCIES:
        for rec in _records(small_population.out_dir / f"{agency}.jsonl"):
            if rec["type"] == "person":
                written[(agency, rec["source_id"])] += 1
    assert linked == written
    assert {t["role"] for t in truth if t["type"] == "truth_person"} == {"child", "adult"}
    children = sum(1 for t in truth if t["type"] == "truth_person" and t["role"] == "child")
    assert children == small_population.summary.children


def test_summary_counts_match_files(small_population: Population) -> None:
    summary = small_population.summary
    for agency in SYNTH_AGENCIES:
        kinds = Counter(r["type"] for r in _records(small_population.out_dir / f"{agency}.jsonl"))
        assert kinds["person"] == summary.records[agency]
        assert kinds["event"] == summary.events[agency]
        assert kinds["relationship"] == summary.relationships[agency]


def test_households_change_over_time(small_population: Population) -> None:
    csc_and_health = [
        r
        for agency in ("health", "education", "children_social_care")
        for r in _records(small_population.out_dir / f"{agency}.jsonl")
    ]
    kinds = Counter(r["kind"] for r in csc_and_health if r["type"] == "relationship")
    assert kinds["mother_partner"] > 0 and kinds["mother"] > 0 and kinds["sibling"] > 0
    events = Counter(r["kind"] for r in csc_and_health if r["type"] == "event")
    assert events["maternity"] > 0 and events["registration_change"] > 0
