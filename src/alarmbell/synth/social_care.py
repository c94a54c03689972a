"""Children's social care: referrals and what follows them, calibrated to national rates.

Referrals come in household episodes (each child in the household at the time is referred),
so the per-child rate equals the episode rate. The outcome mix reproduces the ratios between
referrals (530), section 47 enquiries (about 180) and plan starts (about 53) per 10,000
children a year; plans last long enough (Little's law) that about 42 per 10,000 are on a plan
at any time. Children already on a plan when the window opens carry a plan start dated before it.
"""

from __future__ import annotations

import math
from typing import Any, Final

from alarmbell.synth.events import Ledger, dates, multiplier, pick
from alarmbell.synth.households import Household, Person
from alarmbell.synth.rates import rate

CSC: Final = "children_social_care"
#: Outcome mix of a referral: 34% reach section 47 (180/530), 10% a plan (53/530).
OUTCOMES: Final = (
    ("nfa", 0.30),
    ("early_help", 0.16),
    ("assessment", 0.20),
    ("s47", 0.24),
    ("cp_plan", 0.10),
)
_PLAN_DAYS: Final[tuple[int, int]] = (90, 490)  # uniform, mean 290 = cp_plan_mean_days
#: Referrals this long before the window are simulated so that the window opens with work in
#: progress (strategy discussions, conferences) as a real extract would; their own events are
#: dropped, and plans they would start before the window are left to the stationary stock.
BURN_IN_DAYS: Final[int] = 75
_FACTORS: Final = ("3A", "3B", "1B", "2B", "4B", "16A", "17A", "21", "20", "6A")


def referral_source() -> tuple[tuple[str, float], ...]:
    police, school, health = (rate(f"referral_from_{x}") for x in ("police", "school", "health"))
    return (
        ("police", police),
        ("education", school),
        ("health", health),
        ("other", 1 - police - school - health),
    )


def social_care_background(hh: Household, led: Ledger, plan_ends: dict[int, int]) -> None:
    """Plans already open at the start, then referral episodes through the window."""
    m = multiplier(hh, "social_care")
    for child in hh.children:
        _open_plan_at_start(hh, led, child, plan_ends, m)
    for day in dates(hh.rng, rate("referral") / 10_000 * m, hh.start - BURN_IN_DAYS, hh.end):
        children = [c for c in hh.children if c.dob <= day < c.dob + 6574]
        if children:
            led.floor = hh.start if day < hh.start else None
            referral_episode(hh, led, day, children, plan_ends)
    led.floor = None


def _open_plan_at_start(
    hh: Household, led: Ledger, child: Person, plan_ends: dict[int, int], m: float
) -> None:
    """A stationary start: a length-biased plan, part run, for 42 in 10,000 children."""
    rng = hh.rng
    if child.dob >= hh.start or rng.random() >= rate("cp_plan_stock") / 10_000 * m:
        return
    lo, hi = _PLAN_DAYS
    length = int(math.sqrt(lo * lo + rng.random() * (hi * hi - lo * lo)))
    began = hh.start - int(rng.random() * length)
    began = max(began, child.dob + 1)
    led.add(CSC, "cp_plan_start", began, (child.slot,), (), {"category": _category(rng)})
    _plan_course(hh, led, child, began, began + length, plan_ends)


def _category(rng: Any) -> str:
    return pick(rng, (("NEG", 0.48), ("EMO", 0.38), ("PHY", 0.07), ("SAB", 0.04), ("MUL", 0.03)))


def referral_episode(
    hh: Household,
    led: Ledger,
    day: int,
    children: list[Person],
    plan_ends: dict[int, int],
    *,
    source: str | None = None,
    outcome: str | None = None,
) -> None:
    """One referral per child, a precursor in the referring agency, and the follow-up."""
    rng = hh.rng
    source = source or pick(rng, referral_source())
    outcome = outcome or pick(rng, OUTCOMES)
    _precursor(hh, led, day, children, source)
    for child in children:
        child_outcome = outcome
        if outcome == "cp_plan" and plan_ends.get(child.slot, 0) > day:
            child_outcome = "s47"
        led.add(
            CSC,
            "referral",
            day,
            (child.slot,),
            (hh.mother.slot,),
            {"from_agency": source, "outcome": child_outcome},
        )
        _follow_up(hh, led, child, day, child_outcome, plan_ends)


def _precursor(hh: Household, led: Ledger, day: int, children: list[Person], source: str) -> None:
    """What the referrer wrote on its own system a day or two before referring."""
    rng, first = hh.rng, children[0].slot
    before = day - rng.randint(0, 2)
    if source == "police":
        led.add("police", "child_welfare_concern", before, tuple(c.slot for c in children))
    elif source == "education" and children[0].age_days(day) >= 1096:
        category = rng.choice(("emotional", "appearance", "disclosure", "behaviour", "other"))
        led.add(
            "education",
            "school_concern",
            before,
            (first,),
            (),
            {"category": category, "referral_made": True},
        )
    elif source == "health":
        led.add(
            "health",
            "gp_consultation",
            before,
            (first,),
            (hh.mother.slot,),
            {"reason": "safeguarding concern", "referral_made": True},
        )


def _follow_up(
    hh: Household, led: Ledger, child: Person, day: int, outcome: str, plan_ends: dict[int, int]
) -> None:
    rng, c = hh.rng, (child.slot,)
    if outcome == "nfa":
        return
    if outcome == "early_help":
        led.add(CSC, "family_support", day + rng.randint(7, 40), c, (hh.mother.slot,))
        return
    if outcome == "assessment":
        done = day + rng.randint(10, 63)
        led.add(
            CSC,
            "home_visit",
            day + rng.randint(3, 9),
            c,
            (hh.mother.slot,),
            {"child_seen": True, "child_seen_alone": rng.random() < 0.5},
        )
        led.add(
            CSC,
            "assessment",
            done,
            c,
            (),
            {"outcome": rng.choice(("cin", "closed")), "factors": _factors(rng)},
        )
        return
    strategy = day + rng.randint(0, 3)
    led.add(CSC, "strategy_discussion", strategy, c)
    led.add(
        CSC,
        "section_47",
        strategy + rng.randint(5, 15),
        c,
        (),
        {
            "outcome": "cp_conference" if outcome == "cp_plan" else rng.choice(("nfa", "cin")),
            "factors": _factors(rng),
        },
    )
    if outcome == "cp_plan":
        conference = strategy + rng.randint(14, 21)
        if conference < hh.start:
            return
        led.add(CSC, "cp_conference", conference, c)
        led.add(CSC, "cp_plan_start", conference, c, (), {"category": _category(rng)})
        lo, hi = _PLAN_DAYS
        _plan_course(hh, led, child, conference, conference + rng.randint(lo, hi), plan_ends)


def _factors(rng: Any) -> list[str]:
    return sorted({rng.choice(_FACTORS) for _ in range(rng.randint(1, 3))})


def _plan_course(
    hh: Household, led: Ledger, child: Person, began: int, ends: int, plan_ends: dict[int, int]
) -> None:
    """Visits every four to six weeks while the plan lasts, and its end if inside the window."""
    rng = hh.rng
    plan_ends[child.slot] = ends
    visit = max(began, hh.start) + rng.randint(10, 42)
    while visit < min(ends, hh.end):
        seen = rng.random() < 0.9
        led.add(
            CSC,
            "home_visit",
            visit,
            (child.slot,),
            (hh.mother.slot,),
            {"child_seen": seen, "child_seen_alone": seen and rng.random() < 0.6},
        )
        visit += rng.randint(28, 42)
    if ends < hh.end:
        led.add(CSC, "cp_plan_end", ends, (child.slot,))
