"""Every rate, noise rate and trajectory is documented in docs/synthetic.md with its value."""

from __future__ import annotations

from pathlib import Path

from alarmbell.synth.harm import TRAJECTORIES
from alarmbell.synth.noise import NOISE
from alarmbell.synth.rates import RATES

DOC = Path(__file__).resolve().parents[2] / "docs" / "synthetic.md"


def test_every_rate_is_documented_with_value_and_source() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, r in RATES.items():
        assert f"`{name}`" in text, name
        assert r.source
    for agency in NOISE:
        assert f"`{agency}`" in text
    for trajectory in TRAJECTORIES:
        assert f"`{trajectory}`" in text
