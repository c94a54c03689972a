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


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity (prefix scale 0.1, up to 4 letters), as DuckDB's, which the model's
    "Jaro-Winkler >= 0.80" and ">= 0.92" levels use, so a check in Python tolerates what they do."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    taken = [False] * len(b)
    matched_a = []
    for i, letter in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not taken[j] and b[j] == letter:
                taken[j] = True
                matched_a.append(letter)
                break
    if not matched_a:
        return 0.0
    matched_b = [b[j] for j in range(len(b)) if taken[j]]
    m = len(matched_a)
    half_transpositions = sum(x != y for x, y in zip(matched_a, matched_b, strict=True))
    jaro = (m / len(a) + m / len(b) + (m - half_transpositions / 2) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)
