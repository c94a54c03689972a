"""Bands learnt for each run from the model's own match probabilities.

A fixed threshold is badly calibrated on data unlike the data it was chosen on (issue 16): on
noisy records many pairs sit just above it, and the links made there are wrong far more often
than the threshold suggests. So each run chooses its bands from the probabilities of the pairs
it is about to decide:

- **upper**: the expected number of wrong automatic links is the sum of (1 - p) over the pairs
  linked, so the expected precision is their mean probability. The band is the lowest cut whose
  pairs, taken strongest first, keep that mean at or above `TARGET_PRECISION` (0.995). It is never
  below the shipped upper band, which was chosen on labelled data: calibration only tightens.
- **lower**: the pairs under the upper band go to review strongest first, up to
  `REVIEW_PER_10K` (50) pairs per 10,000 records in the run (at least `REVIEW_MIN` in a run of
  under `SMALL_RUN` records, so a small case still gets its doubtful pairs looked at), and never
  below the shipped lower band. A queue longer than that is a burden no records officer carries
  in practice.

Pure Python, no Splink: `probabilistic.apply_edges` calls it (through `calibrate`) once the
rules have run, on the pairs the model itself decides (pairs already one person do not vouch
for the model), so the linker, the benchmarks and the review queue see the same bands.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from alarmbell.identity.model import Bands

TARGET_PRECISION = 0.995
REVIEW_PER_10K = 50
REVIEW_MIN = 10
#: From this many records a run is no longer one case: the review rate holds without a floor.
SMALL_RUN = 1000


def review_budget(records: int) -> int:
    """How many pairs a run may queue for review: 50 per 10,000 records.

    A case-sized run (under `SMALL_RUN` records: one family, a replay of a referral) may queue
    REVIEW_MIN pairs even if that is more than its share; a larger run keeps to the rate, which
    is the burden the records officer was promised (issue 16), however the run is sized.
    """
    share = math.ceil(records * REVIEW_PER_10K / 10_000)
    return share if records >= SMALL_RUN else max(REVIEW_MIN, share)


def calibrated_bands(
    probabilities: Iterable[float],
    shipped: Bands,
    *,
    records: int,
    target: float = TARGET_PRECISION,
) -> Bands:
    """The run's bands for pairs with these probabilities (those no veto keeps apart)."""
    ranked = sorted(probabilities, reverse=True)
    upper = shipped.upper
    total = 0.0
    for count, p in enumerate(ranked, start=1):
        total += p
        if p < shipped.upper:
            break
        if total / count < target:
            # Linking this pair would bring the expected precision under the target: the band
            # starts just above it, so it and every weaker pair go to review.
            upper = math.nextafter(p, 1.0)
            break
    below = [p for p in ranked if p < upper]
    budget = review_budget(records)
    lower = shipped.lower
    if len(below) > budget:
        # At the budget-th pair (ties included; `apply_edges` trims the queue itself).
        lower = max(lower, below[budget - 1])
    chosen_by = (
        f"learnt for this run: upper {upper:.6g} keeps the expected precision of automatic links "
        f">= {target} (mean match probability, never below the shipped {shipped.upper}); lower "
        f"{lower:.6g} keeps the review queue within {REVIEW_PER_10K} pairs per 10,000 records "
        f"(at least {REVIEW_MIN} in a run under {SMALL_RUN}; never below the shipped {shipped.lower})"
    )
    return Bands(upper, lower, chosen_by)
