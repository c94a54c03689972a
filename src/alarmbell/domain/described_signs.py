"""Signs described in words: text that reports a bruise, a burn, a fracture, hunger or weight loss.

Agencies record an injury they examined with a type and a site (`injury`, `site`), and a
weighing with `weight_loss`, but what a relative, a neighbour or a nursery reports, and what a
health visitor writes in a contact note, usually arrives as words: a referral's concern
"Bruising to face and eye seen at contact", "black eye and bruised ear", "burn on her hand";
a health visitor's "concerns: weight loss, developmental delay"; a nursery's "always hungry,
taking food from other children's plates". A review of a one-year-old whose relatives reported
bruising to the face, eye and ears four times found the alerts never rose above amber, because
no structured injury was recorded. `described_signs` reads which signs the words report, so an
indicator can read a reported bruise on a TEN-4-FACESp region as it reads an examined one, and
a noted weight loss as it reads a weighing.

A report is not an examination, and the words can deny as well as report: a sign's words with
a negation in the few words before them ("no bruising", "no marks or bruises", "not bruised",
"without injury", "denies any burns", "no concerns about weight loss", "not hungry") are not
read.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from alarmbell.domain.recorded_text import fold

#: Sign -> the words that report it (folded text, whole words). Weight-loss words are those a
#: health professional writes for a falling weight (NICE CG89 1.3, "faltering growth"), not a
#: low weight alone: "underweight" and "small" describe many well babies born early.
_WORDS: Final[dict[str, str]] = {
    "bruise": r"bruis(?:e|es|ed|ing)|black eyes?|contusions?",
    "burn": r"burn(?:s|t|ed)?|scald(?:s|ed)?|cigarette burns?",
    "fracture": (
        r"fractur(?:e|es|ed)|broken (?:arm|leg|wrist|ankle|rib|ribs|bone|bones|collar ?bone"
        r"|femur|skull|finger|toe|nose)"
    ),
    "hunger": (
        r"hungry|hunger|starving|ravenous|food seeking|seeking food|(?:steal|stole|stealing|steals)"
        r" food|(?:taking|takes|took) food|hoard(?:s|ed|ing)? food|scaveng(?:e|es|ed|ing)"
        r"|(?:asking|begging|begs|asks) for food|(?:eating|ate|eats) from (?:the )?bins?"
    ),
    "weight_loss": (
        r"weight loss|(?:lost|losing|loses) weight|weight (?:has )?(?:fallen|falling|dropped|dropping"
        r"|faltering|static)|faltering (?:growth|weight)|growth faltering|fail(?:ure|ing|ed|s)? to thrive"
        r"|(?:dropped|fallen|falling|crossed|crossing) (?:two |2 |three |3 |several )?(?:weight )?centiles?"
        r"|malnourish(?:ed|ment)|malnutrition|emaciated"
    ),
}
INJURY_TYPES: Final[frozenset[str]] = frozenset({"bruise", "burn", "fracture"})
DESCRIBED_SIGNS: Final[tuple[str, ...]] = tuple(_WORDS)
#: A negation just before a sign's words denies it, with only words between that keep the
#: denial ("no bruising", "no visible marks or bruises", "no cuts, bruises or fractures", "not
#: bruised", "no concerns about weight loss"). Other words end it: "no explanation for the
#: bruising" reports a bruise.
_NEGATION: Final = re.compile(
    r"(?<!\w)(?:no|not|nil|none|without|denies|denied|nor|never)"
    r"(?:,? (?:any|visible|obvious|new|further|fresh|apparent|other|signs?|evidence|of|marks?|or|and"
    r"|injur(?:y|ies)|seen|found|noted|bruis(?:e|es|ing)|burns?|scalds?|fractures?|cuts?|grazes?"
    r"|scratch(?:es)?|lacerations?|swelling|concerns?|concerned|about|regarding|re|appear(?:s|ed)?"
    r"|to be|hunger))*,? $"
)
_PATTERNS: Final[dict[str, re.Pattern[str]]] = {
    sign: re.compile(rf"(?<!\w)(?:{words})(?!\w)") for sign, words in _WORDS.items()
}


@lru_cache(maxsize=16_384)
def _described_in(text: str) -> frozenset[str]:
    words = fold(text)
    found: set[str] = set()
    for sign, pattern in _PATTERNS.items():
        for match in pattern.finditer(words):
            if not _NEGATION.search(words[: match.start()]):
                found.add(sign)
                break
    return frozenset(found)


def described_signs(value: object) -> frozenset[str]:
    """The signs the text, or the texts of a (nested) list, report; empty for anything else."""
    if isinstance(value, str):
        return _described_in(value)
    if isinstance(value, list | tuple):
        return frozenset().union(*(described_signs(item) for item in value))
    return frozenset()


def described_injuries(value: object) -> frozenset[str]:
    """The injury types (bruise, burn, fracture) the text or texts report."""
    return described_signs(value) & INJURY_TYPES
