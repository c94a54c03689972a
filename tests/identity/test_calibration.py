"""Bands learnt per run from the model's match probabilities: auto-links whose expected precision
is at least 0.995, and a review queue no longer than 50 pairs per 10,000 records."""

from __future__ import annotations

import random

from alarmbell.identity.calibration import calibrated_bands, review_budget
from alarmbell.identity.model import Bands

SHIPPED = Bands(0.95, 0.2)


def expected_precision(probabilities: list[float]) -> float:
    """Mean match probability: the precision expected of linking all of these pairs."""
    return sum(probabilities) / len(probabilities) if probabilities else 1.0


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


def test_pairs_the_rules_already_joined_do_not_vouch_for_the_models_links() -> None:
    """Twenty exact duplicates (joined by the name-and-date rule, scored ~1 by the model) must not
    lift the expected precision of the model's own link, a pair at 0.9885: alone it is under
    0.995, so it goes to review."""
    from alarmbell.identity.features import RawPerson
    from alarmbell.identity.linker import cluster_population
    from alarmbell.identity.probabilistic import shipped_model

    names = ["Ann", "Beth", "Cara", "Dawn", "Edna", "Faye", "Gail", "Hope", "Iris", "Jade"]
    names += ["Kate", "Lily", "Mary", "Nina", "Olga", "Pam", "Rosa", "Sara", "Tina", "Vera"]

    def raw(
        record_id: int, given: str | None, family: str | None, dob: str, postcode: str | None
    ) -> RawPerson:
        return RawPerson(
            record_id, "health", f"H{record_id}", given, family, dob, "F", postcode, None, None, None
        )

    records = []
    for i, name in enumerate(names):
        dob = f"{1950 + i}-0{1 + i % 9}-1{i % 9}"
        postcode = f"CV{i + 1} 5LA"
        records += [
            raw(2 * i + 1, name, "Hollis", dob, postcode),
            raw(2 * i + 2, name, "Hollis", dob, postcode),
        ]
    records += [
        raw(100, "Danielle", "Macalintal", "1983-12-24", None),
        raw(101, "Danielle", None, "1983-12-24", None),
    ]
    groups, applied = cluster_population(records, shipped_model())
    assert applied is not None
    assert sum(1 for g in groups.values() if len(g) == 2) == len(names)
    assert not any(e.key == (100, 101) for e in applied.linked)
    queued = [e for e, _ in applied.review if e.key == (100, 101)]
    assert queued and 0.95 < queued[0].pair.probability < 0.995


def test_the_whole_queue_fits_the_budget() -> None:
    """Sixty look-alike pairs (same family name and date of birth, one given name missing) each
    score about 0.96: under 0.995, so none links; a 120-record run may queue only ten of them."""
    from alarmbell.identity.features import RawPerson
    from alarmbell.identity.linker import cluster_population
    from alarmbell.identity.probabilistic import shipped_model

    records = []
    for i in range(60):
        dob = f"{1950 + i % 40}-0{1 + i % 9}-1{i % 9}"
        family = f"Fam{chr(97 + i % 26)}{chr(97 + i // 26)}"
        records.append(
            RawPerson(2 * i + 1, "police", f"P{i}", "Jon", family, dob, None, None, None, None, None)
        )
        records.append(
            RawPerson(2 * i + 2, "health", f"H{i}", None, family, dob, None, None, None, None, None)
        )
    _, uncalibrated = cluster_population(records, shipped_model(), calibrate=False)
    assert uncalibrated is not None and len(uncalibrated.linked) == 60  # the fixed band links them all
    _, applied = cluster_population(records, shipped_model())
    assert applied is not None and applied.bands is not None
    assert applied.linked == []
    assert len(applied.review) == 10


def test_a_run_of_a_thousand_records_keeps_to_fifty_pairs_per_ten_thousand() -> None:
    # The floor of ten pairs is for one case; at 1,000 records it doubled the promised burden.
    probabilities = [0.9999] * 50 + [0.21 + i * 0.0035 for i in range(200)]
    bands = calibrated_bands(probabilities, SHIPPED, records=1_000)
    queued = [p for p in probabilities if bands.lower <= p < bands.upper]
    assert len(queued) == 5
    assert review_budget(1_000) == 5 and review_budget(999) == 10 and review_budget(12) == 10
