"""Code values as people and other systems write them (`Police`, `ED attendance`, `High`, `f`),
read as the vocabulary's own: one reading for intake (ingest/code_values.py), command-line
options, web forms and typed record references, so `Police` is `police` wherever it is written.

Only case and spacing are forgiven: both sides are folded (lower case, runs of spaces, hyphens
and underscores read as one underscore, none at either end). No synonyms are guessed: a value
that does not fold onto the vocabulary is refused, with the values that would do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final

from alarmbell.domain.errors import ServiceError

_SEPARATORS: Final = re.compile(r"[\s_-]+")


class UnknownCode(ServiceError):
    """A typed value that spells none of the vocabulary's; the message lists those that would do."""


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


@lru_cache(maxsize=16)
def _words_by_fold(words: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {fold(word): code for word, code in words}


def word_code(written: str, words: Mapping[str, str]) -> str | None:
    """The code a word staff write for it stands for (`High Risk` -> `high`, `Woman` -> `F`), the
    word matched as a code is (case and spacing ignored); None when `written` is none of `words`.

    Only the words a table names are read: each is a spelling really written in its field."""
    return _words_by_fold(tuple(words.items())).get(fold(written))


def typed_code(written: str, values: tuple[str, ...], *, name: str, what: str) -> str:
    """The vocabulary's value a person typed (`--agency Police` is `police`); raises UnknownCode
    saying `name` is not `what` and listing `values`, so the person can type one of them."""
    canonical = canonical_code(written, values)
    if canonical is None:
        raise UnknownCode(
            f"{name} {written!r} is not {what}; use one of: {', '.join(values)} "
            "(case and spacing do not matter)"
        )
    return canonical
