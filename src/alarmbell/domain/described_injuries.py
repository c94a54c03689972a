"""Injuries described in words: a referral's or a concern's text that reports a bruise, a burn or a fracture.

Agencies record an injury they examined with a type and a site (`injury`, `site`), but what a
relative, a neighbour or a nursery reports usually arrives as words: a referral's concern
"Bruising to face and eye seen at contact", "black eye and bruised ear", "burn on her hand".
A review of a one-year-old whose relatives reported bruising to the face, eye and ears four
times found the alerts never rose above amber, because no structured injury was recorded.
`described_injuries` reads which injury types the words report, so an indicator can read a
reported bruise on a TEN-4-FACESp region as it reads an examined one.

A report is not an examination, and the words can deny as well as report: an injury word with
a negation in the few words before it ("no bruising", "no marks or bruises", "not bruised",
"without injury", "denies any burns") is not read.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from alarmbell.domain.recorded_text import fold

#: Injury type -> the words that report it (folded text, whole words).
_WORDS: Final[dict[str, str]] = {
    "bruise": r"bruis(?:e|es|ed|ing)|black eyes?|contusions?",
    "burn": r"burn(?:s|t|ed)?|scald(?:s|ed)?|cigarette burns?",
    "fracture": (
        r"fractur(?:e|es|ed)|broken (?:arm|leg|wrist|ankle|rib|ribs|bone|bones|collar ?bone"
        r"|femur|skull|finger|toe|nose)"
    ),
}
DESCRIBED_INJURY_TYPES: Final[tuple[str, ...]] = tuple(_WORDS)
#: A negation just before an injury word denies it, with only words between that keep the
#: denial ("no bruising", "no visible marks or bruises", "no cuts, bruises or fractures", "not
#: bruised"). Other words end it: "no explanation for the bruising" reports a bruise.
_NEGATION: Final = re.compile(
    r"(?<!\w)(?:no|not|nil|none|without|denies|denied|nor|never)"
    r"(?:,? (?:any|visible|obvious|new|further|fresh|apparent|other|signs?|evidence|of|marks?|or|and"
    r"|injur(?:y|ies)|seen|found|noted|bruis(?:e|es|ing)|burns?|scalds?|fractures?|cuts?|grazes?"
    r"|scratch(?:es)?|lacerations?|swelling))*,? $"
)
_PATTERNS: Final[dict[str, re.Pattern[str]]] = {
    injury: re.compile(rf"(?<!\w)(?:{words})(?!\w)") for injury, words in _WORDS.items()
}


@lru_cache(maxsize=16_384)
def _described_in(text: str) -> frozenset[str]:
    words = fold(text)
    found: set[str] = set()
    for injury, pattern in _PATTERNS.items():
        for match in pattern.finditer(words):
            if not _NEGATION.search(words[: match.start()]):
                found.add(injury)
                break
    return frozenset(found)


def described_injuries(value: object) -> frozenset[str]:
    """The injury types the text, or the texts of a (nested) list, report; empty for anything else."""
    if isinstance(value, str):
        return _described_in(value)
    if isinstance(value, list | tuple):
        return frozenset().union(*(described_injuries(item) for item in value))
    return frozenset()
