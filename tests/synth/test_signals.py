"""The background's exploitation, missing-education and nutrition records (synth/signals.py).

Measured on a generated population against rates.py: each kind of record at about its rate over
the children of the ages it applies to, and none carrying a family characteristic the fairness
rules keep from every indicator.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from alarmbell.policy.loader import FORBIDDEN_ATTR_WORDS
from alarmbell.synth import generate
from alarmbell.synth.ids import SYNTH_AGENCIES
from alarmbell.synth.signals import YEARS, per_child_year
from tests.synth.conftest import START_YEAR

YEARS_RUN = 3
START, END = date(START_YEAR, 1, 1).toordinal(), date(START_YEAR + YEARS_RUN, 1, 1).toordinal()

Event = dict[str, Any]


def _attr(name: str, value: Any) -> Callable[[Event], bool]:
    return lambda e: (e.get("attrs") or {}).get(name) == value


def _diagnosis(start: str) -> Callable[[Event], bool]:
    return lambda e: str((e.get("attrs") or {}).get("diagnosis", "")).startswith(start)


@dataclass(frozen=True)
class Signal:
    """One rate: the records that count towards it, and the ages (years) it applies to."""

    rates: tuple[str, ...]
    kinds: tuple[str, ...]
    test: Callable[[Event], bool]
    ages: tuple[int, int]


SIGNALS: dict[str, Signal] = {
    "drugs found": Signal(
        ("youth_drug_possession", "youth_drug_supply"),
        ("arrest", "crime_report"),
        _attr("drugs_found", True),
        (10, 18),
    ),
    "weapon": Signal(
        ("youth_weapon_possession",), ("arrest", "crime_report"), _attr("weapon_found", True), (10, 18)
    ),
    "missing education": Signal(("cme",), ("child_missing_education",), lambda _: True, (5, 16)),
    "home education": Signal(("ehe_start",), ("home_education",), lambda _: True, (5, 16)),
    "secondary suspension": Signal(
        ("suspension_secondary",), ("behaviour_concern",), _attr("exclusion", "suspension"), (11, 16)
    ),
    "primary suspension": Signal(
        ("suspension_primary",), ("behaviour_concern",), _attr("exclusion", "suspension"), (5, 11)
    ),
    "CSE concern": Signal(
        ("school_cse_concern",), ("school_concern",), _attr("category", "sexual_exploitation"), (11, 18)
    ),
    "CCE concern": Signal(
        ("school_cce_concern",), ("school_concern",), _attr("category", "criminal_exploitation"), (11, 18)
    ),
    "iron-deficiency anaemia": Signal(
        ("iron_deficiency_anaemia_1_4",), ("gp_consultation",), _diagnosis("iron deficiency"), (1, 5)
    ),
    "vitamin D deficiency": Signal(
        ("vitamin_d_deficiency",), ("gp_consultation",), _diagnosis("vitamin D"), (0, 17)
    ),
    "return home from care": Signal(("return_home_from_care",), ("looked_after",), lambda _: True, (0, 18)),
    "left home alone": Signal(
        ("left_home_alone_report",),
        ("child_welfare_concern", "neighbour_report"),
        lambda e: "home alone" in " ".join(str(v) for v in (e.get("attrs") or {}).values()),
        (0, 16),
    ),
}


@dataclass(frozen=True)
class Counted:
    observed: int
    expected: float


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """6,000 children over three years (a few seconds)."""
    out = tmp_path_factory.mktemp("synth_signals")
    generate(children=6000, years=YEARS_RUN, seed=404, out_dir=out, start_year=START_YEAR, workers=1)
    return out


def _lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def _children(out: Path) -> tuple[dict[tuple[str, str], int], list[int]]:
    """Each child's records -> the child's date of birth (ordinal), and every child's birth date."""
    owner: dict[tuple[str, str], int] = {}
    dobs: list[int] = []
    for rec in _lines(out / "truth.jsonl"):
        if rec["type"] == "truth_person" and rec["role"] == "child":
            dob = date.fromisoformat(rec["dob"]).toordinal()
            dobs.append(dob)
            owner.update({(a, s): dob for a, s in rec["records"]})
    return owner, dobs


def _years_exposed(dobs: list[int], ages: tuple[int, int]) -> float:
    lo, hi = (YEARS.get(a, round(a * 365.25)) for a in ages)
    return sum(max(0, min(END, d + hi) - max(START, d + lo)) for d in dobs) / 365.25


@pytest.fixture(scope="module")
def counted(population: Path) -> dict[str, Counted]:
    owner, dobs = _children(population)
    observed: Counter[str] = Counter()
    for agency in SYNTH_AGENCIES:
        for event in _lines(population / f"{agency}.jsonl"):
            if event["type"] != "event":
                continue
            dob = owner.get((agency, event["subjects"][0]))
            for name, signal in SIGNALS.items():
                if dob is not None and event["kind"] in signal.kinds and signal.test(event):
                    lo, hi = (YEARS.get(a, round(a * 365.25)) for a in signal.ages)
                    day = date.fromisoformat(event["occurred_at"][:10]).toordinal()
                    observed[name] += lo <= day - dob < hi
    return {
        name: Counted(observed[name], sum(per_child_year(r) for r in s.rates) * _years_exposed(dobs, s.ages))
        for name, s in SIGNALS.items()
    }


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_each_signal_is_written_at_about_its_rate(counted: dict[str, Counted], name: str) -> None:
    """Within 20%, or four Poisson standard deviations where the count is small."""
    c = counted[name]
    assert c.expected >= 5, f"{name}: too few expected ({c.expected:.1f}) to test"
    allowed = max(0.2 * c.expected, 4 * math.sqrt(c.expected))
    assert abs(c.observed - c.expected) <= allowed, f"{name}: {c.observed} written, {c.expected:.1f} expected"


def test_the_records_say_what_agencies_write(population: Path) -> None:
    """Benign records look benign: cannabis for personal use carries no supply offence, and a
    diagnosis names its cause, as the clinician writes it."""
    police = [e for e in _lines(population / "police.jsonl") if e["type"] == "event"]
    cannabis = [e for e in police if "(cannabis)" in (e.get("attrs") or {}).get("offence", "")]
    assert cannabis and all(e["attrs"]["drugs_found"] is True for e in cannabis)
    personal = [e for e in cannabis if "supply" not in e["attrs"]["offence"]]
    assert len(personal) > len(cannabis) // 2
    health = [e for e in _lines(population / "health.jsonl") if e["type"] == "event"]
    anaemia = [e for e in health if _diagnosis("iron deficiency anaemia (")(e)]
    assert anaemia and all(e["attrs"]["diagnosis"].endswith(")") for e in anaemia)


def test_no_signal_record_carries_a_forbidden_family_characteristic(population: Path) -> None:
    """No ethnicity, religion, nationality, language, disability or income on any event
    (the policy loader's list): a generator that wrote one would invite an indicator to read it."""
    for agency in SYNTH_AGENCIES:
        for event in _lines(population / f"{agency}.jsonl"):
            if event["type"] != "event":
                continue
            for key in event.get("attrs") or {}:
                bad = [w for w in FORBIDDEN_ATTR_WORDS if w in key.lower()]
                assert not bad, f"{agency} {event['kind']} has attr {key!r}"
