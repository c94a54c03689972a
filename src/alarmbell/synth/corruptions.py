"""How a name, a date of birth or a postcode goes wrong on its way into an agency's system.

Each function makes one kind of error, the kinds pseudopeople and GeCO model (typos by keyboard
adjacency, phonetic and OCR confusions, wrong digits, day and month swapped) plus the ones a
UK agency adds (nicknames, transliterations, a date of birth with only the year, a postcode
keyed one character wrong). They are pure: the caller passes the seeded generator, so the same
seed always makes the same error. When an error cannot be made (no eligible letter, no valid
date), the value comes back unchanged.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Final

#: QWERTY rows, left-justified as in GeCO and pseudopeople: keys touching on a side or a diagonal
#: are neighbours.
_ROWS: Final[tuple[str, ...]] = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours() -> dict[str, str]:
    where = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}
    found: dict[str, str] = {}
    for c, (r, i) in where.items():
        near = [
            _ROWS[r2][i2]
            for r2 in (r - 1, r, r + 1)
            for i2 in (i - 1, i, i + 1)
            if 0 <= r2 < len(_ROWS) and 0 <= i2 < len(_ROWS[r2]) and (r2, i2) != (r, i)
        ]
        found[c] = "".join(near)
    return found


KEY_NEIGHBOURS: Final[dict[str, str]] = _neighbours()

#: Sounds written differently (GeCO's phonetic table, reduced to the English and Irish spellings
#: that occur in the generator's names): a name heard over the phone or at a front desk.
PHONETIC: Final[tuple[tuple[str, str], ...]] = (
    ("ph", "f"),
    ("f", "ph"),
    ("ck", "k"),
    ("c", "k"),
    ("k", "c"),
    ("ie", "y"),
    ("y", "ie"),
    ("ey", "y"),
    ("ei", "ie"),
    ("ee", "ea"),
    ("ea", "ee"),
    ("ai", "ay"),
    ("ay", "ai"),
    ("z", "s"),
    ("s", "z"),
    ("ll", "l"),
    ("nn", "n"),
    ("rr", "r"),
    ("tt", "t"),
    ("mm", "m"),
    ("th", "t"),
    ("ou", "o"),
    ("oh", "o"),
    ("w", "wh"),
    ("i", "y"),
    ("sh", "ch"),
    ("son", "sen"),
    ("mh", "v"),
    ("bh", "v"),
)

#: Characters misread from a scanned or faxed form (GeCO's OCR table, letters only, so a misread
#: name is still a name the exchange format accepts).
OCR: Final[tuple[tuple[str, str], ...]] = (
    ("m", "rn"),
    ("rn", "m"),
    ("cl", "d"),
    ("d", "cl"),
    ("w", "vv"),
    ("vv", "w"),
    ("h", "li"),
    ("li", "h"),
    ("l", "I"),
    ("I", "l"),
    ("e", "c"),
    ("c", "e"),
    ("n", "ri"),
    ("u", "ii"),
    ("a", "o"),
    ("O", "D"),
    ("B", "R"),
    ("E", "F"),
)


def keyboard_typo(rng: random.Random, text: str) -> str:
    """One keying error, never on the first letter: a neighbouring key struck instead (60%) or as
    well (10%), two letters swapped (15%) or one dropped (15%). Damerau (1964) found four in five
    misspellings are one such insertion, deletion, substitution or transposition; pseudopeople
    splits its keyboard typos 90% substitution, 10% insertion."""
    if len(text) < 3:
        return text
    i = rng.randint(1, len(text) - 2)
    op = rng.random()
    if op < 0.15:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op < 0.30:
        return text[:i] + text[i + 1 :]
    near = KEY_NEIGHBOURS.get(text[i].lower())
    if not near:
        return text[:i] + text[i + 1 :]
    key = near[int(rng.random() * len(near))]
    key = key.upper() if text[i].isupper() else key
    if op < 0.40:
        return text[:i] + key + text[i:]
    return text[:i] + key + text[i + 1 :]


def _substitute(rng: random.Random, text: str, table: tuple[tuple[str, str], ...], first: int) -> str:
    """Replace one occurrence (at or after `first`) of one source string from `table`."""
    options = [
        (at, old, new)
        for old, new in table
        for at in range(first, len(text) - len(old) + 1)
        if text.startswith(old, at)
    ]
    if not options:
        return text
    at, old, new = options[int(rng.random() * len(options))]
    return text[:at] + new + text[at + len(old) :]


def phonetic_error(rng: random.Random, text: str) -> str:
    """A name written as it sounds: Stephen -> Stefen, Kelly -> Kely, Niamh -> Niav."""
    return _substitute(rng, text, PHONETIC, 1)


def ocr_error(rng: random.Random, text: str) -> str:
    """A letter misread from a scanned form: Emma -> Ernma, Clarke -> Darke."""
    return _substitute(rng, text, OCR, 0)


def variant(rng: random.Random, name: str, table: dict[str, tuple[str, ...]]) -> str:
    """One of the name's alternative forms in `table` (nicknames, transliterations), else the name."""
    forms = table.get(name)
    return forms[int(rng.random() * len(forms))] if forms else name


def swap_day_month(dob: date) -> str:
    """The date typed month first: only possible when the day is a valid month and differs from it."""
    if dob.day > 12 or dob.day == dob.month:
        return dob.isoformat()
    return f"{dob.year:04d}-{dob.day:02d}-{dob.month:02d}"


def wrong_digit(rng: random.Random, dob: date, today: date) -> str:
    """One digit of the day, month or last two of the year replaced, keeping a valid date that is not
    in the future (pseudopeople's "write the wrong digits", limited to dates that validate)."""
    text = dob.isoformat()
    positions = (2, 3, 5, 6, 8, 9)
    for _ in range(8):
        i = positions[int(rng.random() * len(positions))]
        digit = str(int(rng.random() * 10))
        if digit == text[i]:
            continue
        candidate = text[:i] + digit + text[i + 1 :]
        try:
            parsed = date.fromisoformat(candidate)
        except ValueError:
            continue
        if parsed <= today:
            return candidate
    return text


def partial_dob(rng: random.Random, dob: date) -> str:
    """Only the year (an age given in years), or the year and month (the day not known)."""
    return f"{dob.year:04d}" if rng.random() < 0.5 else f"{dob.year:04d}-{dob.month:02d}"


def _postcode_swaps(code: str) -> list[int]:
    """Where two adjacent characters (never the first) can swap and still read as a postcode:
    two different digits or two different letters ("CV25LA": 2 and 5 across the space, L and A)."""
    return [
        i
        for i in range(1, len(code) - 1)
        if code[i] != code[i + 1] and code[i].isdigit() == code[i + 1].isdigit()
    ]


def _postcode_character(rng: random.Random, code: str) -> str:
    """One character after the first replaced: a digit by another digit (pseudopeople's
    write_wrong_zipcode_digits), a letter by a neighbouring key (make_typos)."""
    i = rng.randint(1, len(code) - 1)
    if code[i].isdigit():
        digit = str((int(code[i]) + rng.randint(1, 9)) % 10)
        return code[:i] + digit + code[i + 1 :]
    near = KEY_NEIGHBOURS.get(code[i].lower(), "")
    if not near:
        return code
    return code[:i] + near[int(rng.random() * len(near))].upper() + code[i + 1 :]


def postcode_keying_error(rng: random.Random, postcode: str) -> str:
    """The postcode keyed one character wrong (80%) or with two adjacent characters swapped (20%,
    the ratio of `keyboard_typo`'s substitutions to its swaps), as a well-formed postcode: the
    character kinds stay in place, so the last three characters are still the inward code.

    The first character (the area's first letter) is never changed, as `keyboard_typo` never
    changes a name's first letter: "CV2 5LA" becomes "CV2 5LS", "CV3 5LA" or "CV5 2LA".
    """
    code = "".join(postcode.split()).upper()
    if len(code) < 5:
        return postcode
    swaps = _postcode_swaps(code)
    if swaps and rng.random() < 0.2:
        i = swaps[int(rng.random() * len(swaps))]
        code = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    else:
        code = _postcode_character(rng, code)
    return f"{code[:-3]} {code[-3:]}"
