"""Yes and no as agency systems write them in a field that holds true or false.

The exchange format's flags are JSON `true` and `false`, but case-system and hospital exports
write what their own screens show: `"Yes"`, `"Y"`, `"N"`, `"TRUE"`. Each of these words says
one thing only, so it is read; anything else (`"?"`, `"unknown"`, `"sometimes"`, `"1"`) says
nothing certain and keeps its error. The CSV formats read the same words in a Yes/No column.
"""

from __future__ import annotations

from typing import Final

from alarmbell.domain.recorded_text import fold

#: Folded words -> the flag they write.
FLAG_WORDS: Final[dict[str, bool]] = {
    "yes": True,
    "y": True,
    "true": True,
    "no": False,
    "n": False,
    "false": False,
}


def flag_word(written: str) -> bool | None:
    """True or False for a yes/no word in any case and spacing (`"Y "`, `"TRUE"`); else None."""
    return FLAG_WORDS.get(fold(written))
