"""Seeded synthetic populations shared by the synth tests (generated once per session)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from alarmbell.synth import SynthSummary, generate

START_YEAR = 2019


@dataclass(frozen=True)
class Population:
    summary: SynthSummary
    out_dir: Path
    years: int


@pytest.fixture(scope="session")
def small_population(tmp_path_factory: pytest.TempPathFactory) -> Population:
    """A few hundred households over two years: enough of every record shape to validate."""
    out = tmp_path_factory.mktemp("synth_small")
    summary = generate(children=1500, years=2, seed=11, out_dir=out, start_year=START_YEAR)
    return Population(summary, out, 2)


@pytest.fixture(scope="session")
def calibration_population(tmp_path_factory: pytest.TempPathFactory) -> Population:
    """100,000 children for one year (about 10 s on 2 cores).

    Calibration needs this size: at 5,000 children only about 21 are on a protection plan, so
    sampling noise alone (with household clustering) is wider than the 10% tolerance.
    """
    out = tmp_path_factory.mktemp("synth_calibration")
    summary = generate(children=100_000, years=1, seed=2019, out_dir=out, start_year=START_YEAR)
    return Population(summary, out, 1)
