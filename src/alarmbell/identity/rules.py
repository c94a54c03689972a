"""Deterministic linkage rules, strongest first, with the checks that keep people apart.

These are the first step of identity. The probabilistic model (Splink) comes after them and
never overrides a conflict found here.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from alarmbell.domain.identifiers import nhs_number_is_valid, upn_is_valid
from alarmbell.identity.names import edit_distance_at_most_one, fold_name, linkable_given


@dataclass(frozen=True, slots=True)
class LinkCandidate:
    """The fields of a source person record that linkage looks at.

    `given` is empty for a placeholder ("Baby", "Twin 1": `names.PLACEHOLDER_GIVEN`), so no
    rule joins two records on it: newborn twins share the placeholder, the surname and the date.
    """

    record_id: int
    agency: str
    source_id: str
    given: str
    family: str
    dob: str | None
    sex: str | None
    postcode: str | None
    nhs: str | None
    upn: str | None

    @classmethod
    def build(
        cls,
        record_id: int,
        agency: str,
        source_id: str,
        *,
        given_name: str | None,
        family_name: str | None,
        dob: str | None,
        sex: str | None,
        postcode: str | None,
        nhs_number: str | None,
        upn: str | None,
    ) -> LinkCandidate:
        return cls(
            record_id=record_id,
            agency=agency,
            source_id=source_id,
            given=linkable_given(given_name),
            family=fold_name(family_name),
            dob=dob if dob and len(dob) == 10 else None,
            sex=sex if sex in ("M", "F") else None,
            postcode=sys.intern((postcode or "").replace(" ", "")) or None,
            nhs=nhs_number if nhs_number and nhs_number_is_valid(nhs_number) else None,
            upn=upn if upn and upn_is_valid(upn) else None,
        )


#: The exact rules, strongest first: the order `exact_keys` gives a record's keys in.
EXACT_METHODS = ("nhs_number", "upn", "name_dob", "name_dob_swapped")


def exact_keys(candidate: LinkCandidate) -> list[tuple[str, str]]:
    """(method, key) pairs: records sharing any key are the same person, absent a conflict."""
    keys: list[tuple[str, str]] = []
    for method in EXACT_METHODS:
        key = exact_key(candidate, method)
        if key is not None:
            keys.append((method, key if isinstance(key, str) else "|".join(key)))
    return keys


def exact_key(candidate: LinkCandidate, method: str) -> str | tuple[str, str, str] | None:
    """The record's key under one exact rule, or None if it has none.

    Name keys are tuples of the record's own strings, not one string joined from them: a
    population's keys are held at once (`linker._exact_anchors`), and the folded names hold
    letters only, so a tuple and its joined string tell the same records apart.
    """
    if method == "nhs_number":
        return candidate.nhs or None
    if method == "upn":
        return candidate.upn or None
    if not (candidate.given and candidate.family and candidate.dob):
        return None
    if method == "name_dob":
        return (candidate.given, candidate.family, candidate.dob)
    if candidate.given == candidate.family:
        return None
    # Given and family name entered the wrong way round (common where the family name is
    # written first): the same two names in either order, and the same birth date.
    first, second = sorted((candidate.given, candidate.family))
    return (first, second, candidate.dob)


def near_key(candidate: LinkCandidate) -> str | None:
    """Block for the near-exact rule: same given name, full date of birth and postcode."""
    if candidate.given and candidate.dob and candidate.postcode and candidate.family:
        return f"{candidate.given}|{candidate.dob}|{candidate.postcode}"
    return None


def near_match(a: LinkCandidate, b: LinkCandidate) -> bool:
    """Same given name, date of birth and postcode, family names one keystroke apart."""
    if a.sex and b.sex and a.sex != b.sex:
        return False
    return edit_distance_at_most_one(a.family, b.family)


def conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two sets of valid identifiers of one kind that differ: strong evidence of two people."""
    return bool(a) and bool(b) and a.isdisjoint(b)
