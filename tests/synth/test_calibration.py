"""Measured rates on a seeded population against the documented targets (within 10%)."""

from __future__ import annotations

import orjson
import pytest

from alarmbell.synth.calibration import Measured, measure
from alarmbell.synth.harm import TRAJECTORIES
from alarmbell.synth.rates import RATES
from tests.synth.conftest import START_YEAR, Population
from tests.synth.test_signals import SIGNALS

TARGETS = ("referral", "cp_plan_stock", "ed_0_4", "persistent_absence")


@pytest.fixture(scope="module")
def measured(calibration_population: Population) -> dict[str, Measured]:
    return measure(calibration_population.out_dir, start_year=START_YEAR, years=1)


@pytest.mark.slow
@pytest.mark.parametrize("name", TARGETS)
def test_rate_within_ten_percent(measured: dict[str, Measured], name: str) -> None:
    assert 0.9 <= measured[name].ratio <= 1.1, measured[name]


def test_every_target_rate_is_tested() -> None:
    targets = {name for name, r in RATES.items() if r.target}
    signals = {r for s in SIGNALS.values() for r in s.rates}
    assert targets == {*TARGETS, "harm_share", *signals}


@pytest.mark.slow
def test_harm_trajectories_within_share(calibration_population: Population) -> None:
    harms = [
        orjson.loads(line)
        for line in (calibration_population.out_dir / "truth.jsonl").read_bytes().splitlines()
        if line.startswith(b'{"type":"harm"')
    ]
    share = len(harms) / calibration_population.summary.children
    assert 0.003 <= share <= 0.005
    assert {h["trajectory"] for h in harms} == set(TRAJECTORIES)
    silent = sum(h["silent"] for h in harms) / len(harms)
    assert 0.05 <= silent <= 0.15
    assert len(harms) == calibration_population.summary.harm_trajectories
