"""Per-agency identity noise: how each agency's record of a person differs from the truth.

The rates are assumptions, documented in docs/synthetic.md, chosen to reproduce what
linkage work on real agency data reports: police and social care record names as heard
(typos, nicknames, dropped diacritics, the wrong surname for a child), health records carry
NHS numbers, schools carry UPNs, and every agency misses some house moves.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from alarmbell.synth import names
from alarmbell.synth.households import Household, Person, iso
from alarmbell.synth.ids import IdScheme, random_nhs_number


@dataclass(frozen=True, slots=True)
class NoiseRates:
    """Probabilities per person record in one agency (stale_postcode is per house move)."""

    typo_family: float
    typo_given: float
    fold_diacritics: float  # of names that have diacritics
    nickname: float  # of names that have a known short form
    other_surname: float  # a child under the mother's or her partner's surname
    dob_transposed: float  # day and month swapped (when the day is 12 or less)
    dob_missing: float
    stale_postcode: float  # chance the agency never hears of a move
    postcode_missing: float
    nhs_child: float  # share of child records with an NHS number
    nhs_adult: float
    nhs_wrong: float  # of recorded NHS numbers: a valid number of somebody else
    nhs_typo: float  # of recorded NHS numbers: two adjacent digits swapped
    upn: float  # share of child records aged 3+ with a UPN
    sex_unknown: float


NOISE: Final[dict[str, NoiseRates]] = {
    "police": NoiseRates(
        0.04, 0.03, 0.70, 0.10, 0.08, 0.020, 0.05, 0.50, 0.10, 0.0, 0.0, 0.0, 0.0, 0.0, 0.02
    ),
    "health": NoiseRates(
        0.01, 0.01, 0.40, 0.02, 0.03, 0.005, 0.0, 0.20, 0.0, 0.99, 0.95, 0.002, 0.003, 0.0, 0.0
    ),
    "education": NoiseRates(
        0.02, 0.015, 0.30, 0.05, 0.05, 0.005, 0.0, 0.15, 0.02, 0.0, 0.0, 0.0, 0.0, 0.98, 0.0
    ),
    "children_social_care": NoiseRates(
        0.03, 0.02, 0.50, 0.08, 0.06, 0.015, 0.03, 0.40, 0.05, 0.35, 0.10, 0.01, 0.02, 0.0, 0.01
    ),
}

_NEIGHBOURS: Final[str] = "qwertyuiopasdfghjklzxcvbnm"


def typo(rng: random.Random, text: str) -> str:
    """One keying error: swap, drop, double or mistype a letter (never the first)."""
    if len(text) < 3:
        return text
    i = rng.randint(1, len(text) - 2)
    op = rng.random()
    if op < 0.3:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op < 0.55:
        return text[:i] + text[i + 1 :]
    if op < 0.75:
        return text[:i] + text[i] + text[i:]
    k = _NEIGHBOURS.find(text[i].lower())
    swap = _NEIGHBOURS[(k + 1) % len(_NEIGHBOURS)] if k >= 0 else "e"
    return text[:i] + swap + text[i + 1 :]


def _given(rng: random.Random, person: Person, r: NoiseRates) -> str:
    given = person.given
    short = names.NICKNAMES.get(given)
    if short and rng.random() < r.nickname:
        given = short[int(rng.random() * len(short))]
    if given in names.FOLDED and rng.random() < r.fold_diacritics:
        given = names.FOLDED[given]
    return typo(rng, given) if rng.random() < r.typo_given else given


def _family(rng: random.Random, hh: Household, person: Person, r: NoiseRates, day: int) -> str:
    family = person.family
    if person.is_child and rng.random() < r.other_surname:
        man = hh.man_present(day)
        options = [p.family for p in (hh.mother, man) if p is not None and p.family != family]
        if options:
            family = options[int(rng.random() * len(options))]
    if family in names.FOLDED and rng.random() < r.fold_diacritics:
        family = names.FOLDED[family]
    return typo(rng, family) if rng.random() < r.typo_family else family


def _dob(rng: random.Random, person: Person, r: NoiseRates) -> str | None:
    if rng.random() < r.dob_missing:
        return None
    text = iso(person.dob)
    if rng.random() < r.dob_transposed:
        d = date.fromordinal(person.dob)
        if d.day <= 12 and d.day != d.month:
            text = f"{d.year:04d}-{d.day:02d}-{d.month:02d}"
    return text


def known_postcode(rng: random.Random, hh: Household, r: NoiseRates, first: int, last: int) -> str:
    """The address as of first contact, updated for each later move the agency hears of."""
    code = hh.postcode_on(first)
    for day, new in hh.moves[1:]:
        if first < day <= last and rng.random() >= r.stale_postcode:
            code = new
    return code


def _nhs(rng: random.Random, scheme: IdScheme, hh: Household, person: Person, r: NoiseRates) -> str | None:
    share = r.nhs_child if person.is_child else r.nhs_adult
    if rng.random() >= share:
        return None
    u = rng.random()
    if u < r.nhs_wrong:
        return random_nhs_number(rng)
    number = scheme.nhs_number(hh.index, person.slot)
    if u < r.nhs_wrong + r.nhs_typo:
        i = rng.randint(0, 8)
        number = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
    return number


def person_record(
    *,
    agency: str,
    source_id: str,
    hh: Household,
    person: Person,
    scheme: IdScheme,
    first: int,
    last: int,
) -> dict[str, Any]:
    """The agency's record of `person`, as known between first and last contact."""
    rng, r = hh.rng, NOISE[agency]
    rec: dict[str, Any] = {
        "type": "person",
        "agency": agency,
        "source_id": source_id,
        "given_name": _given(rng, person, r),
        "family_name": _family(rng, hh, person, r, last),
    }
    dob = _dob(rng, person, r)
    if dob is not None:
        rec["dob"] = dob
    rec["sex"] = "U" if rng.random() < r.sex_unknown else person.sex
    if rng.random() >= r.postcode_missing:
        rec["postcode"] = known_postcode(rng, hh, r, first, last)
    nhs = _nhs(rng, scheme, hh, person, r)
    if nhs is not None:
        rec["nhs_number"] = nhs
    if r.upn and person.is_child and rng.random() < r.upn:
        year = date.fromordinal(max(first, person.dob + 1096)).year
        rec["upn"] = scheme.upn(hh.index, person.slot, year)
    rec["role_hint"] = "child" if person.is_child else "adult"
    return rec
