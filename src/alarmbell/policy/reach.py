"""Whether a person could get any alert, from the shapes of their evidence alone.

The batch rescore (`alerts/prepass.py`) reduces each event it reads to its shape: its kind,
whose it is, the involvement, the agency and which of the policy's attr tests (`Atom`) it
passes. From the policy's own selectors this module widens every indicator into a test on
shapes:

- a selector *may* accept a shape when its kinds, `whose` and involvement allow it and, for
  each of its conditions, an atom the condition implies holds (a boolean or string test as
  written, any other test only its attr's presence) and, for an age limit, the child may
  have been under it on the day the event happened;
- a pattern *may* fire when its matches may hold enough entries: a count's `at_least`, a
  distinct-agencies pattern's agencies, a trend's two values, a co-occurrence's event and
  context, an absence's trigger (windows, spans and moments are not looked at);
- a person *may* be alerted when the weights of the indicators that may apply reach amber, or
  one of them sets a minimum level (an alert needs a level above green; decay only lowers a
  weight).

Every step only widens, so "may not" proves that `alert_timeline` gives that person no alert,
and the batch skips their chronology and the engine. The trigger kinds and attrs come from the
policy data, so a new indicator is read by the pre-pass as soon as it is loaded.
tests/policy/test_batch_equivalence.py checks the proof on random chronologies and
tests/alerts/test_rescore.py on random stores.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from alarmbell.domain.chronology import ChronologyEntry
from alarmbell.domain.recorded_text import fold
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.policy.model import (
    NARRATIVE,
    PLURAL_READING_OPS,
    AbsencePattern,
    AgenciesPattern,
    AllOfPattern,
    AnyOfPattern,
    Condition,
    CoOccurrencePattern,
    CountPattern,
    Match,
    Pattern,
    Policy,
    Selector,
    TrendPattern,
)

#: The engine's `whose` values for another household child's events. Their age tests read that
#: child's date of birth, which the pre-pass does not hold: it takes them as passing.
_OTHER_CHILD = frozenset({"household_child", "twin"})
#: Which sides of a shape each `whose` may accept (a twin is a household child, not told apart).
_SIDES: dict[str, frozenset[str]] = {
    "own": frozenset({"own"}),
    "household": frozenset({"household"}),
    "any": frozenset({"own", "household"}),
    "household_child": frozenset({"household_child"}),
    "twin": frozenset({"household_child"}),
}
#: The engine rounds each weight and the score to cents, summing in its own order: a cent of
#: slack keeps the bound above any score it can reach.
_ROUNDING = 0.01


@dataclass(frozen=True, slots=True)
class Atom:
    """A test the database can run on one attr of an event, implied by a policy condition.

    `present`: the attr is there (any value, null included); `true`/`false`: it is that JSON
    boolean; `text_in`: it is a string among `values` (folded, as `Condition` compares text).
    Each is true whenever the condition it stands for holds (`Condition.holds`), never only
    when it holds.
    """

    attr: str
    test: Literal["present", "true", "false", "text_in"]
    values: tuple[str, ...] = ()
    #: The kinds whose events may need the test; None: any kind.
    kinds: frozenset[str] | None = None

    def holds(self, attrs: dict[str, Any]) -> bool:
        if self.attr not in attrs:
            return False
        value = attrs[self.attr]
        if self.test == "true":
            return value is True
        if self.test == "false":
            return value is False
        if self.test == "text_in":
            return isinstance(value, str) and fold(value) in self.values
        return True


@dataclass(frozen=True, slots=True)
class Shape:
    """`count` events of one kind, whose, involvement and agency, on which these atoms hold.

    `holds` holds indexes into `Reach.atoms`; None means unknown (a derived household fact):
    every atom is taken to hold. `occurred` is the day the events happened (for the child's
    age, as the engine's `age_under` reads it); None means unknown: any age. `numbers` holds the
    value of each of `Reach.trend_attrs` (None where not a number); None means unknown: any.
    `whose`: `own`, a household adult's (`household`) or another household child's
    (`household_child`); None means `own` when `own` is set, else `household`.
    """

    kind: str
    own: bool
    involvement: str
    agency: str
    holds: frozenset[int] | None
    occurred: date | None = None
    count: int = 1
    numbers: tuple[float | None, ...] | None = None
    whose: str | None = None

    @property
    def side(self) -> str:
        return self.whose or ("own" if self.own else "household")


def shapes_of(reach: Reach, entries: Iterable[ChronologyEntry]) -> list[Shape]:
    """The shapes of a chronology's entries, as the pre-pass reads them: an adult's event that
    names another child counts as the adult's and as that child's."""
    out = []
    for e in entries:
        sides = ["own"] if e.is_own else (["household"] if e.is_adults else [])
        sides += ["household_child"] if e.other_child is not None else []
        for side in sides:
            holds = reach.atoms_holding(e.kind, e.attrs, e.text)
            day = e.occurred_at.date()
            numbers = reach.numbers(e.attrs)
            out.append(Shape(e.kind, side == "own", e.involvement, e.agency, holds, day, 1, numbers, side))
    return out


@dataclass(frozen=True, slots=True)
class _Need:
    """One entry list a pattern reads: a match, plus an atom every counted entry must pass."""

    match: Match
    atom: int | None = None


#: For one selector, per condition: the atoms of which one must hold (() when none must).
_Requirements = tuple[tuple[int, ...], ...]


class Reach:
    """A policy widened to shapes; build once per policy (`reach_of` caches it)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._atom_index: dict[tuple[str, str, tuple[str, ...]], int] = {}
        self._atom_kinds: list[set[str] | None] = []
        self._atoms: list[Atom] = []
        self._needs: list[_Need] = []
        self._need_index: dict[tuple[int, int | None], int] = {}
        self._requirements: dict[int, tuple[_Requirements, ...]] = {}
        #: The attrs trends read: their values travel with each shape (`Shape.numbers`).
        self.trend_attrs: tuple[str, ...] = ()
        self._trends: dict[int, int] = {}
        self._indicators = [(i, self._compile(i.pattern)) for i in policy.indicators]
        #: Every test the pre-pass asks the database to run on an event's attrs.
        self.atoms: tuple[Atom, ...] = tuple(
            Atom(a.attr, a.test, a.values, None if k is None else frozenset(k))
            for a, k in zip(self._atoms, self._atom_kinds, strict=True)
        )
        self._accepts: dict[tuple[Any, ...], tuple[int, ...]] = {}
        #: Every `age_under` of the policy's selectors, and the answers for an unknown age.
        self._limits: tuple[timedelta, ...] = tuple(
            sorted({s.age_under for n in self._needs for s in n.match if s.age_under is not None})
        )
        self._never = (False,) * len(self._limits)
        self._always = (True,) * len(self._limits)
        self._by_kind: dict[str, tuple[tuple[int, Atom], ...]] = {}
        self._sets: dict[tuple[int, ...], frozenset[int]] = {}
        #: Whether an atom reads the event's narrative, which then travels with its attrs.
        self.reads_text = any(a.attr in (NARRATIVE, NARRATIVE + "s") for a in self.atoms)

    def numbers(self, attrs: dict[str, Any]) -> tuple[float | None, ...]:
        """The values of the trend attrs, where they are numbers as the engine reads them."""
        return tuple(_number(attrs.get(attr)) for attr in self.trend_attrs)

    def atoms_holding(self, kind: str, attrs: dict[str, Any], text: str | None = None) -> frozenset[int]:
        """The atoms that hold on an event of this kind with these attrs and this narrative
        (read as the engine reads it, under `NARRATIVE`; one set per answer)."""
        if self.reads_text and text is not None:
            attrs = {**attrs, NARRATIVE: text}
        atoms = self._by_kind.get(kind)
        if atoms is None:
            atoms = self._by_kind[kind] = tuple(
                (i, a) for i, a in enumerate(self.atoms) if a.kinds is None or kind in a.kinds
            )
        found = tuple(i for i, atom in atoms if atom.holds(attrs))
        held = self._sets.get(found)
        if held is None:
            held = self._sets[found] = frozenset(found)
        return held

    def may_alert(self, shapes: Iterable[Shape], dob: date | None) -> bool:
        """False only when no alert can be raised from evidence of these shapes, for a child
        born on `dob` (None: unknown, so no age test can pass, as in the engine)."""
        counts = [0] * len(self._needs)
        agencies: list[set[str]] = [set() for _ in self._needs]
        ranges: dict[int, list[float]] = {}
        for shape in shapes:
            for i in self._accepting(shape, self._young(shape.occurred, dob)):
                counts[i] += shape.count
                agencies[i].add(shape.agency)
                if i in self._trends:
                    _widen(ranges, i, shape.numbers, self._trends[i])
        total = 0.0
        stories: dict[str, float] = {}
        for indicator, test in self._indicators:
            if test(counts, agencies, ranges):
                if indicator.min_level is not None and indicator.min_level is not AlertLevel.GREEN:
                    return True
                if indicator.story is None:
                    total += round(indicator.weight, 2)
                else:
                    stories[indicator.story] = stories.get(indicator.story, 0.0) + round(indicator.weight, 2)
        total += sum(min(w, self.policy.stories[s].max_weight) for s, w in stories.items())
        return self.policy.level_for(total + _ROUNDING) is not AlertLevel.GREEN

    def _young(self, occurred: date | None, dob: date | None) -> tuple[bool, ...]:
        """Per age limit of the policy: may the child have been under it when this happened."""
        if dob is None:
            return self._never
        if occurred is None:
            return self._always
        age = occurred - dob
        return tuple(age < limit for limit in self._limits)

    def _accepting(self, shape: Shape, young: tuple[bool, ...]) -> tuple[int, ...]:
        key = (shape.kind, shape.side, shape.involvement, shape.holds, young)
        found = self._accepts.get(key)
        if found is None:
            found = self._accepts[key] = tuple(
                i for i, need in enumerate(self._needs) if self._need_may_accept(need, shape, young)
            )
        return found

    def _need_may_accept(self, need: _Need, shape: Shape, young: tuple[bool, ...]) -> bool:
        if need.atom is not None and shape.holds is not None and need.atom not in shape.holds:
            return False
        required = self._requirements[id(need.match)]
        return any(
            (s.age_under is None or s.whose in _OTHER_CHILD or young[self._limits.index(s.age_under)])
            and _selector_may_accept(s, r, shape)
            for s, r in zip(need.match, required, strict=True)
        )

    def _need(self, match: Match, attr: str | None = None) -> int:
        if id(match) not in self._requirements:
            self._requirements[id(match)] = tuple(
                tuple(self._alternatives(c, s) for c in s.where) for s in match
            )
        atom = None if attr is None else self._atom(attr, "present", (), _selector_kinds(match))
        key = (id(match), atom)
        if key not in self._need_index:
            self._need_index[key] = len(self._needs)
            self._needs.append(_Need(match, atom))
        return self._need_index[key]

    def _compile(self, pattern: Pattern) -> Any:
        """A test (counts, agencies) -> may this pattern fire."""
        if isinstance(pattern, AnyOfPattern | AllOfPattern):
            parts = [self._compile(p) for p in pattern.patterns]
            combine = any if isinstance(pattern, AnyOfPattern) else all
            return lambda c, a, r: combine(part(c, a, r) for part in parts)
        if isinstance(pattern, CoOccurrencePattern):
            event, context = self._need(pattern.event), self._need(pattern.context)
            return lambda c, _a, _r: c[event] >= 1 and c[context] >= 1
        if isinstance(pattern, AbsencePattern):
            trigger = self._need(pattern.trigger)
            return lambda c, _a, _r: c[trigger] >= 1
        if isinstance(pattern, TrendPattern):
            return self._trend(pattern)
        if isinstance(pattern, AgenciesPattern):
            found, least = self._need(pattern.match), pattern.at_least
            return lambda _c, a, _r: len(a[found]) >= least
        assert isinstance(pattern, CountPattern)
        found, least = self._need(pattern.match), pattern.at_least
        return lambda c, _a, _r: c[found] >= least

    def _trend(self, pattern: TrendPattern) -> Any:
        """Two values, and a fall of `falls_by` needs the largest and smallest that far apart."""
        values = self._need(pattern.match, pattern.attr)
        if pattern.attr not in self.trend_attrs:
            self.trend_attrs = (*self.trend_attrs, pattern.attr)
        self._trends[values] = self.trend_attrs.index(pattern.attr)
        falls_by, share = pattern.falls_by, pattern.falls_by_share

        def test(c: list[int], _a: Any, r: dict[int, list[float]]) -> bool:
            low, high = r.get(values, (math.inf, -math.inf))
            if c[values] < 2:
                return False
            if share is not None:
                # The engine's fall from the highest earlier value h to a later v needs
                # h - v >= share * h >= share * v >= share * low, and high - low >= h - v.
                return high - low >= share * low
            return falls_by is not None and high - low >= falls_by

        return test

    def _alternatives(self, condition: Condition, selector: Selector) -> tuple[int, ...]:
        """Atoms of which one must hold for the condition to hold; () when none must.

        Strings and booleans are tested as they are; every other test only needs its attr
        (`Condition.holds` fails on an absent attr): `contains` and `contains_any` too, since
        their words may start any word of the text, which no set of whole values can list. The
        body-site and described-injury tests read the attr and its plural, and "at least 0
        regions" always holds.
        """
        kinds = selector.kinds or None
        op, attr, value = condition.op, condition.attr, condition.value
        if op == "is_not_false" or op == "regions_beyond":
            return ()  # holds on an absent attr: no atom must hold
        if op == "is_true" or op == "is_false":
            return (self._atom(attr, "true" if op == "is_true" else "false", (), kinds),)
        if op == "equals" and isinstance(value, str):
            return (self._atom(attr, "text_in", (fold(value),), kinds),)
        if op == "in" and value and all(isinstance(v, str) for v in value):
            return (self._atom(attr, "text_in", tuple(sorted({fold(v) for v in value})), kinds),)
        if op not in PLURAL_READING_OPS:
            return (self._atom(attr, "present", (), kinds),)
        if op == "regions_at_least" and int(value) <= 0:
            return ()
        return (self._atom(attr, "present", (), kinds), self._atom(attr + "s", "present", (), kinds))

    def _atom(
        self,
        attr: str,
        test: Literal["present", "true", "false", "text_in"],
        values: tuple[str, ...],
        kinds: frozenset[str] | None,
    ) -> int:
        key = (attr, test, values)
        index = self._atom_index.get(key)
        if index is None:
            index = self._atom_index[key] = len(self._atoms)
            self._atoms.append(Atom(attr, test, values))
            self._atom_kinds.append(set())
        known = self._atom_kinds[index]
        if known is not None:
            if kinds is None:
                self._atom_kinds[index] = None
            else:
                known.update(kinds)
        return index


def _selector_kinds(match: Match) -> frozenset[str] | None:
    if any(not s.kinds for s in match):
        return None
    return frozenset(k for s in match for k in s.kinds)


def _selector_may_accept(selector: Selector, required: _Requirements, shape: Shape) -> bool:
    if selector.kinds and shape.kind not in selector.kinds:
        return False
    if shape.side not in _SIDES[selector.whose]:
        return False
    other = selector.whose in _OTHER_CHILD  # another child's events: the engine reads no involvement
    if not other and selector.involvement not in ("any", shape.involvement):
        return False
    holds = shape.holds
    if holds is None:
        return True
    return all(not atoms or any(a in holds for a in atoms) for atoms in required)


def _number(value: Any) -> float | None:
    """As the engine's trend reads a value: numbers only, not booleans."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _widen(ranges: dict[int, list[float]], need: int, numbers: Any, position: int) -> None:
    """Stretch a trend's [smallest, largest] value to take in one shape's (unknown: everything)."""
    found = ranges.setdefault(need, [math.inf, -math.inf])
    value = None if numbers is None else numbers[position]
    if numbers is None:
        found[0], found[1] = -math.inf, math.inf
    elif value is not None:
        found[0], found[1] = min(found[0], value), max(found[1], value)


_REACH: dict[int, Reach] = {}


def reach_of(policy: Policy) -> Reach:
    """The widened policy, built once per policy object."""
    cached = _REACH.get(id(policy))
    if cached is None or cached.policy is not policy:
        if len(_REACH) > 32:
            _REACH.clear()
        cached = _REACH[id(policy)] = Reach(policy)
    return cached


__all__ = ["Reach", "Shape", "reach_of", "shapes_of"]
