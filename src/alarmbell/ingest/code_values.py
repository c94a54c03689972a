"""Code values as other systems write them (`Police`, `ED attendance`, `High`, `f`), read as the
vocabulary's own.

Every code of the exchange format used to be compared byte for byte, so a line whose sender
capitalised `"dash_risk": "High"` was rejected whole and its evidence lost. Only case and
spacing are forgiven, by the one folding every surface shares (domain/codes.py: command-line
options and web forms read typed values the same way), and the vocabulary's value is stored,
with a warning, so the policy and every reader see one spelling and re-sending the same file
changes nothing. No synonyms are guessed: a value that does not fold onto the vocabulary, or
onto a word its vocabulary lists as staff write it (an injury's `#`), keeps its precise error.
Only the precise validator calls this; the compiled fast path accepts exact values alone, so
canonical data pays nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alarmbell.domain.codes import canonical_code
from alarmbell.ingest.base import Warning_


def read_code(
    container: dict[str, Any],
    name: str,
    values: tuple[str, ...],
    *,
    field: str,
    line_no: int,
    warnings: list[Warning_],
    where: str = "",
    staff_word: Callable[[str, tuple[str, ...]], str | None] | None = None,
) -> Any:
    """container[name], rewritten in place to the vocabulary's value (with a warning) when it
    differs only in case or spacing; otherwise as written, for the caller's check to word.

    `where` prefixes the warning (`item 2, injury: ` for a body-map point). `staff_word`, for the
    few codes whose vocabulary lists words staff write for them (`#` for a fracture), reads those
    too, said the same way."""
    written = container.get(name)
    if written is None or (type(written) is str and written in values):
        return written
    canonical = canonical_code(written, values)
    if canonical is None and staff_word is not None and type(written) is str:
        canonical = staff_word(written, values)
    if canonical is None:
        return written
    container[name] = canonical
    warnings.append(read_as(line_no, field, written, canonical, where=where))
    return canonical


def read_as(line_no: int, field: str, written: object, canonical: str, *, where: str = "") -> Warning_:
    """The warning for a value stored in the vocabulary's form rather than as written: every
    format says a rewrite the same way, so a sender sees what was stored."""
    return Warning_(line_no, field, f"{where}read {written!r} as {canonical!r}")
