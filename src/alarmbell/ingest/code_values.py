"""Code values as other systems write them (`Police`, `ED attendance`, `High`, `f`), read as the
vocabulary's own.

Every code of the exchange format used to be compared byte for byte, so a line whose sender
capitalised `"dash_risk": "High"` was rejected whole and its evidence lost. Only case and
spacing are forgiven: both sides are folded (lower case, runs of spaces, hyphens and
underscores read as one underscore, none at either end), and the vocabulary's value is stored,
with a warning, so the policy and every reader see one spelling and re-sending the same file
changes nothing. No synonyms are guessed: a value that does not fold onto the vocabulary keeps
its precise error. Only the precise validator calls this; the compiled fast path accepts exact
values alone, so canonical data pays nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Final

from alarmbell.ingest.base import Warning_

_SEPARATORS: Final = re.compile(r"[\s_-]+")


def fold(text: str) -> str:
    """`' CP-plan '` -> `cp_plan`: the form two spellings of one code share."""
    return _SEPARATORS.sub("_", text.lower()).strip("_")


@lru_cache(maxsize=64)
def _by_fold(values: tuple[str, ...]) -> dict[str, str]:
    """Folded form -> the vocabulary's value. Two values folding alike would make a written
    code ambiguous, so that is refused here rather than resolved by order."""
    table: dict[str, str] = {}
    for value in values:
        other = table.setdefault(fold(value), value)
        if other != value:
            raise ValueError(f"vocabulary values {other!r} and {value!r} fold alike")
    return table


def canonical_code(written: Any, values: tuple[str, ...]) -> str | None:
    """The value of `values` that `written` spells, ignoring case and spacing; None if none."""
    if type(written) is not str:
        return None
    if written in values:
        return written
    return _by_fold(values).get(fold(written))


def read_code(
    container: dict[str, Any],
    name: str,
    values: tuple[str, ...],
    *,
    field: str,
    line_no: int,
    warnings: list[Warning_],
    where: str = "",
) -> Any:
    """container[name], rewritten in place to the vocabulary's value (with a warning) when it
    differs only in case or spacing; otherwise as written, for the caller's check to word.

    `where` prefixes the warning (`item 2, injury: ` for a body-map point)."""
    written = container.get(name)
    if written is None or (type(written) is str and written in values):
        return written
    canonical = canonical_code(written, values)
    if canonical is None:
        return written
    container[name] = canonical
    warnings.append(Warning_(line_no, field, f"{where}read {written!r} as {canonical!r}"))
    return canonical
