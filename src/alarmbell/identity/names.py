"""Folding names for comparison: case, diacritics and letters NFKD does not decompose."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Letters that Unicode decomposition leaves alone (DuckDB's strip_accents misses ł too).
_EXTRA = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "þ": "th",
        "ð": "d",
        "’": "'",
        "‘": "'",
    }
)


@lru_cache(maxsize=65536)
def fold_name(name: str | None) -> str:
    """Lower case, no diacritics, letters only (hyphens, apostrophes and spaces removed)."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name.translate(_EXTRA))
    return "".join(ch for ch in text.casefold() if ch.isalpha() and not unicodedata.combining(ch))


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or adjacent transposition turns a into b."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


def soundex(folded: str) -> str:
    """American Soundex of a folded name ("smyth" -> "s530"); "" for an empty name.

    A blocking key that survives most single typos and spelling variants after the first
    letter, so two records whose names are both misspelt are still compared.
    """
    if not folded:
        return ""
    codes = folded.translate(_SOUNDEX)
    out, last = folded[0], codes[0]
    for letter, code in zip(folded[1:], codes[1:], strict=True):
        if code.isdigit() and code != last:
            out += code
        if letter not in "hw":
            last = code
    return (out + "000")[:4]


#: Given names that say a name is not yet known: a newborn registered before it is named
#: ("Baby", "Baby Boy", "Twin 1", "Unborn", "Infant"), or a clerk's filler ("Unknown", "NK").
#: Folded, so "Twin 1" and "Twin 2" both read "twin": agreeing on one says nothing about whether
#: two records are one child, and for twins it is exactly what they share.
PLACEHOLDER_GIVEN = frozenset(
    {
        *("baby", "babyboy", "babygirl", "babya", "babyb", "babyc", "babyone", "babytwo"),
        *("twin", "twina", "twinb", "twinc", "twinone", "twintwo", "triplet"),
        *("unborn", "unbornbaby", "unbornchild", "infant", "infantboy", "infantgirl", "newborn"),
        *("unknown", "notknown", "nk", "unnamed", "nameunknown", "boy", "girl", "male", "female"),
    }
)


def is_placeholder_given(name: str | None) -> bool:
    """True when a given name is a placeholder, not a name (`PLACEHOLDER_GIVEN`)."""
    return fold_name(name) in PLACEHOLDER_GIVEN


def linkable_given(name: str | None) -> str:
    """The folded given name linkage compares: "" for none and for a placeholder (a missing name)."""
    folded = fold_name(name)
    return "" if folded in PLACEHOLDER_GIVEN else folded
