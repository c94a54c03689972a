"""A doctor's query of non-accidental injury, as clinicians write it, read as `possible_nai`.

Emergency-department and paediatric notes record a suspected inflicted injury in shorthand:
"?NAI", "NAI?", "query NAI", "Q NAI", "NAI queried", "concerns re NAI". NICE CG89 asks a
clinician who *suspects* maltreatment to refer, and the query is that suspicion written down.
The exchange format's `medical_opinion` takes the codes (nai, possible_nai, suspected_nai, ...)
or the same words in full ("suspected non-accidental injury"), so the shorthand, the commonest
way the concern is written, reached no indicator. `query_of_nai` reads it as `possible_nai`.

A negated query is not read: "?NAI - no", "NAI excluded", "not NAI", "no concerns re NAI",
"NAI unlikely", "NAI ruled out" stay as written, so they never raise an alarm.
"""

from __future__ import annotations

import re
from typing import Final

from alarmbell.domain.recorded_text import fold

_NAI: Final = (
    r"(?:n\.?\s?a\.?\s?i\.?|non accidental(?: (?:injury|injuries|head injury))?|inflicted(?: injury)?)"
)
_QUERIES: Final[tuple[re.Pattern[str], ...]] = tuple(
    re.compile(pattern)
    for pattern in (
        rf"^\?\s*{_NAI}(?!\w)",  # ?NAI, ? N.A.I., ?non accidental injury
        rf"^{_NAI}\s*\?",  # NAI?
        rf"^(?:query|qry|q)\.?\s+{_NAI}(?!\w)",  # query NAI, Q NAI
        rf"^{_NAI}\s+(?:query|queried|considered|suspected)(?!\w)",  # NAI queried
        rf"^(?:concerns?|worried|worries|suspicion)\s+(?:re|about|of|for|regarding|re:)\s+{_NAI}(?!\w)",
    )
)
_NEGATIONS: Final = re.compile(
    r"(?<!\w)(?:no|not|nil|excluded|ruled out|unlikely|denied|accidental injury|consistent with)(?!\w)"
)


def query_of_nai(written: str) -> str | None:
    """`possible_nai` when the words query a non-accidental injury and deny nothing, else None."""
    words = fold(written)
    if _NEGATIONS.search(words.replace("non accidental", "")):
        return None
    return "possible_nai" if any(pattern.search(words) for pattern in _QUERIES) else None


_MENTIONS_NAI: Final = re.compile(rf"(?<!\w){_NAI}(?!\w)")


def denies_nai(written: str) -> bool:
    """Whether the words name NAI and deny it ("NAI excluded", "?NAI - no", "not NAI"): a note
    holding such a sentence is never read as a query, whatever its other sentences say."""
    words = fold(written)
    return bool(_MENTIONS_NAI.search(words)) and bool(_NEGATIONS.search(words.replace("non accidental", "")))
