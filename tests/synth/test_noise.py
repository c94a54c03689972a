"""Identity noise: agencies disagree with the truth, at about the documented rates."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson

from alarmbell.synth.names import FOLDED, NICKNAMES, fold_diacritics
from alarmbell.synth.noise import NOISE, typo
from tests.synth.conftest import Population


def _pairs(pop: Population, agency: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(truth, record) for every person record of one agency."""
    records = {}
    for line in (pop.out_dir / f"{agency}.jsonl").read_bytes().splitlines():
        rec = orjson.loads(line)
        if rec["type"] == "person":
            records[rec["source_id"]] = rec
    pairs = []
    for line in (pop.out_dir / "truth.jsonl").read_bytes().splitlines():
        truth = orjson.loads(line)
        for a, sid in truth.get("records", []):
            if a == agency:
                pairs.append((truth, records[sid]))
    return pairs


def test_fold_diacritics_handles_letters_nfkd_leaves() -> None:
    assert fold_diacritics("Łukasz Wiśniewska") == "Lukasz Wisniewska"
    assert fold_diacritics("Yılmaz Öztürk") == "Yilmaz Ozturk"
    assert fold_diacritics("Siobhán Ó Briain") == "Siobhan O Briain"
    assert FOLDED["Gonçalves"] == "Goncalves"


def test_typo_changes_the_name_but_keeps_first_letter() -> None:
    import random

    rng = random.Random(1)
    for name in ("Whitfield", "Kowalczyk", "Brennan"):
        changed = typo(rng, name)
        assert changed != name or len(set(name)) < len(name)
        assert changed[0] == name[0]


def _mismatch(pop: Population, agency: str) -> float:
    pairs = _pairs(pop, agency)
    return sum(1 for t, r in pairs if r["family_name"] != t["family_name"]) / len(pairs)


def test_police_names_differ_more_than_health(
    calibration_population: Population, small_population: Population
) -> None:
    police = _mismatch(calibration_population, "police")
    health = _mismatch(small_population, "health")
    assert 0.05 < police < 0.3
    assert health < police


def test_each_kind_of_noise_occurs(calibration_population: Population) -> None:
    pairs = _pairs(calibration_population, "police") + _pairs(calibration_population, "children_social_care")
    folded = nick = transposed = missing_dob = 0
    for truth, rec in pairs:
        folded += rec["given_name"] == FOLDED.get(truth["given_name"])
        nick += rec["given_name"] in NICKNAMES.get(truth["given_name"], ())
        dob = rec.get("dob")
        missing_dob += dob is None
        if dob and dob != truth["dob"]:
            d = date.fromisoformat(truth["dob"])
            transposed += dob == f"{d.year:04d}-{d.day:02d}-{d.month:02d}"
    assert folded and nick and transposed and missing_dob


def test_noise_rates_are_probabilities() -> None:
    for rates in NOISE.values():
        for name in rates.__slots__:
            assert 0.0 <= getattr(rates, name) <= 1.0
