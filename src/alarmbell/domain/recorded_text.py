"""Recorded words compared as a reader compares them, not byte for byte.

The policy tests an event's attrs against words ("high", "physical", "non-accidental",
"rickets"). Agencies and chronology writers spell the same word in many ways: "High",
"Physical abuse", "Non-Accidental", "Nutritional Rickets", "fixed-term" or "fixed_term". A test
that compared bytes silently read none of these, and an indicator that never fires looks the
same as a child with nothing to see. So text is folded before it is compared (case, runs of
spaces, underscores and hyphens aside), and "includes" means the words start a word of the
text: "supply" is in "possession with intent to supply", "3A" is not in "13A".
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

_SEPARATORS: Final = re.compile(r"[\s_\-]+")


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """`text` lower-cased, with runs of spaces, underscores and hyphens as one space."""
    return _SEPARATORS.sub(" ", text.casefold()).strip()


@lru_cache(maxsize=4_096)
def _starting_a_word(words: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(fold(words)))


def mentions(text: str, words: str) -> bool:
    """Whether `words` (folded) begin at the start of a word of `text` (folded)."""
    return _starting_a_word(words).search(fold(text)) is not None
