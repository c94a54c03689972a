"""Identifiers for synthetic people and records: agency source_ids, NHS numbers, UPNs, postcodes.

Source ids are an affine permutation modulo a prime of (household, slot) keys, different per
agency: unique within an agency, stable for a seed, and carrying no hint of which records in
other agencies belong to the same person (a linker must not be able to cheat on ids).
NHS numbers and UPNs are bijections of the person key, so no two synthetic people share one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

from alarmbell.domain.identifiers import nhs_check_digit, upn_check_letter

AGENCY_PREFIX: Final[dict[str, str]] = {
    "police": "POL",
    "health": "HEA",
    "education": "EDU",
    "children_social_care": "CSC",
}
SYNTH_AGENCIES: Final[tuple[str, ...]] = tuple(AGENCY_PREFIX)

SLOTS_PER_HOUSEHOLD: Final[int] = 16
EVENTS_PER_HOUSEHOLD: Final[int] = 100_000
MAX_HOUSEHOLDS: Final[int] = 6_000_000
_ID_PRIME: Final[int] = 999_999_999_989
_NHS_PRIME: Final[int] = 99_999_989
_UPN_PRIME: Final[int] = 9_999_991
#: Local authority codes used as the first three UPN digits (invented spread of real-looking codes).
_UPN_LA: Final[tuple[str, ...]] = (
    "331",
    "330",
    "332",
    "333",
    "334",
    "335",
    "336",
    "380",
    "381",
    "382",
    "383",
    "384",
    "936",
)


@dataclass(frozen=True, slots=True)
class IdScheme:
    """Per-agency permutation constants, derived from the seed."""

    mult: dict[str, int]
    offset: dict[str, int]
    nhs_mult: int
    upn_mult: int

    @classmethod
    def from_seed(cls, seed: int) -> IdScheme:
        rng = random.Random(f"{seed}:ids")
        mult = {a: rng.randrange(2, _ID_PRIME) for a in SYNTH_AGENCIES}
        offset = {a: rng.randrange(0, _ID_PRIME) for a in SYNTH_AGENCIES}
        return cls(mult, offset, rng.randrange(2, _NHS_PRIME), rng.randrange(2, _UPN_PRIME))

    def _scramble(self, agency: str, key: int) -> int:
        return (key * self.mult[agency] + self.offset[agency]) % _ID_PRIME

    def person_id(self, agency: str, household: int, slot: int) -> str:
        key = household * SLOTS_PER_HOUSEHOLD + slot
        return f"{AGENCY_PREFIX[agency]}-P{self._scramble(agency, key):012d}"

    def duplicate_person_id(self, agency: str, household: int, slot: int) -> str:
        """The id of an agency's second record of a person: keys above every first record's."""
        key = (MAX_HOUSEHOLDS + household) * SLOTS_PER_HOUSEHOLD + slot
        return f"{AGENCY_PREFIX[agency]}-P{self._scramble(agency, key):012d}"

    def event_id(self, agency: str, household: int, n: int) -> str:
        key = household * EVENTS_PER_HOUSEHOLD + n
        return f"{AGENCY_PREFIX[agency]}-E{self._scramble(agency, key):012d}"

    def relationship_id(self, agency: str, household: int, n: int) -> str:
        key = household * EVENTS_PER_HOUSEHOLD + n
        return f"{AGENCY_PREFIX[agency]}-R{self._scramble(agency, key):012d}"

    def nhs_number(self, household: int, slot: int) -> str:
        """A valid, unique NHS number: skip leading digits whose body has no check digit."""
        key = household * SLOTS_PER_HOUSEHOLD + slot
        body = f"{(key * self.nhs_mult) % _NHS_PRIME:08d}"
        for lead in "456789123":
            check = nhs_check_digit(lead + body)
            if check is not None:
                return f"{lead}{body}{check}"
        raise ValueError(f"no valid NHS number for key {key}")  # pragma: no cover

    def upn(self, household: int, slot: int, year_allocated: int) -> str:
        """A valid, unique UPN: LA code, two-digit year, seven-digit serial, check letter first."""
        key = household * SLOTS_PER_HOUSEHOLD + slot
        la = _UPN_LA[key // _UPN_PRIME % len(_UPN_LA)]
        serial = (key % _UPN_PRIME) * self.upn_mult % _UPN_PRIME
        body = f"{la}{year_allocated % 100:02d}{serial:07d}"
        return upn_check_letter(body) + body


def random_nhs_number(rng: random.Random) -> str:
    """A valid NHS number for nobody in particular (a wrongly recorded number)."""
    while True:
        body = f"{rng.randrange(400_000_000, 800_000_000):09d}"
        check = nhs_check_digit(body)
        if check is not None:
            return f"{body}{check}"


_AREAS: Final[tuple[str, ...]] = (
    "CV",
    "B",
    "LS",
    "M",
    "NG",
    "LE",
    "S",
    "BS",
    "L",
    "NE",
    "SE",
    "E",
    "N",
    "SW",
    "WV",
    "DY",
    "ST",
    "DE",
    "HU",
    "BD",
    "PR",
    "BL",
    "OL",
    "SK",
    "WS",
    "PE",
    "NR",
    "IP",
    "PL",
    "EX",
)
_UNIT_LETTERS: Final[str] = "ABDEFGHJLNPQRSTUWXYZ"


def postcode(rng: random.Random, area: str | None = None) -> str:
    """A well-formed, invented UK postcode; `area` keeps most moves local."""
    area = area or rng.choice(_AREAS)
    unit = rng.choice(_UNIT_LETTERS) + rng.choice(_UNIT_LETTERS)
    return f"{area}{rng.randint(1, 30)} {rng.randint(0, 9)}{unit}"


def postcode_area(code: str) -> str:
    """The letters before the district number."""
    return code[: 2 if code[1].isalpha() else 1]
