"""Harm trajectories carry the sequences, and the rates, that the published reviews describe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from alarmbell.synth.events import Item, Ledger
from alarmbell.synth.harm import (
    SIGNAL_SPAN_DAYS,
    TRAJECTORIES,
    Harm,
    emit_signals,
    prepare_household,
    signal_days,
)
from alarmbell.synth.households import build_household

START, END = date(2019, 1, 1).toordinal(), date(2022, 1, 1).toordinal()
HARM_DAY = date(2021, 3, 1).toordinal()
RUNS = 600


def _runs(name: str, age_days: int) -> list[tuple[int, list[Item]]]:
    """RUNS harms of this kind to a child of this age; (child slot, what agencies recorded)."""
    out = []
    for index in range(RUNS):
        hh = build_household(31, index, 1, START, END)
        child = hh.children[0]
        child.dob = child.joined = HARM_DAY - age_days
        harm = Harm(child, name, HARM_DAY, silent=False)
        prepare_household(hh, harm)
        led = Ledger(hh.rng)
        emit_signals(hh, led, harm, {})
        out.append((child.slot, [i for i in led.items if i.day < HARM_DAY]))
    return out


def _share(runs: list[tuple[int, list[Item]]], test: Callable[[int, list[Item]], bool]) -> float:
    return sum(test(slot, items) for slot, items in runs) / len(runs)


def _injury(slot: int, item: Item) -> bool:
    return slot in item.subjects and bool(item.attrs) and "injury" in (item.attrs or {})


@pytest.fixture(scope="module")
def infants() -> list[tuple[int, list[Item]]]:
    return _runs("infant_abusive_injury", 150)


def test_infant_sentinel_injury_recorded_as_often_as_sheets_found(
    infants: list[tuple[int, list[Item]]],
) -> None:
    """27.5% had a sentinel injury, a medical provider knew of 41.9% of them: about 11.5%."""
    share = _share(infants, lambda slot, items: any(_injury(slot, i) for i in items))
    assert 0.06 <= share <= 0.17, share


def test_infant_sentinel_injuries_are_mostly_bruises_before_the_baby_is_mobile(
    infants: list[tuple[int, list[Item]]],
) -> None:
    injuries = [i.attrs or {} for slot, items in infants for i in items if _injury(slot, i)]
    assert sum(a["injury"] == "bruise" for a in injuries) / len(injuries) >= 0.6
    assert not any(a["mobile"] for a in injuries)


def test_domestic_abuse_around_injured_babies_as_often_as_in_serious_harm(
    infants: list[tuple[int, list[Item]]],
) -> None:
    share = _share(infants, lambda _s, items: any(i.kind == "domestic_incident" for i in items))
    assert 0.30 <= share <= 0.50, share  # 42.6% had domestic abuse; some fall before the window


def test_a_minority_of_injured_babies_are_on_a_plan_and_many_are_unknown(
    infants: list[tuple[int, list[Item]]],
) -> None:
    on_plan = _share(infants, lambda _s, items: any(i.kind == "cp_plan_start" for i in items))
    referred = _share(infants, lambda _s, items: any(i.kind == "referral" for i in items))
    assert 0.06 <= on_plan <= 0.18, on_plan  # Sidebotham et al.: 12% on a plan
    assert 0.45 <= referred <= 0.75, referred  # almost two thirds known at some point


def test_some_injured_babies_leave_only_weak_signals(infants: list[tuple[int, list[Item]]]) -> None:
    """No injury, no domestic incident and no referral before harm: the reviews' invisible babies."""
    strong = {"domestic_incident", "referral", "cp_plan_start"}
    weak = _share(
        infants,
        lambda slot, items: not any(_injury(slot, i) or i.kind in strong for i in items),
    )
    assert weak >= 0.15, weak


def test_toddlers_show_repeated_injuries_and_relatives_referrals_closed() -> None:
    runs = _runs("toddler_repeated_injury", 2 * 365)
    repeated = _share(runs, lambda slot, items: sum(_injury(slot, i) for i in items) >= 2)
    relatives = _share(
        runs,
        lambda _s, items: any(
            i.kind == "referral" and (i.attrs or {}).get("from_agency") == "other" for i in items
        ),
    )
    several = _share(runs, lambda _s, items: sum(i.kind == "referral" for i in items) >= 2)
    assert repeated >= 0.15, repeated
    assert 0.25 <= relatives <= 0.60, relatives  # 30% by relatives, plus "other" among the rest
    assert several >= 0.15, several


def test_neglect_is_known_to_social_care_more_often_than_injury() -> None:
    runs = _runs("neglect_faltering_growth", 7 * 365)
    referred = _share(runs, lambda _s, items: any(i.kind == "referral" for i in items))
    absent = _share(runs, lambda _s, items: any(i.kind == "attendance_concern" for i in items))
    assert referred >= 0.65, referred  # CSPRP 2022-23: over three quarters known
    assert 0.15 <= absent <= 0.40, absent  # 29% of school-age children regularly absent


def test_every_trajectory_has_an_emitter_and_a_published_basis() -> None:
    assert abs(sum(t.weight for t in TRAJECTORIES.values()) - 1) < 1e-9
    for name, t in TRAJECTORIES.items():
        runs = _runs(name, (t.min_age_days + t.max_age_days) // 2)[:50]
        assert any(items for _s, items in runs), name
        assert t.basis


def test_signal_timing_matches_the_documented_fit_to_the_corpus() -> None:
    """Median about 148 days before harm, 40% within 90 days, 74% within a year (docs/synthetic.md)."""
    hh = build_household(31, 0, 1, START, END)
    child = hh.children[0]
    child.dob = child.joined = START - 3000
    harm = Harm(child, "neglect_faltering_growth", END - 1, silent=False)
    gaps = sorted(harm.day - d for d in signal_days(hh, harm, 20_000))
    assert 130 <= gaps[len(gaps) // 2] <= 170
    assert 0.35 <= sum(g <= 90 for g in gaps) / len(gaps) <= 0.45
    assert 0.70 <= sum(g <= 365 for g in gaps) / len(gaps) <= 0.78
    assert max(gaps) <= SIGNAL_SPAN_DAYS
