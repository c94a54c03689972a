"""The natural key every exchange-format record carries, and how several records agree on a value.

An agency's record is named by (agency, source_id) wherever it travels: linking, chronology,
policy hits and review all key on it, and none of them needs alarmbell's identity to do so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from typing import TypeVar

RecordKey = tuple[str, str]
"""(agency, source_id): the natural key of any source record."""

V = TypeVar("V", bound=Hashable)


def agreed(values: Sequence[V]) -> V | None:
    """The value most of `values` (oldest first) give; of values given equally often, the newest.

    How a name is chosen from several records or rows of one person: one typo, even in the
    newest, does not outvote the spelling the others agree on, and a tie goes to the newest
    rather than to whichever comes first in some unrelated order. None when there are none.
    """
    votes = Counter(values)
    return max(reversed(values), key=votes.__getitem__) if values else None
