"""Harm trajectories modelled on what serious case reviews keep finding.

Each trajectory leaves signals across agencies, each signal recorded only with some
probability (the gaps reviews describe), some of them faint; about one trajectory in ten leaves
nothing at all. The truth file records the child, the trajectory and the date of harm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from alarmbell.synth.events import Ledger, growth_attrs, missed_appointment
from alarmbell.synth.households import ADULT_AGE_DAYS, Household, Person, add_partner
from alarmbell.synth.police import domestic_incident, perpetrator_on
from alarmbell.synth.rates import ADVERSITY_SHARES, normalised_multipliers, rate
from alarmbell.synth.school import attendance_attrs
from alarmbell.synth.social_care import CSC, referral_episode


@dataclass(frozen=True, slots=True)
class Trajectory:
    """A kind of harm: how common among seeded cases, which ages, and its review basis."""

    name: str
    weight: float
    min_age_days: int
    max_age_days: int
    basis: str


TRAJECTORIES: Final[dict[str, Trajectory]] = {
    t.name: t
    for t in (
        Trajectory(
            "escalating_injury_da",
            0.30,
            30,
            1096,
            "domestic abuse in ~71% of reviews; non-accidental injury to babies 27% of "
            "serious incidents; bruising in a non-mobile child",
        ),
        Trajectory(
            "neglect_faltering_growth",
            0.25,
            180,
            3650,
            "faltering growth, hunger and food-seeking at school",
        ),
        Trajectory(
            "violent_adult_moves_in",
            0.20,
            60,
            5844,
            "men unknown to or unseen by agencies ('The myth of invisible men', 2021)",
        ),
        Trajectory(
            "disguised_compliance",
            0.15,
            180,
            3650,
            "cancellations, was-not-brought, child not seen; cases closed too soon",
        ),
        Trajectory(
            "school_withdrawal",
            0.10,
            2190,
            5479,
            "attendance collapse, then elective home education; child missing education",
        ),
    )
}
_HARM_WINDOW_OFFSET: Final[int] = 120  # harm at least this long after the window opens


@dataclass(frozen=True, slots=True)
class Harm:
    child: Person
    trajectory: str
    day: int
    silent: bool


def choose_harm(hh: Household) -> Harm | None:
    """Decide whether this household holds a seeded harm, to whom, and when.

    Each trajectory t happens to an eligible child with probability share x weight_t /
    coverage_t, where coverage_t is the share of children in its age band; so across the
    population the mix follows the weights although few households hold a baby.
    """
    rng = hh.rng
    if hh.end - hh.start <= _HARM_WINDOW_OFFSET + 30:
        return None
    multipliers = normalised_multipliers("social_care")
    mean = sum(s * m**0.5 for s, m in zip(ADVERSITY_SHARES, multipliers, strict=True))
    base = rate("harm_share") * multipliers[hh.adversity] ** 0.5 / mean
    day = rng.randrange(hh.start + _HARM_WINDOW_OFFSET, hh.end)
    u = rng.random()
    for t in TRAJECTORIES.values():
        eligible = [c for c in hh.children if t.min_age_days <= c.age_days(day) <= t.max_age_days]
        coverage = (t.max_age_days - t.min_age_days) / ADULT_AGE_DAYS
        u -= base * t.weight * len(eligible) / coverage
        if u < 0:
            name, child = t.name, eligible[int(rng.random() * len(eligible))]
            break
    else:
        return None
    return Harm(child, name, day, rng.random() < rate("harm_silent"))


def prepare_household(hh: Household, harm: Harm) -> None:
    """Household changes a trajectory needs before background events are drawn."""
    rng = hh.rng
    if harm.trajectory == "violent_adult_moves_in":
        add_partner(hh, harm.day - rng.randint(60, 270), violent=True)
    elif harm.trajectory == "escalating_injury_da" and perpetrator_on(hh, harm.day - 200) is None:
        add_partner(hh, max(hh.start - 200, harm.day - rng.randint(200, 400)), violent=False)


def signal_days(hh: Household, harm: Harm, n: int, span: int = 365) -> list[int]:
    """n days before harm, bunching towards it (escalation), inside the window."""
    rng = hh.rng
    lo = max(hh.start, harm.day - span, harm.child.dob + 1)
    days = sorted(harm.day - int((harm.day - lo) * rng.random() ** 2) - 1 for _ in range(n))
    return [d for d in days if d >= lo]


def emit_signals(hh: Household, led: Ledger, harm: Harm, plan_ends: dict[int, int]) -> None:
    if harm.silent:
        return
    _EMITTERS[harm.trajectory](hh, led, harm, plan_ends)


def _injury_da(hh: Household, led: Ledger, harm: Harm, plan_ends: dict[int, int]) -> None:
    rng, child = hh.rng, harm.child
    for day in signal_days(hh, harm, rng.randint(2, 5)):
        perp = perpetrator_on(hh, day)
        if perp is not None and rng.random() < 0.8:
            domestic_incident(
                hh,
                led,
                day,
                perp,
                present=0.5,
                dash=(("standard", 0.6), ("medium", 0.3), ("high", 0.1)),
            )
    for day in signal_days(hh, harm, rng.randint(1, 3), span=200):
        if rng.random() < 0.7:
            injury = rng.choice(("bruise", "bruise", "head_injury", "fracture", "burn"))
            led.add(
                "health",
                rng.choice(("ed_attendance", "injury_presentation")),
                day,
                (child.slot,),
                (hh.mother.slot,),
                {
                    "injury": injury,
                    "site": rng.choice(("cheek", "ear", "torso", "upper arm")),
                    "explanation_given": rng.choice(
                        (
                            "rolled off sofa",
                            "sibling hit him",
                            "no explanation",
                            "fell from bouncer",
                        )
                    ),
                    "delay_in_presentation": rng.random() < 0.5,
                    "mobile": child.age_days(day) > 300,
                },
            )
    if rng.random() < 0.3:
        for seen in signal_days(hh, harm, 1):  # faint: a bruise noted in passing at a routine visit
            led.add(
                "health",
                "health_visitor_contact",
                seen,
                (child.slot,),
                (hh.mother.slot,),
                {"injury": "bruise", "mobile": child.age_days(seen) > 300},
                "Small bruise on cheek noted; mother said baby rolled against cot bars.",
            )
    if rng.random() < 0.4:
        _referral(hh, led, harm, plan_ends, "police", "nfa")
    if rng.random() < 0.3:
        for day in signal_days(hh, harm, 1):
            led.add(
                "health",
                "gp_consultation",
                day,
                (hh.mother.slot,),
                (),
                {"reason": "low mood", "disclosure": "domestic problem"},
            )


def _neglect(hh: Household, led: Ledger, harm: Harm, plan_ends: dict[int, int]) -> None:
    rng, child = hh.rng, harm.child
    days = signal_days(hh, harm, rng.randint(3, 5))
    centile = rng.uniform(25, 60)
    for i, day in enumerate(days):
        centile = max(0.4, centile * rng.uniform(0.35, 0.7))
        if rng.random() < 0.8:
            led.add(
                "health",
                "growth_measurement",
                day,
                (child.slot,),
                (),
                growth_attrs(child, day, centile, i > 0),
            )
    for day in signal_days(hh, harm, rng.randint(2, 4)):
        if rng.random() < 0.7:
            missed_appointment(led, child, day, rng)
    kind = "nursery_concern" if child.age_days(harm.day) < 1461 else "school_concern"
    if child.age_days(harm.day) >= 1096:
        for day in signal_days(hh, harm, rng.randint(2, 4)):
            if rng.random() < 0.6:
                hungry = rng.random() < 0.5
                led.add(
                    "education",
                    "hunger_observed" if hungry else kind,
                    day,
                    (child.slot,),
                    (),
                    {"category": "hunger"},
                    "Came in hungry again; took food from other children's lunch boxes.",
                )
    if rng.random() < 0.4:
        _referral(hh, led, harm, plan_ends, "education", "early_help")
    if rng.random() < 0.3:
        for day in signal_days(hh, harm, 1):
            led.add("health", "substance_misuse_contact", day, (hh.mother.slot,))


def _violent_adult(hh: Household, led: Ledger, harm: Harm, plan_ends: dict[int, int]) -> None:
    rng, child = hh.rng, harm.child
    man = hh.man_present(harm.day - 1)
    if man is None:
        return
    if rng.random() < 0.3:
        day = man.joined + rng.randint(7, 60)
        if day < harm.day:
            led.add(
                "police",
                "intelligence",
                day,
                (man.slot,),
                (),
                {"adult_history": list(man.history), "note": "new address reported"},
            )
    if rng.random() < 0.5:
        for day in signal_days(hh, harm, 1, span=harm.day - man.joined):
            domestic_incident(hh, led, day, man, present=0.6)
    if child.age_days(harm.day) >= 1461 and rng.random() < 0.5:
        for day in signal_days(hh, harm, rng.randint(1, 2), span=harm.day - man.joined):
            led.add(
                "education",
                rng.choice(("behaviour_concern", "school_concern")),
                day,
                (child.slot,),
                (),
                {"category": "emotional"},
                "Quiet and withdrawn since mum's new partner moved in.",
            )
    if rng.random() < 0.4:
        for day in signal_days(hh, harm, 1, span=harm.day - man.joined):
            kind = "injury_observed" if child.age_days(day) >= 1096 else "injury_presentation"
            agency = "education" if kind == "injury_observed" else "health"
            led.add(
                agency,
                kind,
                day,
                (child.slot,),
                (),
                {
                    "injury": "bruise",
                    "site": "upper arm",
                    "explanation_given": "play fighting",
                    "mobile": True,
                },
            )


def _disguised_compliance(hh: Household, led: Ledger, harm: Harm, plan_ends: dict[int, int]) -> None:
    rng, child = hh.rng, harm.child
    for day in signal_days(hh, harm, rng.randint(3, 6)):
        if rng.random() < 0.8:
            missed_appointment(led, child, day, rng)
    if rng.random() < 0.6:
        outcome = "cp_plan" if rng.random() < 0.15 else "assessment"
        _referral(hh, led, harm, plan_ends, "health", outcome)
        for day in signal_days(hh, harm, rng.randint(2, 4), span=240):
            if rng.random() < 0.7:
                led.add(
                    CSC,
                    "home_visit",
                    day,
                    (child.slot,),
                    (hh.mother.slot,),
                    {"child_seen": False, "child_seen_alone": False},
                    "No answer / child said to be asleep at grandmother's; mother engaging well by phone.",
                )
        if rng.random() < 0.5:
            for day in signal_days(hh, harm, 1, span=60):
                led.add(
                    CSC,
                    "case_closed",
                    day,
                    (child.slot,),
                    (),
                    {"outcome": "closed", "factors": ["21"]},
                )


def _school_withdrawal(hh: Household, led: Ledger, harm: Harm, plan_ends: dict[int, int]) -> None:
    rng, child = hh.rng, harm.child
    pct = rng.uniform(12, 20)
    for day in signal_days(hh, harm, rng.randint(2, 3)):
        if rng.random() < 0.8:
            led.add(
                "education",
                "attendance_concern",
                day,
                (child.slot,),
                (),
                attendance_attrs(round(pct, 1), "unauthorised"),
            )
        pct = min(95.0, pct * rng.uniform(1.8, 2.6))
    if rng.random() < 0.4:
        for day in signal_days(hh, harm, 1):
            led.add("education", "school_concern", day, (child.slot,), (), {"category": "emotional"})
    for day in signal_days(hh, harm, 1, span=90):
        if rng.random() < 0.9:
            led.add(
                "education",
                "home_education",
                day,
                (child.slot,),
                (hh.mother.slot,),
                {"notified_by": "parent"},
            )
        if rng.random() < 0.3:
            led.add("education", "child_missing_education", day + rng.randint(14, 60), (child.slot,))
    if rng.random() < 0.3:
        _referral(hh, led, harm, plan_ends, "education", "nfa")


def _referral(
    hh: Household, led: Ledger, harm: Harm, plan_ends: dict[int, int], source: str, outcome: str
) -> None:
    for day in signal_days(hh, harm, 1, span=300):
        referral_episode(hh, led, day, [harm.child], plan_ends, source=source, outcome=outcome)


_EMITTERS: Final = {
    "escalating_injury_da": _injury_da,
    "neglect_faltering_growth": _neglect,
    "violent_adult_moves_in": _violent_adult,
    "disguised_compliance": _disguised_compliance,
    "school_withdrawal": _school_withdrawal,
}
