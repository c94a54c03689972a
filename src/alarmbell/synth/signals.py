"""Background records the exploitation, missing-education, nutrition, return-home and
left-alone indicators read (issue 12).

Ordinary children are found with cannabis, carry a knife, wait for a school place, are home
educated, suspended, diagnosed with iron-deficiency anaemia, go home from care (and many are
referred again within the year), are reported left home alone; a few are the subject of a
school's exploitation concern.
The indicators added for exploitation, neglect of health needs and a return home from care read
records like these, so their burden on ordinary families can only be measured if the background
holds them at the rates agencies record them (`rates.SIGNAL_RATES`, each with its source). Every
record says what the agency would write (an offence as named, a diagnosis with its cause), not
what an indicator looks for; most are the benign end of each kind.

These processes draw from their own generator and their own ledger, whose records join the
household's afterwards, so every other record of the population is unchanged by them: a policy's
burden before and after is measured on the same households, the same harm and the same noise.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Final

from alarmbell.synth.events import Ledger, dates, multiplier, pick
from alarmbell.synth.households import Household, Person
from alarmbell.synth.rates import RATES, rate
from alarmbell.synth.social_care import CSC, OUTCOMES, referral_source

YEARS: Final[dict[int, int]] = {n: round(n * 365.25) for n in (1, 5, 10, 11, 16, 17, 18)}
POLICE, EDUCATION, HEALTH = "police", "education", "health"

_CANNABIS: Final = "possession of a controlled drug - class b (cannabis)"
_COCAINE: Final = "possession of a controlled drug - class a (cocaine)"
_DISPOSALS: Final = (("arrest", 0.42), ("community resolution", 0.25), ("cannabis warning", 0.33))
_WEAPONS: Final = (
    ("possession of a bladed article in a public place", 0.7),
    ("possession of an offensive weapon in a public place", 0.2),
    ("possession of a bladed article on school premises", 0.1),
)
_CME_REASONS: Final = (
    ("awaiting a school place", 0.6),
    ("not receiving suitable education", 0.3),
    ("whereabouts unknown", 0.1),
)
#: DfE, Elective home education, autumn 2023: philosophical 16%, mental health 13%, lifestyle 8%,
#: 40% unknown or not given; the remaining named reasons are put together here.
_EHE_REASONS: Final = (
    ("philosophical or preferential", 0.16),
    ("mental health", 0.13),
    ("lifestyle choice", 0.08),
    ("dissatisfaction with the school", 0.23),
    ("not given", 0.40),
)
#: DfE 2022/23: persistent disruptive behaviour in 48% of suspensions; the rest assumed.
_SUSPENSION_REASONS: Final = (
    ("persistent disruptive behaviour", 0.48),
    ("physical assault against a pupil", 0.2),
    ("verbal abuse or threatening behaviour against an adult", 0.17),
    ("other", 0.15),
)
_MALNUTRITION_CAUSES: Final[dict[int, tuple[str, ...]]] = {
    0: ("cow's milk protein allergy", "coeliac disease", "congenital heart disease"),
    5: ("coeliac disease", "Crohn's disease", "cystic fibrosis"),
    10: ("anorexia nervosa", "Crohn's disease", "cystic fibrosis"),
}
_ANAEMIA_CAUSES: Final = ("excess cow's milk", "born preterm", "coeliac disease", "picky eating")


def per_child_year(name: str) -> float:
    """A rate from rates.py as events per child a year, whatever its documented denominator."""
    unit = RATES[name].unit
    for words, per in (("per 100,000 ", 100_000), ("per 10,000 ", 10_000), ("per 100 ", 100)):
        if words in unit:
            return rate(name) / per
    raise ValueError(f"{name}: no per-100, per-10,000 or per-100,000 denominator in {unit!r}")


def signals_background(seed: int, hh: Household, led: Ledger) -> None:
    """Add every child's signal records to `led`, drawn from this household's own generator."""
    rng = random.Random(f"{seed}:signals:{hh.index}")
    own = Ledger(rng)
    for child in hh.children:
        a, b = hh.child_window(child)
        for process in _PROCESSES:
            process(hh, own, rng, child, a, b)
    _missing_found_where(led, rng)
    _left_home_alone(seed, hh, own)
    led.items.extend(own.items)
    for agency, slots in own.holds.items():
        led.holds.setdefault(agency, set()).update(slots)


#: How the police and a neighbour word a report of a child left alone (the benign end: a parent
#: at the shop, back within the hour; the indicator reads the words, not the outcome).
_LEFT_ALONE_REPORTS: Final = (
    (
        POLICE,
        "child_welfare_concern",
        {"concern": "children left home alone", "outcome": "parent returned; advice given"},
    ),
    (POLICE, "child_welfare_concern", {"finding": "child found home alone, mother at the shop"}),
    (CSC, "neighbour_report", {"concern": "neighbour says the children are left home alone in the evenings"}),
)


def _left_home_alone(seed: int, hh: Household, led: Ledger) -> None:
    """Reports of a child left home alone, aged 0-15, more often in households under strain.

    Drawn from a generator of their own and written to a ledger of their own, so adding them
    left every other record of the population as it was."""
    rng = random.Random(f"{seed}:left_home_alone:{hh.index}")
    own = Ledger(rng)
    m = multiplier(hh, "social_care")
    for child in hh.children:
        lo, hi = _ages(child, *hh.child_window(child), 0, 16)
        for day in dates(rng, per_child_year("left_home_alone_report") * m, lo, hi):
            agency, kind, attrs = rng.choice(_LEFT_ALONE_REPORTS)
            own.add(agency, kind, day, (child.slot,), (hh.mother.slot,), dict(attrs))
    led.items.extend(own.items)


def _ages(child: Person, a: int, b: int, lo: int, hi: int) -> tuple[int, int]:
    """The part of [a, b) in which the child is aged from `lo` to under `hi` years."""
    return max(a, child.dob + YEARS.get(lo, round(lo * 365.25))), min(b, child.dob + YEARS[hi])


Process = Callable[[Household, Ledger, random.Random, Person, int, int], None]


def youth_police(hh: Household, led: Ledger, rng: random.Random, child: Person, a: int, b: int) -> None:
    """Drugs for personal use, supply and weapons: offences as police name them, aged 10-17."""
    lo, hi = _ages(child, a, b, 10, 18)
    m = multiplier(hh, "police")
    for day in dates(rng, per_child_year("youth_drug_possession") * m, lo, hi):
        offence = _COCAINE if rng.random() < rate("youth_drug_class_a_share") else _CANNABIS
        disposal = pick(rng, _DISPOSALS)
        attrs: dict[str, Any] = {"offence": offence, "drugs_found": True}
        if disposal != "arrest":
            attrs["disposal"] = disposal
        kind = "arrest" if disposal == "arrest" else "crime_report"
        led.add(POLICE, kind, day, (child.slot,), (), attrs)
    for day in dates(rng, per_child_year("youth_drug_supply") * m, lo, hi):
        drug = "class a (cocaine)" if rng.random() < 0.3 else "class b (cannabis)"
        attrs = {
            "offence": f"possession with intent to supply a controlled drug - {drug}",
            "drugs_found": True,
            "unexplained_cash": rng.random() < 0.3,
        }
        led.add(POLICE, "arrest", day, (child.slot,), (), attrs)
    for day in dates(rng, per_child_year("youth_weapon_possession") * m, lo, hi):
        kind = "arrest" if rng.random() < 0.6 else "crime_report"
        attrs = {"offence": pick(rng, _WEAPONS), "weapon_found": True}
        led.add(POLICE, kind, day, (child.slot,), (), attrs)


def out_of_school(hh: Household, led: Ledger, rng: random.Random, child: Person, a: int, b: int) -> None:
    """Missing education until admitted to a school, and elective home education, aged 5-15."""
    lo, hi = _ages(child, a, b, 5, 16)
    m = multiplier(hh, "absence")
    for day in dates(rng, per_child_year("cme") * m, lo, hi):
        reason = pick(rng, _CME_REASONS)
        attrs: dict[str, Any] = {"reason": reason}
        if reason == "whereabouts unknown":
            attrs["no_access"] = True
        led.add(EDUCATION, "child_missing_education", day, (child.slot,), (), attrs)
        admitted = day + 1 + int(rng.expovariate(1 / rate("cme_mean_days")))
        if admitted < b:
            led.add(EDUCATION, "school_start", admitted, (child.slot,), (), {"admission": "in-year"})
    for day in dates(rng, per_child_year("ehe_start") * m, lo, hi):
        seen = rng.random() >= rate("ehe_visit_declined")
        attrs = {"notified_by": "parent", "reason": pick(rng, _EHE_REASONS), "child_seen": seen}
        led.add(EDUCATION, "home_education", day, (child.slot,), (hh.mother.slot,), attrs)


def exclusions(hh: Household, led: Ledger, rng: random.Random, child: Person, a: int, b: int) -> None:
    """Suspensions and permanent exclusions, as the school records them."""
    m = multiplier(hh, "absence")
    for phase, (lo, hi) in (("primary", (5, 11)), ("secondary", (11, 16))):
        start, end = _ages(child, a, b, lo, hi)
        for kind in ("suspension", "permanent_exclusion"):
            for day in dates(rng, per_child_year(f"{kind}_{phase}") * m, start, end):
                exclusion = "suspension" if kind == "suspension" else "permanent"
                attrs = {"exclusion": exclusion, "reason": pick(rng, _SUSPENSION_REASONS)}
                led.add(EDUCATION, "behaviour_concern", day, (child.slot,), (), attrs)


def exploitation_concerns(
    _hh: Household, led: Ledger, rng: random.Random, child: Person, a: int, b: int
) -> None:
    """A secondary school's concerns in KCSIE's exploitation categories, and about a staff member."""
    lo, hi = _ages(child, a, b, 11, 18)
    for name, category in (
        ("school_cse_concern", "sexual_exploitation"),
        ("school_cce_concern", "criminal_exploitation"),
    ):
        for day in dates(rng, per_child_year(name), lo, hi):
            led.add(EDUCATION, "school_concern", day, (child.slot,), (), {"category": category})
    for day in dates(rng, per_child_year("position_of_trust_concern"), lo, hi):
        attrs = {"category": "other", "position_of_trust": True}
        led.add(EDUCATION, "school_concern", day, (child.slot,), (), attrs)


def nutrition(_hh: Household, led: Ledger, rng: random.Random, child: Person, a: int, b: int) -> None:
    """Nutritional diagnoses: rare deficiency diseases, disease-related malnutrition, and the
    common, benign ones (iron-deficiency anaemia, vitamin D deficiency without rickets)."""
    under5 = _ages(child, a, b, 0, 5)
    for day in dates(rng, per_child_year("rickets_0_4"), *under5):
        _diagnosis(led, "paediatric_assessment", child, day, "nutritional rickets (vitamin D deficiency)")
    for day in dates(rng, per_child_year("scurvy"), *_ages(child, a, b, 0, 17)):
        _diagnosis(led, "paediatric_assessment", child, day, "scurvy (vitamin C deficiency), restricted diet")
    for day in dates(rng, per_child_year("malnutrition"), a, b):
        band = max(k for k in _MALNUTRITION_CAUSES if child.age_days(day) >= YEARS.get(k, 0))
        cause = rng.choice(_MALNUTRITION_CAUSES[band])
        kind = "paediatric_assessment" if rng.random() < 0.5 else "ed_attendance"
        _diagnosis(led, kind, child, day, f"malnutrition secondary to {cause}")
    for day in dates(rng, per_child_year("vitamin_d_deficiency"), *_ages(child, a, b, 0, 17)):
        _diagnosis(led, "gp_consultation", child, day, "vitamin D deficiency")
    for day in dates(rng, per_child_year("iron_deficiency_anaemia_1_4"), *_ages(child, a, b, 1, 5)):
        cause = rng.choice(_ANAEMIA_CAUSES)
        _diagnosis(led, "gp_consultation", child, day, f"iron deficiency anaemia ({cause})")


#: How social care records a return home: the looked-after return's code, or its own words.
_RETURN_RECORDS: Final = (
    {"reason_ceased": "E4A"},
    {"reason_ceased": "E4B"},
    {"note": "returned home to live with parents"},
    {"note": "child returned to mother's care"},
)


def return_home(hh: Household, led: Ledger, rng: random.Random, child: Person, a: int, b: int) -> None:
    """Children going home from care, and the new referrals many have in the year after."""
    m = multiplier(hh, "social_care")
    for day in dates(rng, per_child_year("return_home_from_care") * m, a, b):
        attrs = dict(rng.choice(_RETURN_RECORDS))
        led.add(CSC, "looked_after", day, (child.slot,), (hh.mother.slot,), attrs)
        if rng.random() < rate("return_home_new_referral"):
            referred = day + rng.randint(14, 365)
            if referred < b:
                attrs = {"from_agency": pick(rng, referral_source()), "outcome": pick(rng, OUTCOMES)}
                led.add(CSC, "referral", referred, (child.slot,), (hh.mother.slot,), attrs)


def _diagnosis(led: Ledger, kind: str, child: Person, day: int, diagnosis: str) -> None:
    led.add(HEALTH, kind, day, (child.slot,), (), {"diagnosis": diagnosis})


def _missing_found_where(led: Ledger, rng: random.Random) -> None:
    """Where police found the child, on the background missing episodes police.py wrote."""
    for item in led.items:
        if item.kind == "missing_person" and item.attrs and set(item.attrs) == {"found_within_hours"}:
            item.attrs["found_out_of_area"] = rng.random() < rate("missing_found_out_of_area")


_PROCESSES: Final[tuple[Process, ...]] = (
    youth_police,
    out_of_school,
    exclusions,
    exploitation_concerns,
    nutrition,
    return_home,
)
