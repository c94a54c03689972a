"""Harm trajectories shaped by what published reviews found, not by what the indicators test.

The sequences, and how often each signal reaches an agency's records, come from national
analyses of serious case reviews and clinical studies (docs/synthetic.md gives each figure and
its source): Sheets et al. 2013 for sentinel injuries before abuse of infants (27.5% of abused
infants had one, a medical provider knew of it in 41.9%); "The Myth of Invisible Men" (2021) for
the men around injured babies; the Child Safeguarding Practice Review Panel's annual reports
for how often domestic abuse, parental mental ill-health and neglect are present and how many
children were known to children's social care; Sidebotham et al. 2016 ("Pathways to harm") for
children's social care involvement at the time (12% on a plan, fewer than half open, nearly two
thirds known at some point: cases closed too soon). Where no published figure exists the
probability is marked as an assumption in docs/synthetic.md.

Many trajectories therefore leave weak signals, as in the reviews; about one in ten
(`harm_silent`) leaves nothing at all. The truth file records the child, the trajectory and
the date of harm.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from alarmbell.synth.events import Ledger, growth_attrs, missed_appointment, pick
from alarmbell.synth.households import ADULT_AGE_DAYS, Household, Person, add_partner
from alarmbell.synth.injuries import is_mobile
from alarmbell.synth.police import domestic_incident, perpetrator_on
from alarmbell.synth.rates import ADVERSITY_SHARES, normalised_multipliers, rate
from alarmbell.synth.school import attendance_attrs
from alarmbell.synth.social_care import CSC, referral_episode


@dataclass(frozen=True, slots=True)
class Trajectory:
    """A kind of harm: how common among seeded cases, which ages, and its published basis."""

    name: str
    weight: float
    min_age_days: int
    max_age_days: int
    basis: str


TRAJECTORIES: Final[dict[str, Trajectory]] = {
    t.name: t
    for t in (
        Trajectory(
            "infant_abusive_injury",
            0.25,
            30,
            365,
            "Sheets et al. 2013 (sentinel injuries in 27.5% of abused infants, 80% bruises, "
            "66% before 3 months, known to a medical provider in 41.9%); 'The Myth of Invisible "
            "Men' (2021); CSPRP annual report 2020 (domestic abuse 42.6%, parental mental "
            "ill-health 27.3% of serious harm)",
        ),
        Trajectory(
            "toddler_repeated_injury",
            0.15,
            366,
            1460,
            "CSPRP annual report 2020 (physical abuse the main harm in 38% of serious harm); "
            "Kemp et al. 2021 (more than one bruise, one in a TEN region); Sidebotham et al. "
            "2016 (cases closed too soon, referrals not accepted)",
        ),
        Trajectory(
            "neglect_faltering_growth",
            0.25,
            180,
            3650,
            "CSPRP annual report 2022-23 (neglect in over half of reviews; over three quarters "
            "known to children's social care, a third on or previously on a plan; 29% of "
            "school-age children regularly absent)",
        ),
        Trajectory(
            "violent_adult_moves_in",
            0.15,
            60,
            5844,
            "men unknown to or unseen by agencies ('The Myth of Invisible Men', 2021)",
        ),
        Trajectory(
            "disguised_compliance",
            0.10,
            180,
            3650,
            "Sidebotham et al. 2016: cancellations, was-not-brought, child not seen; cases closed too soon",
        ),
        Trajectory(
            "school_withdrawal",
            0.10,
            2190,
            5479,
            "CSPRP annual report 2022-23: 11% of school-age children not in school; attendance "
            "collapse, then elective home education",
        ),
    )
}
_INJURY: Final = ("infant_abusive_injury", "toddler_repeated_injury")
_HARM_WINDOW_OFFSET: Final[int] = 120  # harm at least this long after the window opens


@dataclass(frozen=True, slots=True)
class Harm:
    child: Person
    trajectory: str
    day: int
    silent: bool
    #: Days of a review template's events (from_reviews.py); empty for published-rates trajectories.
    schedule: tuple[int, ...] = ()


def choose_harm(hh: Household, catalogue: Mapping[str, Trajectory] = TRAJECTORIES) -> Harm | None:
    """Decide whether this household holds a seeded harm, to whom, and when.

    Each trajectory t happens to an eligible child with probability share x weight_t /
    coverage_t, where coverage_t is the share of children in its age band; so across the
    population the mix follows the weights although few households hold a baby.
    """
    rng = hh.rng
    if hh.end - hh.start <= _HARM_WINDOW_OFFSET + 30:
        return None
    day = rng.randrange(hh.start + _HARM_WINDOW_OFFSET, hh.end)
    u = rng.random()
    for t, eligible, chance in harm_chances(hh, day, catalogue):
        u -= chance
        if u < 0:
            name, child = t.name, eligible[int(rng.random() * len(eligible))]
            break
    else:
        return None
    return Harm(child, name, day, rng.random() < rate("harm_silent"))


def harm_chances(
    hh: Household, day: int, catalogue: Mapping[str, Trajectory]
) -> Iterator[tuple[Trajectory, list[Person], float]]:
    """Each trajectory, the children eligible for it on `day`, and its chance for this household."""
    multipliers = normalised_multipliers("social_care")
    mean = sum(s * m**0.5 for s, m in zip(ADVERSITY_SHARES, multipliers, strict=True))
    base = rate("harm_share") * multipliers[hh.adversity] ** 0.5 / mean
    for t in catalogue.values():
        eligible = [c for c in hh.children if t.min_age_days <= c.age_days(day) <= t.max_age_days]
        coverage = (t.max_age_days - t.min_age_days) / ADULT_AGE_DAYS
        yield t, eligible, base * t.weight * len(eligible) / coverage


def prepare_household(hh: Household, harm: Harm) -> None:
    """Household changes a trajectory needs before background events are drawn.

    Injured babies and toddlers get a man in the household if none is there: in "The Myth of
    Invisible Men" every one of the 23 babies was harmed by a father, stepfather or other male
    carer.
    """
    rng = hh.rng
    if harm.trajectory == "violent_adult_moves_in":
        add_partner(hh, harm.day - rng.randint(60, 270), violent=True)
    elif harm.trajectory in _INJURY and perpetrator_on(hh, harm.day - 200) is None:
        add_partner(hh, max(hh.start - 200, harm.day - rng.randint(200, 400)), violent=False)


#: When signals fall before harm: days = span x u^BUNCHING, u uniform. Fitted to the 70 dated
#: events before harm in the 8 reconstructed reviews of evaluation/reviews on branch corpus-a
#: (median 163 days before harm, 34% within 90 days, 74% within a year, 90% within two); this
#: gives a median of 148 days, 40%, 74% and 100%. corpus-b's reviews were held out (see
#: docs/synthetic.md).
SIGNAL_SPAN_DAYS: Final[int] = 730
BUNCHING: Final[float] = 2.3


def signal_days(hh: Household, harm: Harm, n: int, span: int = SIGNAL_SPAN_DAYS) -> list[int]:
    """n days before harm, bunching towards it, inside the window and the child's life."""
    rng = hh.rng
    lo = max(hh.start, harm.day - span, harm.child.dob + 1)
    days = sorted(harm.day - int((harm.day - lo) * rng.random() ** BUNCHING) - 1 for _ in range(n))
    return [d for d in days if d >= lo]


def emit_signals(hh: Household, led: Ledger, harm: Harm, plan_ends: dict[int, int]) -> None:
    if harm.silent:
        return
    _EMITTERS[harm.trajectory](hh, led, harm, plan_ends)


#: Children's social care involvement at the time of harm (Sidebotham et al. 2016: 12% on a
#: plan, fewer than half with an open case, almost two thirds known at some point; the rest
#: never referred or not accepted). Cumulative thresholds: plan, open, closed before.
_CSC_KNOWN: Final = (0.12, 0.45, 0.65)
#: Neglect (CSPRP 2022-23: over three quarters known, a third on or previously on a plan).
_CSC_KNOWN_NEGLECT: Final = (0.33, 0.55, 0.78)
#: Present in serious harm (CSPRP annual report 2020): domestic abuse, parental mental ill-health.
_DOMESTIC_ABUSE: Final = 0.426
#: CSPRP 2022-23: 29% of school-age children who died or were seriously harmed regularly absent.
_REGULARLY_ABSENT: Final = 0.29
_PARENT_MENTAL_HEALTH: Final = 0.273
#: Sheets et al. 2013: share of abused infants with an earlier sentinel injury, the share of
#: those a medical provider knew of, their kinds and the infant's age at the time.
_SENTINEL: Final = 0.275
_SENTINEL_RECORDED: Final = 0.419
_SENTINEL_KINDS: Final = (("bruise", 0.80), ("intraoral", 0.11), ("other", 0.09))
#: Where sentinel and inflicted bruises sit: face, ears, neck, trunk, upper arm and buttocks are
#: the regions more often bruised in abuse than accident (Kemp et al. 2015, abuse against
#: abuse-excluded); written as agencies write them.
_INFLICTED_BRUISE_SITES: Final = (
    ("L cheek", 0.16),
    ("behind left ear", 0.08),
    ("R ear", 0.07),
    ("forehead", 0.12),
    ("jaw line", 0.06),
    ("side of neck", 0.05),
    ("chest", 0.08),
    ("tummy", 0.07),
    ("lower back", 0.06),
    ("upper arm", 0.10),
    ("buttocks", 0.05),
    ("front of thigh", 0.05),
    ("L shin", 0.05),
)


#: Assumption (no published rate found): half of inflicted injuries come with a plausible story
#: (Sheets et al.'s case: a bruise blamed on a dummy), the rest with none or one that does not fit.
_EXPLANATION: Final = (("consistent", 0.5), ("none", 0.3), ("inconsistent", 0.2))
_GIVEN: Final = {
    "consistent": ("rolled against the cot bars", "bumped on dummy", "sibling hit him"),
    "none": ("no explanation", "not sure how it happened"),
    "inconsistent": ("rolled off sofa", "fell from bouncer", "caught on car seat strap"),
}


def _csc_context(
    hh: Household, led: Ledger, harm: Harm, plan_ends: dict[int, int], known: tuple[float, ...] = _CSC_KNOWN
) -> None:
    """Whether children's social care knew the child, as often as the reviews found."""
    rng, child = hh.rng, harm.child
    u = rng.random()
    floor = max(hh.start - 365, child.dob + 7)  # a pre-birth plan is dated just after birth
    if u < known[0]:
        day, outcome, source = harm.day - rng.randint(60, 300), "cp_plan", None
    elif u < known[1]:
        day, outcome, source = harm.day - rng.randint(30, 200), "assessment", None
    elif u < known[2]:
        day, outcome, source = harm.day - rng.randint(200, 700), rng.choice(("nfa", "early_help")), None
    else:
        return
    day = max(day, floor)
    if day < harm.day - 7:
        referral_episode(hh, led, day, [child], plan_ends, source=source, outcome=outcome)


def _adult_context(hh: Household, led: Ledger, harm: Harm) -> None:
    """Domestic abuse and the mother's mental ill-health, as often as in serious harm."""
    rng = hh.rng
    if rng.random() < _DOMESTIC_ABUSE:
        for day in signal_days(hh, harm, rng.randint(1, 3)):
            perp = perpetrator_on(hh, day)
            if perp is not None:
                domestic_incident(
                    hh, led, day, perp, present=0.5, dash=(("standard", 0.6), ("medium", 0.3), ("high", 0.1))
                )
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
    if rng.random() < _PARENT_MENTAL_HEALTH:
        for day in signal_days(hh, harm, rng.randint(1, 2)):
            led.add("health", "mental_health_contact", day, (hh.mother.slot,), ())


def _sentinel_day(hh: Household, harm: Harm) -> int | None:
    """A day for the sentinel injury: 66% before 3 months of age, 95% by 7 months (Sheets)."""
    rng, child = hh.rng, harm.child
    band = pick(rng, (("0", 0.66), ("1", 0.29), ("2", 0.05)))
    lo, hi = {"0": (14, 90), "1": (91, 213), "2": (214, 330)}[band]
    age_at_harm = child.age_days(harm.day)
    if lo >= age_at_harm - 3:
        lo, hi = 7, age_at_harm - 3
    day = child.dob + rng.randint(lo, min(hi, age_at_harm - 3)) if hi >= lo else None
    return day if day is not None and hh.start <= day < harm.day else None


def _injury_record(hh: Household, led: Ledger, child: Person, day: int, injury: str, site: str) -> None:
    """An injury written by whoever saw it: A&E, the GP, the health visitor or nursery."""
    rng = hh.rng
    explanation = pick(rng, _EXPLANATION)
    attrs = {
        "injury": injury,
        "site": site,
        "explanation_given": rng.choice(_GIVEN[explanation]),
        "explanation": explanation,
        "delay_in_presentation": rng.random() < 0.3,
        "mobile": is_mobile(child, day),
    }
    if child.age_days(day) >= 1096 and rng.random() < 0.4:
        led.add("education", "injury_observed", day, (child.slot,), (), attrs)
        return
    kind = pick(
        rng, (("ed_attendance", 0.4), ("injury_presentation", 0.35), ("health_visitor_contact", 0.25))
    )
    led.add("health", kind, day, (child.slot,), (hh.mother.slot,), attrs)


def _infant_injury(hh: Household, led: Ledger, harm: Harm, plan_ends: dict[int, int]) -> None:
    """A baby seriously injured, usually by a male carer; a sentinel injury in about a quarter."""
    rng, child = hh.rng, harm.child
    if rng.random() < _SENTINEL:
        day = _sentinel_day(hh, harm)
        if day is not None and rng.random() < _SENTINEL_RECORDED:
            kind = pick(rng, _SENTINEL_KINDS)
            if kind == "bruise":
                _injury_record(hh, led, child, day, "bruise", pick(rng, _INFLICTED_BRUISE_SITES))
            elif kind == "intraoral":
                _injury_record(hh, led, child, day, "other", "torn frenulum")
            else:
                _injury_record(hh, led, child, day, rng.choice(("burn", "fracture")), "L forearm")
    _adult_context(hh, led, harm)
    _csc_context(hh, led, harm, plan_ends)
    if rng.random() < 0.3:  # assumption: some missed health-visiting and immunisations
        for day in signal_days(hh, harm, rng.randint(1, 2)):
            missed_appointment(led, child, day, rng)


def _toddler_injury(hh: Household, led: Ledger, harm: Harm, plan_ends: dict[int, int]) -> None:
    """Injuries that recur and are seen piecemeal; relatives' referrals closed; sometimes a plan."""
    rng, child = hh.rng, harm.child
    for day in signal_days(hh, harm, rng.randint(1, 3), span=300):
        if rng.random() < 0.6:  # assumption: most earlier injuries reach some agency's records
            injury = pick(rng, (("bruise", 0.70), ("fracture", 0.15), ("burn", 0.10), ("head_injury", 0.05)))
            site = (
                pick(rng, _INFLICTED_BRUISE_SITES)
                if injury == "bruise"
                else rng.choice(("upper arm", "L forearm", "back of hand", "ribs", "side of head"))
            )
            _injury_record(hh, led, child, day, injury, site)
    if rng.random() < 0.3:  # assumption: family or neighbours refer, and are not acted on
        for day in signal_days(hh, harm, rng.randint(1, 3), span=400):
            referral_episode(hh, led, day, [child], plan_ends, source="other", outcome="nfa")
    _adult_context(hh, led, harm)
    _csc_context(hh, led, harm, plan_ends)


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
    if child.age_days(harm.day) >= 1826 and rng.random() < _REGULARLY_ABSENT:
        pct = rng.uniform(15, 40)
        for day in signal_days(hh, harm, rng.randint(1, 2)):
            led.add(
                "education",
                "attendance_concern",
                day,
                (child.slot,),
                (),
                attendance_attrs(round(pct, 1), "unauthorised"),
            )
    _csc_context(hh, led, harm, plan_ends, _CSC_KNOWN_NEGLECT)
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
    _csc_context(hh, led, harm, plan_ends)


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
    "infant_abusive_injury": _infant_injury,
    "toddler_repeated_injury": _toddler_injury,
    "neglect_faltering_growth": _neglect,
    "violent_adult_moves_in": _violent_adult,
    "disguised_compliance": _disguised_compliance,
    "school_withdrawal": _school_withdrawal,
}
