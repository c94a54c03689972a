"""docs/synthetic.md states the values the generator uses: every rate, adversity multiplier,
noise rate and trajectory weight in its tables equals the constant in alarmbell.synth."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from alarmbell.synth.harm import TRAJECTORIES
from alarmbell.synth.noise import NOISE, NoiseRates
from alarmbell.synth.rates import (
    ADVERSITY_MULTIPLIERS,
    ADVERSITY_SHARES,
    NOISE_SOURCES,
    RATES,
    normalised_multipliers,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "synthetic.md"
DAYS_PER = {"months": 365.25 / 12, "years": 365.25}

Table = dict[str, list[str]]


def markdown_table(text: str, first_header: str) -> tuple[list[str], Table]:
    """The table whose first header cell is `first_header`: its header, and each row's cells
    by the row's first cell (backticks removed)."""
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line.startswith("|")]
        rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]
        if rows and rows[0][0] == first_header:
            body = {r[0].strip("`"): r[1:] for r in rows[2:]}
            return [cell.strip("`") for cell in rows[0][1:]], body
    raise AssertionError(f"docs/synthetic.md has no table headed {first_header!r}")


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


def test_the_rates_table_gives_each_rate_its_value_unit_and_source(text: str) -> None:
    header, rows = markdown_table(text, "rate")
    assert header == ["value", "unit", "tested", "source"]
    assert sorted(rows) == sorted(RATES), "the table and rates.py list different rates"
    for name, rate in RATES.items():
        value, unit, tested, source = rows[name]
        assert float(value) == rate.value, f"{name}: documented {value}, rates.py has {rate.value}"
        assert (unit, source) == (rate.unit, rate.source), name
        assert tested.startswith("yes") == rate.target, f"{name}: tested is {tested!r}"


def test_the_adversity_table_gives_the_shares_and_the_multipliers_used(text: str) -> None:
    header, rows = markdown_table(text, "process family")
    shares = [float(h.split("(")[1].rstrip("%)")) / 100 for h in header]
    assert shares == list(ADVERSITY_SHARES)
    assert sorted(rows) == sorted(ADVERSITY_MULTIPLIERS)
    for name, cells in rows.items():
        used = [round(m, 2) for m in normalised_multipliers(name)]
        assert [float(c) for c in cells] == used, f"{name}: documented {cells}, generator uses {used}"


def test_the_noise_table_gives_every_agency_s_rates(text: str) -> None:
    header, rows = markdown_table(text, "noise")
    assert header == list(NOISE)
    assert list(rows) == [f.name for f in dataclasses.fields(NoiseRates)]
    for name, cells in rows.items():
        used = [getattr(NOISE[agency], name) for agency in header]
        assert [float(c) for c in cells] == used, f"{name}: documented {cells}, noise.py has {used}"


def test_every_noise_rate_has_its_documented_source(text: str) -> None:
    header, rows = markdown_table(text, "noise source")
    assert header == ["where the rate comes from"]
    assert list(rows) == [f.name for f in dataclasses.fields(NoiseRates)], "a noise rate has no source row"
    for name, (source,) in rows.items():
        assert source == NOISE_SOURCES[name], (
            f"{name}: documented {source!r}, rates.py has {NOISE_SOURCES[name]!r}"
        )


def test_the_trajectory_table_gives_each_weight_and_age_range(text: str) -> None:
    header, rows = markdown_table(text, "trajectory")
    assert header[:2] == ["weight", "child's age at harm"]
    assert sorted(rows) == sorted(TRAJECTORIES)
    for name, trajectory in TRAJECTORIES.items():
        weight, ages = rows[name][:2]
        assert float(weight) == trajectory.weight, f"{name}: documented weight {weight}"
        span, unit = ages.split()
        used = (trajectory.min_age_days / DAYS_PER[unit], trajectory.max_age_days / DAYS_PER[unit])
        for documented, actual in zip(span.split("-"), used, strict=True):
            close = abs(float(documented) - actual) <= 0.05 * max(float(documented), 1)
            assert close, f"{name}: documented ages {ages}, harm.py has {used[0]:.2f}-{used[1]:.2f} {unit}"
