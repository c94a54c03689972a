"""People and households over time: who lives where, with whom, and when that changes.

A household is built from its own seeded generator, so households are independent and can be
generated in any order, in any process, with the same result. Dates are proleptic ordinals
(`date.toordinal()`) throughout: integer arithmetic is the cheapest thing on the hot path.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from alarmbell.synth import names
from alarmbell.synth.ids import postcode, postcode_area
from alarmbell.synth.rates import ADVERSITY_SHARES, rate

YEAR: Final[float] = 365.25
ADULT_AGE_DAYS: Final[int] = 6574  # 18 years
MOTHER, FATHER = 0, 1
FIRST_PARTNER_SLOT, LAST_PARTNER_SLOT = 2, 5
FIRST_CHILD_SLOT: Final[int] = 6


@dataclass(slots=True)
class Person:
    """One true person. `joined`/`left` bound their time in the household (ordinals)."""

    slot: int
    kind: str  # mother, father, partner, child
    sex: str
    given: str
    family: str
    dob: int
    joined: int
    left: int | None = None
    history: tuple[str, ...] = ()
    former_family: str | None = None  # a surname before the partnership, still on older records

    @property
    def is_child(self) -> bool:
        return self.kind == "child"

    def present(self, day: int) -> bool:
        return self.joined <= day and (self.left is None or day < self.left)

    def age_days(self, day: int) -> int:
        return day - self.dob


@dataclass(slots=True)
class Household:
    """A household's people and addresses across the window [start, end)."""

    index: int
    rng: random.Random
    start: int
    end: int
    adversity: int
    people: list[Person] = field(default_factory=list)
    moves: list[tuple[int, str]] = field(default_factory=list)  # (day, postcode), first is the start

    @property
    def mother(self) -> Person:
        return self.people[0]

    @property
    def children(self) -> list[Person]:
        return [p for p in self.people if p.is_child]

    @property
    def men(self) -> list[Person]:
        return [p for p in self.people if p.kind in ("father", "partner")]

    def man_present(self, day: int) -> Person | None:
        for p in self.people:
            if p.kind in ("father", "partner") and p.present(day):
                return p
        return None

    def child_window(self, child: Person) -> tuple[int, int]:
        """The part of the window in which `child` is alive and under 18."""
        return max(self.start, child.dob), min(self.end, child.dob + ADULT_AGE_DAYS)

    def postcode_on(self, day: int) -> str:
        current = self.moves[0][1]
        for moved, code in self.moves:
            if moved > day:
                break
            current = code
        return current


def _pick(rng: random.Random, values: tuple[str, ...]) -> str:
    return values[int(rng.random() * len(values))]


def _child_dobs(rng: random.Random, n: int, start: int, end: int) -> list[int]:
    """Birth dates for n siblings spaced 11-60 months apart, all under 18 at some point."""
    gaps = [0 if rng.random() < rate("twin_gap") else rng.randint(330, 1800) for _ in range(n - 1)]
    span = sum(gaps)
    lo, hi = start - ADULT_AGE_DAYS + 1, end - 1
    if span > hi - lo:
        gaps = [g * (hi - lo) // (span + 1) for g in gaps]
        span = sum(gaps)
    first = rng.randint(lo, hi - span)
    dobs = [first]
    for g in gaps:
        dobs.append(dobs[-1] + g)
    return dobs


def _adult(rng: random.Random, slot: int, kind: str, family: str, dob: int, joined: int) -> Person:
    sex = "F" if kind == "mother" else "M"
    given = _pick(rng, names.GIVEN_F if sex == "F" else names.GIVEN_M)
    return Person(slot, kind, sex, given, family, dob, joined)


def _partner(hh: Household, joined: int, violent: bool = False) -> Person | None:
    """A new partner of the mother, joining on `joined`; None when no slot is free."""
    slot = FIRST_PARTNER_SLOT + sum(1 for p in hh.people if p.kind == "partner")
    if slot > LAST_PARTNER_SLOT:
        return None
    rng = hh.rng
    dob = hh.mother.dob + rng.randint(-3000, 4000)
    p = _adult(rng, slot, "partner", _pick(rng, names.FAMILY), dob, joined)
    if violent or rng.random() < rate("adult_violence_history"):
        p.history = ("violence",)
    hh.people.append(p)
    return p


def _founding_adults(hh: Household, first_dob: int) -> tuple[str, str]:
    """Mother (and father or partner); returns the children's and the mother's surnames."""
    rng = hh.rng
    age_at_first = int(rng.triangular(17, 38, 26) * YEAR)
    mother_dob = first_dob - age_at_first - rng.randint(0, 364)
    family = _pick(rng, names.FAMILY)
    mother_family = family if rng.random() < 0.7 else _pick(rng, names.FAMILY)
    early = hh.start - 20 * 366
    hh.people.append(_adult(rng, MOTHER, "mother", mother_family, mother_dob, early))
    u = rng.random()
    if u < 0.62:
        father_dob = mother_dob - rng.randint(-700, 2500)
        hh.people.append(_adult(rng, FATHER, "father", family, father_dob, early))
    elif u < 0.70:
        _partner(hh, hh.start - rng.randint(30, 2000))
    elif rng.random() < 0.6:
        family = mother_family
    return family, mother_family


def _partner_changes(hh: Household) -> None:
    """Partners leave and new partners join, year by year through the window."""
    rng = hh.rng
    for year_start in range(hh.start, hh.end, 365):
        day = year_start + rng.randrange(365)
        if day >= hh.end:
            return
        man = hh.man_present(day)
        if man is not None and rng.random() < rate("partner_leaves"):
            man.left = day
        elif man is None and rng.random() < rate("partner_joins"):
            _partner(hh, day)


def _house_moves(hh: Household, area: str) -> None:
    rng = hh.rng
    hh.moves.append((hh.start - 3650, postcode(rng, area)))
    years = (hh.end - hh.start) / YEAR
    days = sorted(rng.randrange(hh.start, hh.end) for _ in range(poisson(rng, rate("house_move") * years)))
    for d in days:
        hh.moves.append((d, postcode(rng, area if rng.random() < 0.8 else None)))


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method: exact, and cheap for the small means used here."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, lam**0.5)))
    limit = 2.718281828459045 ** (-lam)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _adversity(rng: random.Random) -> int:
    u = rng.random()
    acc = 0.0
    for level, share in enumerate(ADVERSITY_SHARES):
        acc += share
        if u < acc:
            return level
    return len(ADVERSITY_SHARES) - 1


def build_household(seed: int, index: int, n_children: int, start: int, end: int) -> Household:
    """A household with `n_children` children, its adults, partner changes and moves."""
    rng = random.Random(f"{seed}:{index}")
    hh = Household(index, rng, start, end, _adversity(rng))
    dobs = _child_dobs(rng, n_children, start, end)
    family, mother_family = _founding_adults(hh, dobs[0])
    for i, dob in enumerate(dobs):
        sex = "F" if rng.random() < 0.49 else "M"
        given = _pick(rng, names.GIVEN_F if sex == "F" else names.GIVEN_M)
        hh.people.append(Person(FIRST_CHILD_SLOT + i, "child", sex, given, family, dob, dob))
    _partner_changes(hh)
    _house_moves(hh, postcode_area(postcode(rng)))
    return hh


def add_name_history(hh: Household, rng: random.Random) -> None:
    """Juniors (a son with his father's given name) and mothers' former surnames.

    Drawn from the caller's identity generator, never from `hh.rng`, so the events a household
    produces are the same with or without them.
    """
    father = next((p for p in hh.people if p.kind == "father"), None)
    if father is None:
        return
    sons = [c for c in hh.children if c.sex == "M"]
    if sons and rng.random() < rate("junior"):
        sons[0].given = father.given
    mother = hh.mother
    if mother.family == father.family and rng.random() < rate("former_surname"):
        others = [f for f in names.FAMILY if f != mother.family]
        mother.former_family = _pick(rng, tuple(others))


def add_partner(hh: Household, joined: int, violent: bool) -> Person | None:
    """Used by harm trajectories: a (possibly violent) partner moves in on `joined`."""
    hh.people = [p for p in hh.people if not (p.kind == "partner" and p.joined >= joined)]
    man = hh.man_present(joined)
    if man is not None:
        man.left = max(man.joined + 1, joined - hh.rng.randint(14, 120))
    for p in hh.men:
        if p.left is not None and p.left > joined and p is not man:
            p.left = joined
    return _partner(hh, joined, violent)


def iso(day: int, _cache: dict[int, str] = {}) -> str:  # noqa: B006 - deliberate memo
    """ISO date for an ordinal, memoised: the same few thousand days recur millions of times."""
    text = _cache.get(day)
    if text is None:
        text = date.fromordinal(day).isoformat()
        _cache[day] = text
    return text
