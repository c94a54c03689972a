"""Sets of days as sorted, disjoint, closed spans of day numbers (`date.toordinal()`).

The rescore pre-pass (`policy/reach.py`) asks on which days each indicator may fire, then
whether on any one day the indicators that may fire then reach amber. These are the few set
operations it needs; pure, and small enough to read at a glance.
"""

from __future__ import annotations

from collections.abc import Iterable

#: A set of days: (first, last) spans, sorted, disjoint and not adjacent.
Days = list[tuple[int, int]]

#: Further back and further on than any day a record can carry.
FIRST_DAY, LAST_DAY = -(10**9), 10**9
EVERY_DAY: Days = [(FIRST_DAY, LAST_DAY)]


def covered(spans: Iterable[tuple[int, int, int]], at_least: int) -> Days:
    """The days on which the `(first, last, weight)` spans given weigh `at_least` together."""
    changes: dict[int, int] = {}
    for first, last, weight in spans:
        if first <= last:
            changes[first] = changes.get(first, 0) + weight
            changes[last + 1] = changes.get(last + 1, 0) - weight
    out: Days = []
    total = 0
    points = sorted(changes)
    for i, day in enumerate(points[:-1]):
        total += changes[day]
        if total >= at_least:
            _append(out, day, points[i + 1] - 1)
    return out


def union(sets: Iterable[Days]) -> Days:
    return covered(((a, b, 1) for days in sets for a, b in days), 1)


def intersection(sets: list[Days]) -> Days:
    if not sets:
        return []
    return covered(((a, b, 1) for days in sets for a, b in days), len(sets))


def starts(days: Days) -> list[int]:
    return [first for first, _ in days]


def holds_on(days: Days, day: int) -> bool:
    return any(first <= day <= last for first, last in days)


def _append(out: Days, first: int, last: int) -> None:
    if out and out[-1][1] + 1 >= first:
        out[-1] = (out[-1][0], max(out[-1][1], last))
    else:
        out.append((first, last))


__all__ = [
    "EVERY_DAY",
    "FIRST_DAY",
    "LAST_DAY",
    "Days",
    "covered",
    "holds_on",
    "intersection",
    "starts",
    "union",
]
