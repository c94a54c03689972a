"""Every calibrated rate of the synthetic population, with its value and its source.

One data module so that the generator, docs/synthetic.md and the calibration tests read the
same numbers. Rates marked `target` are checked by tests against what the generator writes;
the others are modelling assumptions, labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Rate:
    """One rate: `value` in `unit`, where it comes from, and whether tests hold us to it."""

    name: str
    value: float
    unit: str
    source: str
    target: bool = False


_DF = "domain-facts.md (design notes), base rates for England"

RATES: Final[dict[str, Rate]] = {
    r.name: r
    for r in (
        Rate(
            "referral",
            530.0,
            "per 10,000 children a year",
            f"{_DF}: about 630,000 referrals a year "
            "(primary: DfE Characteristics of children in need; check)",
            True,
        ),
        Rate("referral_from_police", 0.28, "share of referrals", f"{_DF}: police 28%"),
        Rate("referral_from_school", 0.21, "share of referrals", f"{_DF}: schools 21%"),
        Rate(
            "referral_from_health",
            0.14,
            "share of referrals",
            "assumption, not checked: GP, health visitor, A&E together",
        ),
        Rate(
            "section_47",
            180.0,
            "per 10,000 children a year",
            f"{_DF}: 195,000-225,000 s47 enquiries a year (165-190 per 10,000)",
        ),
        Rate(
            "cp_plan_start",
            53.0,
            "per 10,000 children a year",
            f"{_DF}: 64,390 plans started in 2021-22",
        ),
        Rate(
            "cp_plan_stock",
            42.0,
            "per 10,000 children at any time",
            f"{_DF}: about 50,000 children on a plan",
            True,
        ),
        Rate(
            "cp_plan_mean_days",
            290.0,
            "days",
            "derived: stock / starts = 42 / 53 years (Little's law)",
        ),
        Rate(
            "ed_0_4",
            660.0,
            "A&E attendances per 1,000 children aged 0-4 a year",
            f"{_DF}: primary: NHS Digital Hospital A&E Activity; check",
            True,
        ),
        Rate(
            "ed_5_17",
            300.0,
            "A&E attendances per 1,000 children aged 5-17 a year",
            "assumption: roughly half the under-5 rate (NHS Digital HES A&E by age)",
        ),
        Rate(
            "ed_injury_share",
            0.35,
            "share of school-age A&E attendances for an injury",
            "assumption: injuries are the commonest reason after illness in children; by stage "
            "(injuries.py): 0.10 before a baby is mobile, 0.30 crawling, 0.40 walking (under 5)",
        ),
        Rate(
            "persistent_absence",
            0.20,
            "share of pupils missing 10%+ of sessions",
            f"{_DF}: about 20% in 2023/24 (primary: DfE pupil absence statistics; check)",
            True,
        ),
        Rate(
            "severe_absence",
            0.023,
            "share of pupils missing 50%+ of sessions",
            f"{_DF}: severe absence 2.3%",
        ),
        Rate(
            "gp_0_4",
            3.0,
            "GP consultations per child aged 0-4 a year",
            "assumption, not checked: order of magnitude of child GP consultations, rounded down",
        ),
        Rate("gp_5_17", 1.5, "GP consultations per child aged 5-17 a year", "assumption"),
        Rate(
            "gp_adult",
            1.5,
            "GP consultations per parent a year (sent only for parents)",
            "assumption",
        ),
        Rate(
            "health_visitor_0_2",
            2.0,
            "health visitor contacts per child aged 0-2 a year",
            "assumption: Healthy Child Programme mandated contacts (5 by age 2.5)",
        ),
        Rate("growth_0_2", 2.0, "growth measurements per child aged 0-2 a year", "assumption"),
        Rate(
            "growth_3_17",
            0.3,
            "growth measurements per child aged 3-17 a year",
            "assumption: NCMP at reception and year 6, plus clinic visits",
        ),
        Rate(
            "missed_appointment",
            0.25,
            "missed child appointments per child a year",
            "assumption: child DNA/was-not-brought rates about 10% of appointments",
        ),
        Rate(
            "domestic_incident",
            0.035,
            "police domestic incidents per household a year",
            "assumption scaled from domain-facts.md: about 1.5 million police-recorded "
            "domestic abuse incidents and crimes a year in England and Wales",
        ),
        Rate(
            "da_children_present",
            0.4,
            "share of domestic incidents with children present",
            "assumption",
        ),
        Rate(
            "missing_teen",
            0.01,
            "missing-person reports per child aged 13-17 a year",
            "assumption, not checked: about 1% of teenagers reported missing a year",
        ),
        Rate("behaviour_concern", 0.05, "behaviour concerns per pupil a year", "assumption"),
        Rate("school_concern", 0.03, "benign school concerns per pupil a year", "assumption"),
        Rate(
            "house_move",
            0.10,
            "moves per household a year",
            "assumption, not checked: families with children in rented homes move often",
        ),
        Rate("partner_leaves", 0.07, "per household with a partner a year", "assumption"),
        Rate("partner_joins", 0.15, "per lone-parent household a year", "assumption"),
        Rate(
            "adult_violence_history",
            0.03,
            "share of new partners with a violence history",
            "assumption",
        ),
        Rate(
            "harm_share",
            0.004,
            "share of children with a seeded harm trajectory",
            "project issue: 0.3-0.5%; far above the true incidence (405 notifications a year) so that "
            "evaluation has enough cases",
            True,
        ),
        Rate(
            "harm_silent",
            0.10,
            "share of harm trajectories that leave no signal",
            "project issue: some harm is invisible to every agency",
        ),
    )
}

#: Household adversity levels: share of households and a multiplier on each process family.
#: Each multiplier column averages 1 over households, so the rates above are population means.
ADVERSITY_SHARES: Final[tuple[float, ...]] = (0.80, 0.15, 0.05)
ADVERSITY_MULTIPLIERS: Final[dict[str, tuple[float, ...]]] = {
    "social_care": (0.4, 2.0, 7.6),
    "police": (0.3, 2.2, 8.6),
    "absence": (0.8, 1.6, 2.2),
    "health_missed": (0.6, 1.8, 4.0),
}


def rate(name: str) -> float:
    """The value of a named rate (KeyError names the missing rate)."""
    return RATES[name].value


def normalised_multipliers(name: str) -> tuple[float, ...]:
    """A multiplier column rescaled to average exactly 1 over the adversity shares."""
    column = ADVERSITY_MULTIPLIERS[name]
    mean = sum(s * m for s, m in zip(ADVERSITY_SHARES, column, strict=True))
    return tuple(m / mean for m in column)
