"""Chronologies as text lines (for the terminal) and JSON (for tools)."""

from __future__ import annotations

import textwrap
from typing import Any

from alarmbell.domain.chronology import Chronology, ChronologyEntry
from alarmbell.domain.wording import agency_label, events_from, kind_label


def about(entry: ChronologyEntry) -> str:
    if entry.relation is None:
        return "own" if entry.involvement == "subject" else "present"
    return entry.relation.replace("_", " ")


def chronology_json(chronology: Chronology) -> dict[str, Any]:
    return {
        "person": chronology.person_id,
        "name": chronology.display_name,
        "role": chronology.role,
        "dob": chronology.dob.isoformat() if chronology.dob else None,
        "records": [list(k) for k in chronology.records],
        "household": [
            {"person": m.person_id, "relation": m.relation, "name": m.display_name}
            for m in chronology.household
        ],
        "events": [
            {
                "agency": e.agency,
                "source_id": e.source_id,
                "kind": e.kind,
                "occurred_at": e.occurred_at.isoformat(),
                "recorded_at": e.recorded_at.isoformat(),
                "about": about(e),
                "attrs": e.attrs,
                "text": e.text,
            }
            for e in chronology.entries
        ],
    }


def chronology_lines(chronology: Chronology, *, width: int = 100) -> list[str]:
    dob = chronology.dob.isoformat() if chronology.dob else "unknown"
    lines = [
        f"{chronology.display_name} (person {chronology.person_id}, {chronology.role}, born {dob})",
        "records: " + ", ".join(f"{a}:{s}" for a, s in chronology.records),
    ]
    if chronology.household:
        lines.append(
            "household: "
            + ", ".join(f"{m.display_name} ({m.relation.replace('_', ' ')})" for m in chronology.household)
        )
    lines.append(events_from(len(chronology.entries), [agency_label(a) for a in chronology.agencies]))
    lines.append("")
    # The "about" column is as wide as its longest label (`household member`), so every event's
    # text starts in one column and its wrapped lines under it.
    about_width = max((len(about(e)) for e in chronology.entries), default=0)
    about_width = max(10, about_width)
    indent = " " * (10 + 2 + 22 + 1 + about_width + 2)
    for e in chronology.entries:
        head = f"{e.occurred_at.date()}  {agency_label(e.agency):<22} {about(e):<{about_width}}  "
        body = kind_label(e.kind) + (f": {e.text}" if e.text else "")
        wrapped = textwrap.wrap(body, width=max(40, width - len(indent))) or [""]
        lines.append(head + wrapped[0])
        lines.extend(indent + more for more in wrapped[1:])
    return lines
