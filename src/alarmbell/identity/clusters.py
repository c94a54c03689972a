"""Union-find over source record ids, with the checks that keep two people apart.

Every union asks first whether it would put two people into one: two different valid NHS
numbers or UPNs, a pair a human rejected, two records of an agency that declares its ids unique
(ALARMBELL_UNIQUE_ID_AGENCIES: its own deduplication already made each record one person), or
(for probabilistic links) dates of birth years apart or two people alarmbell already knew as
separate. Pure Python, shared by the store's
linker and the benchmarks, so what is measured is what runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from alarmbell.identity.rules import LinkCandidate, conflict

#: A probabilistic link never joins records whose birth years span more than this.
MAX_YEAR_SPAN = 5


class Clusters:
    """Union-find that refuses unions joining different NHS numbers or UPNs (unless forced)."""

    def __init__(
        self,
        candidates: Iterable[LinkCandidate],
        cannot_link: Iterable[tuple[int, int]] = (),
        *,
        unique_agencies: Iterable[str] = (),
    ) -> None:
        unique = frozenset(unique_agencies)
        self.parent: dict[int, int] = {}
        #: root -> the unique-id agencies whose records the cluster holds (at most one record each).
        self.unique: dict[int, frozenset[str]] = {}
        self.nhs: dict[int, frozenset[str]] = {}
        self.upn: dict[int, frozenset[str]] = {}
        self.years: dict[int, tuple[int, int] | None] = {}
        self.members: dict[int, list[int]] = {}
        self.anchored: dict[int, bool] = {}
        for c in candidates:
            self.parent[c.record_id] = c.record_id
            self.nhs[c.record_id] = frozenset({c.nhs}) if c.nhs else frozenset()
            self.upn[c.record_id] = frozenset({c.upn}) if c.upn else frozenset()
            self.unique[c.record_id] = frozenset({c.agency}) & unique
            year = int(c.dob[:4]) if c.dob else None
            self.years[c.record_id] = (year, year) if year is not None else None
            self.members[c.record_id] = [c.record_id]
            self.anchored[c.record_id] = False
        self.cannot: dict[int, set[int]] = defaultdict(set)
        for a, b in cannot_link:
            self.cannot[a].add(b)
            self.cannot[b].add(a)

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def why_not(self, a: int, b: int, *, strict: bool = False, keyed_year: bool = False) -> str | None:
        """The reason records a and b may not be joined, or None if they may.

        `keyed_year`: the pair's dates of birth are one keystroke apart in the year, under a
        generation (the model's "year one keystroke off" level), so their years are one year
        mistyped, not two people's, and the span check does not apply to them.
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        if conflict(self.nhs[ra], self.nhs[rb]):
            return "different valid NHS numbers"
        if conflict(self.upn[ra], self.upn[rb]):
            return "different valid UPNs"
        shared = self.unique[ra] & self.unique[rb]
        if shared:
            return f"both are records of {sorted(shared)[0]}, which declares its ids unique"
        if self._rejected(ra, rb):
            return "a reviewer decided these are different people"
        if strict and self.anchored[ra] and self.anchored[rb]:
            return "both are already people in their own right (merge them by review, not by score)"
        if strict and not keyed_year and self._year_span(ra, rb) > MAX_YEAR_SPAN:
            return f"dates of birth more than {MAX_YEAR_SPAN} years apart"
        return None

    def _rejected(self, ra: int, rb: int) -> bool:
        small, large = (ra, rb) if len(self.members[ra]) <= len(self.members[rb]) else (rb, ra)
        if not self.cannot:
            return False
        for member in self.members[small]:
            for other in self.cannot.get(member, ()):
                if self.find(other) == large:
                    return True
        return False

    def _year_span(self, ra: int, rb: int) -> int:
        ya, yb = self.years[ra], self.years[rb]
        if ya is None or yb is None:
            return 0
        return max(ya[1], yb[1]) - min(ya[0], yb[0])

    def union(
        self, a: int, b: int, *, force: bool = False, strict: bool = False, keyed_year: bool = False
    ) -> bool:
        """Join the clusters of a and b unless `why_not` refuses (or `force`).

        After a `keyed_year` join the person's years are those of the side with more records (on
        a tie, the older cluster's): one of the two years is a typo, and counting it would let
        the span check refuse the person's correctly dated records later.
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not force and self.why_not(a, b, strict=strict, keyed_year=keyed_year) is not None:
            return False
        keep, drop = (ra, rb) if ra < rb else (rb, ra)
        years = self._years_after(keep, drop, keyed_year=keyed_year)
        self.parent[drop] = keep
        self.nhs[keep] |= self.nhs.pop(drop)
        self.upn[keep] |= self.upn.pop(drop)
        self.unique[keep] |= self.unique.pop(drop)
        self.years.pop(drop)
        self.years[keep] = years
        self.members[keep] += self.members.pop(drop)
        dropped_anchor = self.anchored.pop(drop)
        self.anchored[keep] = self.anchored[keep] or dropped_anchor
        return True

    def _years_after(self, keep: int, drop: int, *, keyed_year: bool) -> tuple[int, int] | None:
        if not keyed_year:
            return _span(self.years[keep], self.years[drop])
        larger = drop if len(self.members[drop]) > len(self.members[keep]) else keep
        return self.years[larger] or self.years[keep] or self.years[drop]

    def unique_conflict(self, a: int, b: int) -> bool:
        """True if joining a and b would merge two records of one unique-id agency."""
        ra, rb = self.find(a), self.find(b)
        return ra != rb and bool(self.unique[ra] & self.unique[rb])

    def anchor(self, item: int) -> None:
        """Mark the cluster of `item` as an existing person (see `why_not`)."""
        self.anchored[self.find(item)] = True

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for item in self.parent:
            out[self.find(item)].append(item)
        return out


def _span(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a[0], b[0]), max(a[1], b[1])
