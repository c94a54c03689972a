"""Background event processes: the ordinary, mostly benign traffic every agency records.

Each process draws a Poisson count over a person's exposure and spreads the dates uniformly,
so realised rates match the calibrated rates in `rates.py` on average. Plenty of it looks
worrying on its own (an injury, a one-off domestic incident, absence from illness); that is
deliberate, because alerts must be judged against it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Final

from alarmbell.synth.households import YEAR, Household, Person, poisson
from alarmbell.synth.injuries import accidental_injury
from alarmbell.synth.rates import normalised_multipliers, rate

#: Share of events each agency records some days after they happened.
_LATE_SHARE: Final[dict[str, float]] = {
    "police": 0.15,
    "health": 0.10,
    "education": 0.20,
    "children_social_care": 0.30,
}
PERSON_ATTRS: Final[tuple[str, ...]] = ("victim", "perpetrator")


@dataclass(slots=True)
class Item:
    """One event before rendering; persons are household slots, mapped to source_ids later."""

    agency: str
    kind: str
    day: int
    recorded: int
    subjects: tuple[int, ...]
    others: tuple[int, ...]
    attrs: dict[str, Any] | None
    text: str | None


@dataclass(slots=True)
class Ledger:
    """Everything the agencies recorded about one household."""

    rng: random.Random
    items: list[Item] = field(default_factory=list)
    holds: dict[str, set[int]] = field(default_factory=dict)  # agency -> slots on file
    floor: int | None = None  # while set, events before this day are not kept (burn-in)

    def add(
        self,
        agency: str,
        kind: str,
        day: int,
        subjects: tuple[int, ...],
        others: tuple[int, ...] = (),
        attrs: dict[str, Any] | None = None,
        text: str | None = None,
    ) -> None:
        if self.floor is not None and day < self.floor:
            return
        rng = self.rng
        recorded = day + rng.randint(1, 7) if rng.random() < _LATE_SHARE[agency] else day
        self.items.append(Item(agency, kind, day, recorded, subjects, others, attrs, text))

    def hold(self, agency: str, slot: int) -> None:
        """The agency has a record of this person even without an event naming them."""
        self.holds.setdefault(agency, set()).add(slot)


def dates(rng: random.Random, per_year: float, a: int, b: int) -> list[int]:
    """Poisson-many uniform days in [a, b) for a process of `per_year` events a year."""
    if b <= a:
        return []
    n = poisson(rng, per_year * (b - a) / YEAR)
    return sorted(a + int(rng.random() * (b - a)) for _ in range(n))


def pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    """A value from (value, weight) pairs whose weights sum to 1."""
    u = rng.random()
    for value, weight in weighted:
        u -= weight
        if u < 0:
            return value
    return weighted[-1][0]


def multiplier(hh: Household, family: str) -> float:
    return normalised_multipliers(family)[hh.adversity]


_ED_REASONS: Final = ("fever", "breathing difficulty", "vomiting", "rash", "asthma", "ear pain")
_GP_REASONS: Final = ("cough", "ear infection", "eczema", "viral illness", "asthma review", "rash")
_SERVICES: Final = ("GP", "dental", "paediatric outpatients", "audiology", "orthoptics", "speech")


def _under5(child: Person) -> int:
    return child.dob + 1826


def health_background(hh: Household, led: Ledger, child: Person, a: int, b: int) -> None:
    """GP, A&E, health visiting, growth and missed appointments for one child."""
    rng, mother = hh.rng, hh.mother.slot
    u5 = _under5(child)
    for day in dates(rng, rate("gp_0_4"), a, min(b, u5)) + dates(rng, rate("gp_5_17"), max(a, u5), b):
        led.add(
            "health",
            "gp_consultation",
            day,
            (child.slot,),
            (mother,),
            {"reason": rng.choice(_GP_REASONS)},
        )
    ed_0_4 = rate("ed_0_4") / 1000
    for day in dates(rng, ed_0_4, a, min(b, u5)) + dates(rng, rate("ed_5_17") / 1000, max(a, u5), b):
        _ed_attendance(hh, led, child, day)
    for day in dates(rng, rate("health_visitor_0_2"), a, min(b, child.dob + 730)):
        led.add(
            "health",
            "health_visitor_contact",
            day,
            (child.slot,),
            (mother,),
            {"concerns_recorded": False},
        )
    base = _base_centile(rng)
    for day in dates(rng, rate("growth_0_2"), a, min(b, child.dob + 730)) + dates(
        rng, rate("growth_3_17"), max(a, child.dob + 1096), b
    ):
        led.add(
            "health",
            "growth_measurement",
            day,
            (child.slot,),
            (),
            growth_attrs(child, day, base + rng.gauss(0, 3), False),
        )
    missed = rate("missed_appointment") * multiplier(hh, "health_missed")
    for day in dates(rng, missed, a, b):
        missed_appointment(led, child, day, rng)


def _base_centile(rng: random.Random) -> float:
    """Mostly mid-range; about 5% constitutionally small and growing steadily (benign)."""
    if rng.random() < 0.05:
        return rng.uniform(1.0, 6.0)
    return rng.uniform(9.0, 91.0)


def growth_attrs(child: Person, day: int, centile: float, loss: bool) -> dict[str, Any]:
    """Weight from a rough age curve shifted by centile; good enough to look like a chart."""
    years = (day - child.dob) / YEAR
    median = (
        3.4 + 6.5 * min(years, 1.0) + 2.3 * max(0.0, min(years, 10.0) - 1.0) + 5.0 * max(0.0, years - 10.0)
    )
    c = min(99.6, max(0.4, centile))
    weight = median * (1 + (c - 50) / 250)
    return {"weight_kg": round(weight, 1), "weight_centile": round(c, 1), "weight_loss": loss}


def _ed_attendance(hh: Household, led: Ledger, child: Person, day: int) -> None:
    rng = hh.rng
    attrs = accidental_injury(rng, child, day)
    if attrs is None:
        attrs = {"reason": rng.choice(_ED_REASONS)}
    led.add("health", "ed_attendance", day, (child.slot,), (hh.mother.slot,), attrs)


def missed_appointment(led: Ledger, child: Person, day: int, rng: random.Random) -> None:
    kind = (
        "immunisation_missed" if child.age_days(day) < 1826 and rng.random() < 0.3 else ("missed_appointment")
    )
    service = "immunisation" if kind == "immunisation_missed" else rng.choice(_SERVICES)
    led.add(
        "health",
        kind,
        day,
        (child.slot,),
        (),
        {"was_not_brought": child.age_days(day) < 5844, "service": service},
    )


def adult_health(hh: Household, led: Ledger) -> None:
    """The mother's GP contacts and maternity care for births inside the window."""
    rng, mother = hh.rng, hh.mother
    led.hold("health", mother.slot)
    for day in dates(rng, rate("gp_adult"), hh.start, hh.end):
        led.add(
            "health",
            "gp_consultation",
            day,
            (mother.slot,),
            (),
            {"reason": rng.choice(("back pain", "contraception", "low mood", "infection"))},
        )
    for child in hh.children:
        if hh.start <= child.dob < hh.end:
            booking = child.dob - rng.randint(180, 230)
            if booking >= hh.start:
                led.add("health", "maternity", booking, (mother.slot,), (), {"stage": "booking"})
            led.add("health", "maternity", child.dob, (child.slot,), (mother.slot,), {"stage": "birth"})
    for man in hh.men:
        if rng.random() < (0.7 if man.kind == "father" else 0.35):
            led.hold("health", man.slot)
    for day in dates(rng, 0.04 * multiplier(hh, "health_missed"), hh.start, hh.end):
        led.add("health", "mental_health_contact", day, (mother.slot,), ())


def moves_background(hh: Household, led: Ledger, child: Person, a: int, b: int) -> None:
    """GP registration changes after a move: the health record hears about most moves."""
    for day, _code in hh.moves[1:]:
        told = day + hh.rng.randint(7, 90)
        if a <= day and told < b and hh.rng.random() < 0.5:
            led.add("health", "registration_change", told, (child.slot,))
