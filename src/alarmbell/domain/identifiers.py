"""Check digits for the two national identifiers agencies send: NHS numbers and UPNs.

Pure functions, no imports of ours: linkage, ingest validation and the synthetic population
all need the same arithmetic, and a wrong check digit is itself evidence (a mistyped number).
"""

from __future__ import annotations

from typing import Final

_NHS_WEIGHTS: Final[tuple[int, ...]] = (10, 9, 8, 7, 6, 5, 4, 3, 2)

#: UPN check letters: modulus 23 remainders 0..22 map to A-Z without I, O and S (DfE UPN guidance).
UPN_LETTERS: Final[str] = "ABCDEFGHJKLMNPQRTUVWXYZ"


def nhs_check_digit(first_nine: str) -> int | None:
    """The mod-11 check digit for nine digits, or None where the remainder gives 10.

    A remainder of 10 means no valid NHS number starts with those nine digits, so generators
    must skip them rather than emit an invalid number.
    """
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError(f"expected nine digits, got {first_nine!r}")
    total = sum(int(d) * w for d, w in zip(first_nine, _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_is_valid(value: str) -> bool:
    """True for ten ASCII digits whose last digit is the mod-11 check digit of the first nine.

    Spaces are tolerated (NHS numbers are often written 3-3-4) but nothing else.
    """
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def _upn_char_value(char: str) -> int | None:
    """Digits weigh their value; a temporary UPN's final letter weighs its position in the table."""
    if char.isascii() and char.isdigit():
        return int(char)
    index = UPN_LETTERS.find(char)
    return index if index >= 0 else None


def upn_check_letter(body: str) -> str:
    """The check letter for the twelve characters after it (weights 2..13, modulus 23).

    The last character may be a letter (temporary UPN); all others must be digits.
    """
    if len(body) != 12 or not body[:11].isascii() or not body[:11].isdigit():
        raise ValueError(f"expected eleven digits and a digit or letter, got {body!r}")
    total = 0
    for weight, char in enumerate(body, start=2):
        value = _upn_char_value(char)
        if value is None:
            raise ValueError(f"invalid UPN character {char!r} in {body!r}")
        total += value * weight
    return UPN_LETTERS[total % 23]


def upn_is_valid(value: str) -> bool:
    """True for a 13-character UPN whose first letter matches the check letter of the rest."""
    upn = value.strip().upper()
    if len(upn) != 13 or upn[0] not in UPN_LETTERS:
        return False
    try:
        return upn_check_letter(upn[1:]) == upn[0]
    except ValueError:
        return False


def upn_check_problem(value: str) -> str | None:
    """Why a well-shaped UPN fails its check, in words that name the letter the rest implies.

    None when it passes. Every format words the failure the same way (ingest warns with it).
    """
    upn = value.strip().upper()
    if upn_is_valid(upn):
        return None
    try:
        right = upn_check_letter(upn[1:])
    except ValueError:
        return "has a character no UPN uses"
    return f"fails the check letter: the other 12 characters give {right!r}, not {upn[0]!r}"
