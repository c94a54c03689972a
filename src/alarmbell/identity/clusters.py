"""Union-find over source record ids, with the checks that keep two people apart.

Every union asks first whether it would put two people into one: two different valid NHS
numbers or UPNs, a pair a human rejected, two records of an agency that declares its ids unique
(ALARMBELL_UNIQUE_ID_AGENCIES: its own deduplication already made each record one person),
two records with the same date of birth and family name whose recorded sex differs (twins:
docs/identity.md, "Twins"), or (for probabilistic links) dates of birth years apart, two people
alarmbell already knew as separate, or records of both sides that cannot all be one person (the
cluster guard, identity/coherence.py: a chain of plausible links must not join records that
share nothing).
Pure Python, shared by the store's linker and the benchmarks, so what is measured is what runs.

Only the parent of each record is held for every record; a cluster's identifiers, unique-id
agencies, birth years and members are held only where there is something to hold (most records
have no UPN; a cluster of one is its own member list), since at a million records one dict entry
and one small object per record and attribute came to over a gigabyte. The cluster guard's
profiles are the exception (one dict entry per record with a name or date, identical profiles
shared): at 100,000 records they raised the benchmark's peak from 600 to 610 MB.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import lru_cache

from alarmbell.identity.coherence import COHERENCE_MARK, Profile, incoherence, profile, sibling_like
from alarmbell.identity.rules import LinkCandidate, conflict

#: A probabilistic link never joins records whose birth years span more than this.
MAX_YEAR_SPAN = 5
_NONE: frozenset[str] = frozenset()
_NO_SEXED: frozenset[tuple[str, str, str]] = frozenset()
#: Why two clusters are not joined when they would hold a boy and a girl with one birthday and surname.
SEX_DIFFERS = "recorded sex differs, with the same date of birth and family name (possible twins)"


#: Why two clusters are not joined when an agency named a record of each in one event.
DISTINCT_PARTIES = "an agency recorded them as two different people in one event"


def guard_refused(why: str) -> bool:
    """True when `why` (a refusal's words) is the cluster guard's: records that cannot be one person
    (identity/coherence.py) or two parties of one event (identity/parties.py)."""
    return COHERENCE_MARK in why or DISTINCT_PARTIES in why


class Clusters:
    """Union-find that refuses unions joining different NHS numbers or UPNs (unless forced)."""

    def __init__(
        self,
        candidates: Iterable[LinkCandidate],
        cannot_link: Iterable[tuple[int, int]] = (),
        *,
        unique_agencies: Iterable[str] = (),
        named_together: Callable[[int, int], bool] | None = None,
        today: date | None = None,
    ) -> None:
        """`cannot_link`: pairs a reviewer rejected; `named_together`: whether an agency named two
        records as two parties of one event (identity/parties.py), asked only of records of one
        agency; `today`: the day linkage runs, which decides who is a child to the cluster guard
        (identity/coherence.py)."""
        unique = frozenset(unique_agencies)
        self.parent: dict[int, int] = {}
        # Per root, held only where not empty (a missing root reads as the empty value):
        #: root -> the unique-id agencies whose records the cluster holds (at most one record each).
        self.unique: dict[int, frozenset[str]] = {}
        #: root -> its valid NHS numbers (UPNs): one as the string itself, the record's own (a
        #: one-element frozenset each was 216 bytes a record), more as a frozenset (`_ids`).
        self.nhs: dict[int, IdSet] = {}
        self.upn: dict[int, IdSet] = {}
        #: root -> (earliest, latest) birth year; a record's own (year, year) is shared by every
        #: record born that year (`_year_span`), not a tuple each.
        self.years: dict[int, tuple[int, int]] = {}
        #: root -> (date of birth, family name, sex) of its records that hold all three, only for
        #: records whose date of birth and family name some record of the other sex shares: no other
        #: record can trip the sex check, and most records hold all three fields.
        self.sexed: dict[int, frozenset[tuple[str, str, str]]] = {}
        #: root -> members, for clusters of two or more (a cluster of one is just its root).
        self.members: dict[int, list[int]] = {}
        self.anchored: set[int] = set()
        #: record -> what the cluster guard compares (identical profiles share one object).
        self.profiles: dict[int, Profile] = {}
        self.named_together = named_together
        candidates = candidates if isinstance(candidates, Sequence) else list(candidates)
        #: record id -> its agency's place in `self.agencies`: one byte a record, read only to ask
        #: `named_together` about records of one agency.
        self.agencies: list[str] = []
        top = max((c.record_id for c in candidates), default=0) if named_together is not None else -1
        self.agency_of = bytearray(top + 1)
        shared: dict[Profile, Profile] = {}
        for c in candidates:
            held = profile(c, today)
            if held is not None:
                self.profiles[c.record_id] = shared.setdefault(held, held)
            record_id = c.record_id
            self.parent[record_id] = record_id
            if c.nhs:
                self.nhs[record_id] = c.nhs
            if c.upn:
                self.upn[record_id] = c.upn
            if c.agency in unique:
                self.unique[record_id] = frozenset({c.agency})
            if named_together is not None:
                if c.agency not in self.agencies:
                    self.agencies.append(c.agency)
                self.agency_of[record_id] = self.agencies.index(c.agency)
            if c.dob:
                self.years[record_id] = _year_span(c.dob[:4])
        for c in _in_mixed_sex_groups(candidates):
            self.sexed[c.record_id] = frozenset({(c.dob or "", c.family, c.sex or "")})
        self.cannot = _both_ways(cannot_link)

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
        if conflict(_ids(self.nhs, ra), _ids(self.nhs, rb)):
            return "different valid NHS numbers"
        if conflict(_ids(self.upn, ra), _ids(self.upn, rb)):
            return "different valid UPNs"
        shared = self._unique(ra) & self._unique(rb)
        if shared:
            return f"both are records of {sorted(shared)[0]}, which declares its ids unique"
        if self._said_apart(self.cannot, ra, rb):
            return "a reviewer decided these are different people"
        if self._parties_of_one_event(ra, rb):
            return DISTINCT_PARTIES
        if _sex_differs(self.sexed.get(ra, _NO_SEXED), self.sexed.get(rb, _NO_SEXED)):
            return SEX_DIFFERS
        if strict and ra in self.anchored and rb in self.anchored:
            return "both are already people in their own right (merge them by review, not by score)"
        if strict and not keyed_year and self._year_span(ra, rb) > MAX_YEAR_SPAN:
            return f"dates of birth more than {MAX_YEAR_SPAN} years apart"
        if strict:
            return self._incoherent(a, b, ra, rb)
        return None

    def _members(self, root: int) -> list[int]:
        return self.members.get(root) or [root]

    def _unique(self, root: int) -> frozenset[str]:
        return self.unique.get(root, _NONE)

    def _said_apart(self, apart: Mapping[int, set[int]], ra: int, rb: int) -> bool:
        """True when a record of cluster ra and one of rb are a pair in `apart` (said to be two people)."""
        if not apart:
            return False
        small, large = (ra, rb) if len(self._members(ra)) <= len(self._members(rb)) else (rb, ra)
        for member in self._members(small):
            for other in apart.get(member, ()):
                if self.find(other) == large:
                    return True
        return False

    def _parties_of_one_event(self, ra: int, rb: int) -> bool:
        """True when a record of cluster ra and one of rb, of one agency, are parties of one event."""
        check = self.named_together
        if check is None:
            return False
        agency = self.agency_of
        left, right = self._members(ra), self._members(rb)
        if not {agency[m] for m in left} & {agency[m] for m in right}:
            return False
        return any(check(x, y) for x in left for y in right if agency[x] == agency[y])

    def _incoherent(self, a: int, b: int, ra: int, rb: int) -> str | None:
        """The cluster guard (identity/coherence.py): why linked records a and b look like siblings,
        or why the records of both sides (roots ra and rb) cannot be one person; else None."""
        pa, pb = self.profiles.get(a), self.profiles.get(b)
        if pa is not None and pb is not None:
            why = sibling_like(pa, pb)
            if why is not None:
                return why
        left, right = self._profiles(ra), self._profiles(rb)
        if not left or not right:
            return None
        link = (pa, pb) if pa is not None and pb is not None else None
        return incoherence(left, right, link)

    def _profiles(self, root: int) -> Counter[Profile]:
        profiles = self.profiles
        return Counter(profiles[m] for m in self._members(root) if m in profiles)

    def _year_span(self, ra: int, rb: int) -> int:
        ya, yb = self.years.get(ra), self.years.get(rb)
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
        for ids in (self.nhs, self.upn):
            if drop in ids:
                ids[keep] = _joined_ids(_ids(ids, keep), _ids(ids, drop))
                del ids[drop]
        if drop in self.unique:
            self.unique[keep] = self.unique.get(keep, _NONE) | self.unique.pop(drop)
        if drop in self.sexed:
            self.sexed[keep] = self.sexed.get(keep, _NO_SEXED) | self.sexed.pop(drop)
        self.years.pop(drop, None)
        if years is None:
            self.years.pop(keep, None)
        else:
            self.years[keep] = years
        members = self.members.setdefault(keep, [keep])
        members += self.members.pop(drop, [drop])
        if drop in self.anchored:
            self.anchored.discard(drop)
            self.anchored.add(keep)
        return True

    def _years_after(self, keep: int, drop: int, *, keyed_year: bool) -> tuple[int, int] | None:
        if not keyed_year:
            return _span(self.years.get(keep), self.years.get(drop))
        larger = drop if len(self._members(drop)) > len(self._members(keep)) else keep
        return self.years.get(larger) or self.years.get(keep) or self.years.get(drop)

    def unique_conflict(self, a: int, b: int) -> bool:
        """True if joining a and b would merge two records of one unique-id agency."""
        ra, rb = self.find(a), self.find(b)
        return ra != rb and bool(self._unique(ra) & self._unique(rb))

    def anchor(self, item: int) -> None:
        """Mark the cluster of `item` as an existing person (see `why_not`)."""
        self.anchored.add(self.find(item))

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for item in self.parent:
            out[self.find(item)].append(item)
        return out


IdSet = str | frozenset[str]


def _ids(held: dict[int, IdSet], root: int) -> frozenset[str]:
    """A root's identifiers of one kind as a set (empty when it holds none)."""
    value = held.get(root, _NONE)
    return frozenset((value,)) if isinstance(value, str) else value


def _joined_ids(a: frozenset[str], b: frozenset[str]) -> IdSet:
    """Two roots' identifiers together, one identifier as the string itself."""
    joined = a | b
    return next(iter(joined)) if len(joined) == 1 else joined


@lru_cache(maxsize=512)
def _year_span(year: str) -> tuple[int, int]:
    """(year, year) for a record born in `year`: one tuple shared by every such record."""
    value = int(year)
    return value, value


def _both_ways(pairs: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for a, b in pairs:
        out[a].add(b)
        out[b].add(a)
    return out


def _span(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a[0], b[0]), max(a[1], b[1])


def _sex_differs(a: frozenset[tuple[str, str, str]], b: frozenset[tuple[str, str, str]]) -> bool:
    """A record on each side with the same date of birth and family name but a different sex.

    Boy and girl twins registered under a placeholder name agree on everything else. Recorded
    sex is sometimes wrong (sex or date of birth wrong or missing in 0.11% of hospital records:
    docs/synthetic.md, Harron 2017), so such a pair is refused here and offered for review.
    """
    return any((dob, family, "F" if sex == "M" else "M") in a for dob, family, sex in b)


def _in_mixed_sex_groups(candidates: Sequence[LinkCandidate]) -> Iterator[LinkCandidate]:
    """The records with a date of birth, family name and sex that a record of the other sex shares."""
    sexes: dict[tuple[str, str], str] = {}
    for c in candidates:
        if c.dob and c.family and c.sex:
            key = (c.dob, c.family)
            seen = sexes.setdefault(key, c.sex)
            if seen != c.sex:
                sexes[key] = "both"
    mixed = {key for key, sex in sexes.items() if sex == "both"}
    del sexes
    if mixed:
        yield from (c for c in candidates if c.sex and (c.dob, c.family) in mixed)
