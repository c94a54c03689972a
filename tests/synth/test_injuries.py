"""Accidental injuries follow the community studies: where mobile children bruise, how rarely babies do."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import orjson

from alarmbell.synth.households import Person
from alarmbell.synth.injuries import (
    BONY_PROMINENCES,
    EARLY_MOBILE,
    KINDS,
    PRE_MOBILE,
    SCHOOL_AGE,
    WALKING,
    accidental_injury,
    mobile_from,
    stage,
)
from tests.synth.conftest import Population

DAY = date(2020, 6, 1).toordinal()


def _child(age_days: int, slot: int = 6) -> Person:
    return Person(slot, "child", "F", "Amy", "Hill", DAY - age_days, DAY - age_days)


def _injuries(age_days: int, n: int = 20_000) -> list[dict[str, object]]:
    rng = random.Random("injuries")
    out = []
    for i in range(n):
        attrs = accidental_injury(rng, _child(age_days, slot=6 + i % 7), DAY)
        if attrs is not None:
            out.append(attrs)
    return out


def test_walking_childrens_bruises_are_mostly_on_shins_knees_forehead_and_elbows() -> None:
    bruises = [a for a in _injuries(2 * 365) if a["injury"] == "bruise"]
    on_bony = sum(a["site"] in BONY_PROMINENCES for a in bruises) / len(bruises)
    assert len(bruises) > 500
    assert 0.70 <= on_bony <= 0.82, on_bony
    assert all(a["mobile"] for a in bruises)


def test_babies_who_are_not_yet_mobile_rarely_bruise() -> None:
    """Pierce et al. 2016: 1.3% of infants of 5 months or younger in emergency departments bruised."""
    attendances = 20_000
    baby = _injuries(60, attendances)
    bruises = sum(a["injury"] == "bruise" for a in baby)
    assert 0.008 <= bruises / attendances <= 0.018
    walker = sum(a["injury"] == "bruise" for a in _injuries(2 * 365, attendances))
    assert walker > 3 * bruises
    assert not any(a["mobile"] for a in baby)


def test_school_age_fractures_are_mostly_forearm_wrist_and_hand() -> None:
    fractures = [a["site"] for a in _injuries(10 * 365) if a["injury"] == "fracture"]
    words = ("wrist", "forearm", "radius", "finger", "hand")
    arm = sum(any(w in str(s).lower() for w in words) for s in fractures)
    assert arm / len(fractures) >= 0.5


def test_toddlers_break_the_tibia() -> None:
    fractures = Counter(str(a["site"]) for a in _injuries(2 * 365) if a["injury"] == "fracture")
    assert sum(n for s, n in fractures.items() if "tibia" in s) / sum(fractures.values()) >= 0.15


def test_mobility_starts_between_six_and_eleven_months_and_stages_follow() -> None:
    onsets = {mobile_from(_child(0, slot)) for slot in range(6, 400)}
    assert min(onsets) >= 180 and max(onsets) <= 330 and len(onsets) > 50
    child = _child(0)
    onset = mobile_from(child)
    assert stage(child, DAY + onset - 1) == PRE_MOBILE
    assert stage(child, DAY + onset) == EARLY_MOBILE
    assert stage(child, DAY + onset + 150) == WALKING
    assert stage(child, DAY + 6 * 365) == SCHOOL_AGE


def test_weights_sum_to_one() -> None:
    for weighted in KINDS.values():
        assert abs(sum(w for _, w in weighted) - 1) < 1e-9


def test_written_background_bruises_follow_the_distribution(small_population: Population) -> None:
    """Through the generator: bruises on mobile children (harmed children left out) in health.jsonl."""
    lines = (small_population.out_dir / "truth.jsonl").read_bytes().splitlines()
    truth = [orjson.loads(line) for line in lines]
    harmed = {h["child"] for h in truth if h["type"] == "harm"}
    harmed_records = {
        sid for t in truth if t["type"] == "truth_person" and t["person"] in harmed for a, sid in t["records"]
    }
    sites: Counter[str] = Counter()
    for line in (small_population.out_dir / "health.jsonl").read_bytes().splitlines():
        rec = orjson.loads(line)
        attrs = rec.get("attrs") or {}
        if rec.get("kind") == "ed_attendance" and attrs.get("injury") == "bruise" and attrs.get("mobile"):
            if not set(rec["subjects"]) & harmed_records:
                sites[attrs["site"]] += 1
    total = sum(sites.values())
    assert total >= 30
    assert sum(n for s, n in sites.items() if s in BONY_PROMINENCES) / total >= 0.6


def test_accidental_fractures_always_carry_an_account_of_how_they_happened() -> None:
    """Rosado et al. 2017: carers explained every non-abusive fracture; other bumps are sometimes
    found later with no account (about 5%, an assumption)."""
    injuries = _injuries(2 * 365, 40_000) + _injuries(10 * 365, 40_000)
    fractures = [a for a in injuries if a["injury"] == "fracture"]
    others = [a for a in injuries if a["injury"] != "fracture"]
    assert len(fractures) > 1000
    assert all(a["explanation"] == "consistent" for a in fractures)
    assert all(a["explanation_given"] != "not sure how it happened" for a in fractures)
    unexplained = sum(a["explanation"] == "none" for a in others) / len(others)
    assert 0.03 <= unexplained <= 0.07, unexplained
