"""A clinician's query of NAI written only in the note of a clinical event, read as `possible_nai`.

An acute trust's feed carries the clinician's words as the note of the attendance or of its
diagnosis ("Mum states fell off sofa 2/7 ago. Delay in presentation. ?NAI - d/w paeds reg");
FHIR has no element for the opinion, so `medical_opinion` is never sent and the query, the
clinician's suspicion written down (domain/medical_opinions.py), reached no indicator. Where a
sentence of the note begins with the query and no sentence of it denies one, `medical_opinion`
is `possible_nai` with `medical_opinion_read_from: "text"` and a warning; the note is kept as
written. An opinion the sender gave is never replaced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from alarmbell.domain.medical_opinions import denies_nai, query_of_nai
from alarmbell.ingest.base import Warning_

#: Marks an opinion read from the note rather than given by the sender.
READ_FROM: Final[str] = "medical_opinion_read_from"
#: The clinical events whose note is a clinician's: where an opinion on an injury is written.
CLINICAL_KINDS: Final[frozenset[str]] = frozenset(
    {"ed_attendance", "injury_presentation", "paediatric_assessment", "gp_consultation"}
)
_SENTENCES: Final = re.compile(r"(?:[.;\n]\s+|\n)")


def _queried_sentence(kind: str, attrs: Mapping[str, Any] | None, text: object) -> str | None:
    if kind not in CLINICAL_KINDS or not isinstance(text, str) or "nai" not in text.casefold():
        return None
    if attrs is not None and attrs.get("medical_opinion") not in (None, ""):
        return None
    sentences = [s.strip() for s in _SENTENCES.split(text) if s.strip()]
    if any(denies_nai(s) for s in sentences):
        return None
    return next((s for s in sentences if query_of_nai(s) is not None), None)


def reads_opinion(kind: str, attrs: Mapping[str, Any] | None, text: object) -> bool:
    """Whether the precise validator fills this event's opinion from its note: the compiled fast
    path leaves such a line to it."""
    return _queried_sentence(kind, attrs, text) is not None


def opinion_from_note(
    kind: str, attrs: Mapping[str, Any] | None, text: object, *, line_no: int, warnings: list[Warning_]
) -> dict[str, Any]:
    """`medical_opinion` from the note's query of NAI when the sender gave none, with a warning."""
    sentence = _queried_sentence(kind, attrs, text)
    if sentence is None:
        return {}
    warnings.append(
        Warning_(
            line_no,
            "text",
            f"read possible_nai from the note's {sentence!r}, as no medical_opinion attr was given",
        )
    )
    return {"medical_opinion": "possible_nai", READ_FROM: "text"}
