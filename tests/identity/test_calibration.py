"""Bands learnt per run from the model's match probabilities: auto-links whose expected precision
is at least 0.995, and a review queue no longer than 50 pairs per 10,000 records."""

from __future__ import annotations

import random

from alarmbell.identity.calibration import calibrated_bands, expected_precision
from alarmbell.identity.model import Bands

SHIPPED = Bands(0.95, 0.2)


def test_strong_pairs_keep_the_shipped_upper_band() -> None:
    probabilities = [0.9999] * 200 + [0.96] * 10
    bands = calibrated_bands(probabilities, SHIPPED, records=100_000)
    assert bands.upper == SHIPPED.upper


def test_a_run_of_middling_pairs_raises_the_upper_band_until_auto_links_are_precise() -> None:
    probabilities = [0.9999] * 10 + [0.96] * 10
    bands = calibrated_bands(probabilities, SHIPPED, records=100_000)
    assert 0.96 < bands.upper <= 0.9999
    linked = [p for p in probabilities if p >= bands.upper]
    assert expected_precision(linked) >= 0.995


def test_expected_precision_of_auto_links_holds_on_any_spread_of_probabilities() -> None:
    rng = random.Random(3)
    for _ in range(50):
        probabilities = [rng.betavariate(5, 0.5) for _ in range(rng.randint(1, 400))]
        bands = calibrated_bands(probabilities, SHIPPED, records=10_000)
        linked = [p for p in probabilities if p >= bands.upper]
        assert bands.upper >= SHIPPED.upper
        assert not linked or expected_precision(linked) >= 0.995


def test_the_review_band_is_capped_at_fifty_pairs_per_ten_thousand_records() -> None:
    probabilities = [0.9999] * 50 + [0.21 + i * 0.0035 for i in range(200)]
    bands = calibrated_bands(probabilities, SHIPPED, records=2_000)
    queued = [p for p in probabilities if bands.lower <= p < bands.upper]
    assert len(queued) == 10
    assert bands.lower > SHIPPED.lower
    assert min(queued) > max(p for p in probabilities if p < bands.lower)


def test_a_small_case_still_gets_a_few_pairs_reviewed() -> None:
    probabilities = [0.9999, 0.5, 0.4, 0.3]
    bands = calibrated_bands(probabilities, SHIPPED, records=12)
    assert bands.lower == SHIPPED.lower


def test_the_bands_say_how_they_were_chosen() -> None:
    bands = calibrated_bands([0.9999, 0.5], SHIPPED, records=10)
    assert "0.995" in bands.chosen_by and "per 10,000" in bands.chosen_by
