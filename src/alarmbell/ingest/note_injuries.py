"""An injury written only in an A&E note, read when the sender gave no `injury` attr.

Emergency department feeds often send an attendance with the clinician's note and no coded
injury ("Head injury - boggy swelling L parietal", "Bruising to L cheek and behind L ear"); the
early-warning indicators read `injury` and `site`, so such an attendance counted as an illness.
Where the note places each injury on the body (domain/described_signs.noted_injuries: not "no
bruises seen", not "?# L scaphoid", not "fracture excluded"), the body map is filled in from it,
with a warning, and `injury_read_from` says so; the note itself is kept as written. Nothing the
sender wrote is replaced, and a note that places no injury adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from alarmbell.domain.described_signs import noted_injuries
from alarmbell.domain.injuries import INJURY_EVENT_KINDS, injury_attrs
from alarmbell.ingest.base import Warning_

#: Marks an injury read from the note rather than coded by the sender.
READ_FROM: Final[str] = "injury_read_from"


def _notes_injuries(kind: str, attrs: Mapping[str, Any] | None, text: object) -> tuple[tuple[str, str], ...]:
    if kind not in INJURY_EVENT_KINDS or not isinstance(text, str) or not text:
        return ()
    if attrs is not None and (attrs.get("injury") is not None or attrs.get("injuries") is not None):
        return ()
    return noted_injuries(text)


def reads_note(kind: str, attrs: Mapping[str, Any] | None, text: object) -> bool:
    """Whether the precise validator fills this event's injury from its note: the compiled fast
    path leaves such a line to it."""
    return bool(_notes_injuries(kind, attrs, text))


def injuries_from_note(
    kind: str, attrs: Mapping[str, Any] | None, text: object, *, line_no: int, warnings: list[Warning_]
) -> dict[str, Any]:
    """The attrs the note's injuries give that the sender left out or empty, with a warning."""
    points = _notes_injuries(kind, attrs, text)
    if not points:
        return {}
    given = attrs or {}
    derived = {
        key: value
        for key, value in injury_attrs(list(points)).items()
        if given.get(key) is None or given.get(key) == ""
    }
    derived[READ_FROM] = "text"
    read = ", ".join(f"{injury} at {site!r}" for site, injury in points)
    warnings.append(Warning_(line_no, "text", f"read {read} from the note, as no injury attr was given"))
    return derived
