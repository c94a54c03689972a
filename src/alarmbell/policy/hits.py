"""What a pattern found: the evidence entries, any context entries and the moment it counts from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from alarmbell.domain.chronology import ChronologyEntry
from alarmbell.domain.records import RecordKey


def _order(entry: ChronologyEntry) -> tuple[datetime, str, str]:
    return (entry.occurred_at, entry.agency, entry.source_id)


@dataclass(frozen=True, slots=True)
class Hit:
    """`evidence` made the pattern fire; `context` is what it was seen alongside (co-occurrence).

    `anchor` is the moment decay counts from: the latest qualifying event, or for an absence
    the deadline that passed.
    """

    evidence: Sequence[ChronologyEntry]
    anchor: datetime
    context: Sequence[ChronologyEntry] = ()
    detail: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def merge(cls, hits: Sequence[Hit]) -> Hit:
        """One hit from several (an any_of pattern), without duplicates, oldest first."""
        evidence = {e.key: e for h in hits for e in h.evidence}
        context = {e.key: e for h in hits for e in h.context if e.key not in evidence}
        detail = next((h.detail for h in hits if h.detail), {})
        return cls(
            evidence=sorted(evidence.values(), key=_order),
            anchor=max(h.anchor for h in hits),
            context=sorted(context.values(), key=_order),
            detail=detail,
        )

    def evidence_keys(self) -> tuple[RecordKey, ...]:
        """Evidence then context keys, oldest first, each once."""
        seen: dict[RecordKey, None] = {}
        for entry in sorted([*self.evidence, *self.context], key=_order):
            seen.setdefault(entry.key, None)
        return tuple(seen)
