"""Per-agency identity noise: how each agency's record of a person differs from the truth.

The rates (rates.NOISE, documented with their sources in docs/synthetic.md) follow pseudopeople's
noise types and the published error and duplicate rates of NHS, school and police records where
they exist; elsewhere they are labelled assumptions. Police and social care record names as
heard (typos, phonetic spellings, nicknames, transliterations, the wrong surname for a child),
health is the cleanest source, and every agency misses some house moves and holds some people
twice under two source ids.

Every draw comes from a generator seeded per (seed, household, agency, person), never from the
household's own generator, so identity noise never changes which events a household produces.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from alarmbell.synth import corruptions, names
from alarmbell.synth.households import Household, Person, iso
from alarmbell.synth.ids import IdScheme, random_nhs_number
from alarmbell.synth.rates import NOISE, NoiseRates

__all__ = ["NOISE", "NoiseRates", "Duplicate", "duplicate_of", "key_postcode", "noise_rng", "person_record"]

#: What agencies type when they do not have the given name.
_FAKE_GIVEN: Final[tuple[str, ...]] = ("Unknown", "Not Known", "NK")
#: A baby registered before its name is known (NHS Digital NBO case study).
_BABY_DAYS: Final[int] = 42


def noise_rng(seed: int, household: int, agency: str, slot: int) -> random.Random:
    """The identity-noise generator for one agency's record(s) of one person."""
    return random.Random(f"{seed}:noise:{household}:{agency}:{slot}")


def _name_errors(rng: random.Random, name: str, r: NoiseRates, typo_rate: float) -> str:
    """Transliteration, lost diacritics, then errors of hearing, reading and typing."""
    if name in names.TRANSLITERATIONS and rng.random() < r.transliterate:
        name = corruptions.variant(rng, name, names.TRANSLITERATIONS)
    if name in names.FOLDED and rng.random() < r.fold_diacritics:
        name = names.FOLDED[name]
    if rng.random() < r.phonetic:
        name = corruptions.phonetic_error(rng, name)
    if rng.random() < r.ocr:
        name = corruptions.ocr_error(rng, name)
    return corruptions.keyboard_typo(rng, name) if rng.random() < typo_rate else name


def _given(rng: random.Random, person: Person, r: NoiseRates, first: int) -> str:
    if rng.random() < r.fake_given:
        if person.is_child and first - person.dob < _BABY_DAYS:
            return "Baby"
        return _FAKE_GIVEN[int(rng.random() * len(_FAKE_GIVEN))]
    given = person.given
    if given in names.NICKNAMES and rng.random() < r.nickname:
        given = corruptions.variant(rng, given, names.NICKNAMES)
    return _name_errors(rng, given, r, r.typo_given)


def _family(rng: random.Random, hh: Household, person: Person, r: NoiseRates, day: int) -> str:
    family = person.family
    if person.former_family and rng.random() < r.former_surname:
        family = person.former_family
    if person.is_child and rng.random() < r.other_surname:
        man = hh.man_present(day)
        options = [p.family for p in (hh.mother, man) if p is not None and p.family != family]
        if options:
            family = options[int(rng.random() * len(options))]
    return _name_errors(rng, family, r, r.typo_family)


def _household_dob(rng: random.Random, hh: Household, person: Person) -> date | None:
    """Another household member's date of birth: a sibling's for a child, else anyone's."""
    others = [p for p in hh.people if p is not person and p.is_child == person.is_child]
    others = others or [p for p in hh.people if p is not person]
    return date.fromordinal(others[int(rng.random() * len(others))].dob) if others else None


def _dob(rng: random.Random, hh: Household, person: Person, r: NoiseRates) -> str | None:
    u = rng.random()
    true = date.fromordinal(person.dob)
    if u < r.dob_missing:
        return None
    u -= r.dob_missing
    if u < r.dob_partial:
        return corruptions.partial_dob(rng, true)
    u -= r.dob_partial
    if u < r.dob_transposed:
        return corruptions.swap_day_month(true)
    u -= r.dob_transposed
    if u < r.dob_household:
        copied = _household_dob(rng, hh, person)
        return copied.isoformat() if copied else iso(person.dob)
    u -= r.dob_household
    if u < r.dob_wrong_digit:
        return corruptions.wrong_digit(rng, true, date.fromordinal(hh.end - 1))
    return iso(person.dob)


def known_postcode(rng: random.Random, hh: Household, r: NoiseRates, first: int, last: int) -> str:
    """The address as of first contact, updated for each later move the agency hears of."""
    code = hh.postcode_on(first)
    for day, new in hh.moves[1:]:
        if first < day <= last and rng.random() >= r.stale_postcode:
            code = new
    return code


def key_postcode(rng: random.Random, rec: dict[str, Any]) -> None:
    """A keying error in the record's postcode, at the agency's `postcode_keyed` rate.

    Called for each of an agency's records of a person after every other draw for them (names,
    date of birth, identifiers, the duplicate), so adding it changed no other value in a seeded
    population: only postcodes differ.
    """
    if "postcode" in rec and rng.random() < NOISE[rec["agency"]].postcode_keyed:
        rec["postcode"] = corruptions.postcode_keying_error(rng, rec["postcode"])


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


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A second record of one person in one agency: its id and the day the agency opened it.

    Events from that day on are recorded against the new record, as when a school re-registers
    a child who moved, a trust's PAS creates a second patient record or police create a second
    nominal for someone who gave other details.
    """

    source_id: str
    opened: int


def duplicate_of(
    rng: random.Random, *, agency: str, scheme: IdScheme, hh: Household, person: Person, first: int, last: int
) -> Duplicate | None:
    """Whether the agency holds `person` twice, and from when: a day after first contact, or the
    day of the only contact (a second record made at once, the first keeping no events)."""
    if rng.random() >= NOISE[agency].duplicate:
        return None
    opened = rng.randint(first + 1, last) if last > first else first
    return Duplicate(scheme.duplicate_person_id(agency, hh.index, person.slot), opened)


def _identifiers(
    rec: dict[str, Any], rng: random.Random, scheme: IdScheme, hh: Household, person: Person, first: int
) -> None:
    """NHS number and UPN as the agency holds them."""
    r = NOISE[rec["agency"]]
    nhs = _nhs(rng, scheme, hh, person, r)
    if nhs is not None:
        rec["nhs_number"] = nhs
    if r.upn and person.is_child and rng.random() < r.upn:
        year = date.fromordinal(max(first, person.dob + 1096)).year
        rec["upn"] = scheme.upn(hh.index, person.slot, year)


def _duplicate_identifiers(rec: dict[str, Any], rng: random.Random, original: dict[str, Any]) -> None:
    """A duplicate was made because the existing record was not found: half the time its number
    was not either (none recorded, or, for NHS numbers, a second one allocated as in the NBO's
    duplicate cases); otherwise the same number was recorded."""
    for key in ("nhs_number", "upn"):
        if key not in original or rng.random() < 0.5:
            continue
        rec[key] = original[key]
    if "nhs_number" in original and "nhs_number" not in rec and rng.random() < 0.5:
        rec["nhs_number"] = random_nhs_number(rng)


def person_record(
    *,
    agency: str,
    source_id: str,
    hh: Household,
    person: Person,
    scheme: IdScheme,
    first: int,
    last: int,
    rng: random.Random,
    original: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The agency's record of `person`, as known between first and last contact.

    `original` is the agency's first record when this one is its duplicate: the names and date of
    birth are drawn again (a second registration is typed afresh), the identifiers may be lost.
    """
    r = NOISE[agency]
    rec: dict[str, Any] = {
        "type": "person",
        "agency": agency,
        "source_id": source_id,
        "given_name": _given(rng, person, r, first),
        "family_name": _family(rng, hh, person, r, last),
    }
    dob = _dob(rng, hh, person, r)
    if dob is not None:
        rec["dob"] = dob
    rec["sex"] = "U" if rng.random() < r.sex_unknown else person.sex
    if rng.random() >= r.postcode_missing:
        rec["postcode"] = known_postcode(rng, hh, r, first, last)
    if original is None:
        _identifiers(rec, rng, scheme, hh, person, first)
    else:
        _duplicate_identifiers(rec, rng, original)
    rec["role_hint"] = "child" if person.is_child else "adult"
    return rec
