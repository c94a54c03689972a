"""Whether a person could get any alert, from the shapes of their evidence alone.

The batch rescore (`alerts/prepass.py`) reduces each event it reads to its shape: its kind,
whose it is, the involvement, the agency and which of the policy's conditions (`Atom`) hold
on it. From the policy's own selectors this module widens every indicator into a test on
shapes:

- a selector *may* accept a shape when its kinds, `whose` and involvement allow it and, for
  each of its conditions, that condition held on the event (tested once per event, as the
  engine tests it) and, for an age limit, the child may have been under it on the day the
  event happened;
- a pattern *may* fire when its matches may hold enough entries: a count's `at_least`, a
  distinct-agencies pattern's agencies, a trend's two values, a co-occurrence's event and
  context, an absence's trigger;
- a person *may* be alerted when the weights of the indicators that may apply reach amber, or
  one of them sets a minimum level (an alert needs a level above green; decay only lowers a
  weight);
- and, for the people that first test keeps, when that holds on one day the engine may score
  on (a day something was recorded), with each entry counted only on the days its indicator's
  window allows and a trend's values compared in the order they happened (spans, `within`
  and decay are not looked at).

Every step only widens, so "may not" proves that `alert_timeline` gives that person no alert,
and the batch skips their chronology and the engine. The trigger kinds and attrs come from the
policy data, so a new indicator is read by the pre-pass as soon as it is loaded.
tests/policy/test_batch_equivalence.py checks the proof on random chronologies and
tests/alerts/test_rescore.py on random stores.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from alarmbell.domain.chronology import ChronologyEntry
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.policy import day_spans
from alarmbell.policy.content import KEPT, attrs_key
from alarmbell.policy.model import (
    NARRATIVE,
    AbsencePattern,
    AgenciesPattern,
    AllOfPattern,
    AnyOfPattern,
    Condition,
    CoOccurrencePattern,
    CountPattern,
    Indicator,
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
    """One condition of the policy's selectors, tested on an event's attrs as the engine tests it.

    The pre-pass tests each event against every condition a selector of its kind holds, once,
    and keeps the answers (`Shape.holds`), so a selector may accept a shape only when each of its
    conditions held on that event: exactly `Condition.holds`, not a looser stand-in. (Once
    these were looser: `present` for any test but a boolean or string one, so a GP
    consultation's `reason`, whatever it said, passed "the reason describes hunger", and every
    child with two consultations was kept.) `kinds`: the kinds whose events may need the test;
    None: any kind.
    """

    condition: Condition
    kinds: frozenset[str] | None = None
    #: What the condition says of an event with neither its attr nor the attr's plural (every
    #: condition reads at most those two): the answer without calling it, for most events.
    absent: bool = False

    @property
    def attr(self) -> str:
        return self.condition.attr


@dataclass(frozen=True, slots=True)
class Shape:
    """`count` events of one kind, whose, involvement and agency, on which these atoms hold.

    `holds` holds indexes into `Reach.atoms`; None means unknown (a derived household fact):
    every atom is taken to hold. `occurred` is the day the events happened (for the child's
    age, as the engine's `age_under` reads it, and for the windows); None means unknown: any
    day. `numbers` holds the value of each of `Reach.trend_attrs` (None where not a number);
    None means unknown: any.
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
    #: The day the events were recorded (known to the engine from then); None: unknown, any.
    recorded: date | None = None

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
            day, recorded = e.occurred_at.date(), e.recorded_at.date()
            numbers = reach.numbers(e.attrs)
            own = side == "own"
            out.append(Shape(e.kind, own, e.involvement, e.agency, holds, day, 1, numbers, side, recorded))
    return out


class _KindAtoms:
    """The atoms of one event kind, by the attr each reads (its own and its plural), and those
    that hold on an event without their attr."""

    def __init__(self, atoms: list[tuple[int, Atom]]) -> None:
        self.by_attr: dict[str, list[tuple[int, Atom]]] = {}
        for i, atom in atoms:
            for attr in (atom.attr, atom.attr + "s"):
                self.by_attr.setdefault(attr, []).append((i, atom))
        self.when_absent = tuple(i for i, atom in atoms if atom.absent)


@dataclass(frozen=True, slots=True)
class _Need:
    """One entry list a pattern reads: a match, plus an atom every counted entry must pass."""

    match: Match
    atom: int | None = None


#: For one selector, per condition: the atoms of which one must hold (the condition's own).
_Requirements = tuple[tuple[int, ...], ...]


class Reach:
    """A policy widened to shapes; build once per policy (`reach_of` caches it)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._atom_index: dict[tuple[str, str, str], int] = {}
        self._atom_kinds: list[set[str] | None] = []
        self._atoms: list[Condition] = []
        self._needs: list[_Need] = []
        self._need_index: dict[tuple[int, int | None], int] = {}
        self._requirements: dict[int, tuple[_Requirements, ...]] = {}
        #: The attrs trends read: their values travel with each shape (`Shape.numbers`).
        self.trend_attrs: tuple[str, ...] = ()
        self._trends: dict[int, int] = {}
        self._indicators = [(i, self._compile(i.pattern)) for i in policy.indicators]
        self._on_days = [(i, self._days_test(i.pattern, _days(i.window))) for i in policy.indicators]
        #: Every condition the pre-pass tests on an event's attrs.
        self.atoms: tuple[Atom, ...] = tuple(
            Atom(c, None if k is None else frozenset(k), c.holds({}))
            for c, k in zip(self._atoms, self._atom_kinds, strict=True)
        )
        self._accepts: dict[tuple[Any, ...], tuple[int, ...]] = {}
        #: Every `age_under` of the policy's selectors, and the answers for an unknown age.
        self._limits: tuple[timedelta, ...] = tuple(
            sorted({s.age_under for n in self._needs for s in n.match if s.age_under is not None})
        )
        self._never = (False,) * len(self._limits)
        self._always = (True,) * len(self._limits)
        #: The answers for an age with k limits at or below it (the limits are sorted).
        self._under: tuple[tuple[bool, ...], ...] = tuple(
            (False,) * k + (True,) * (len(self._limits) - k) for k in range(len(self._limits) + 1)
        )
        self._by_kind: dict[str, _KindAtoms] = {}
        self._sets: dict[tuple[int, ...], frozenset[int]] = {}
        #: (kind, narrative, attrs as `attrs_key`) -> the atoms that hold: bounded (`KEPT`).
        self._held: dict[tuple[str, Any, str | bytes], frozenset[int]] = {}
        #: Whether an atom reads the event's narrative, which then travels with its attrs.
        self.reads_text = any(a.attr in (NARRATIVE, NARRATIVE + "s") for a in self.atoms)

    def numbers(self, attrs: dict[str, Any]) -> tuple[float | None, ...]:
        """The values of the trend attrs, where they are numbers as the engine reads them."""
        return tuple(_number(attrs.get(attr)) for attr in self.trend_attrs)

    def atoms_holding(self, kind: str, attrs: dict[str, Any], text: str | None = None) -> frozenset[int]:
        """The atoms that hold on an event of this kind with these attrs and this narrative
        (read as the engine reads it, under `NARRATIVE`; one set per answer).

        Only the atoms on the attrs the event has are tested: every other atom's answer is its
        answer for an absent attr (`Atom.absent`), known beforehand. An event has a few attrs
        and its kind has dozens of atoms. The answer is kept per content (`policy.content`):
        agencies' events repeat their attrs and words, and the text readers cost the most."""
        if not self.reads_text:
            text = None
        content = attrs_key(attrs)
        if content is None or not (text is None or type(text) is str):
            return self._test_atoms(kind, attrs, text)
        key = (kind, text, content)
        held = self._held.get(key)
        if held is None:
            if len(self._held) >= KEPT:
                self._held.clear()
            held = self._held[key] = self._test_atoms(kind, attrs, text)
        return held

    def _test_atoms(self, kind: str, attrs: dict[str, Any], text: str | None) -> frozenset[int]:
        if text is not None:
            attrs = {**attrs, NARRATIVE: text}
        on_kind = self._by_kind.get(kind)
        if on_kind is None:
            on_kind = self._by_kind[kind] = _KindAtoms(
                [(i, a) for i, a in enumerate(self.atoms) if a.kinds is None or kind in a.kinds]
            )
        tested: dict[int, bool] = {}
        for attr in attrs:
            for i, atom in on_kind.by_attr.get(attr, ()):
                if i not in tested:
                    tested[i] = atom.condition.holds(attrs)
        found = tuple(
            sorted(
                {i for i, held in tested.items() if held}.union(
                    i for i in on_kind.when_absent if i not in tested
                )
            )
        )
        held = self._sets.get(found)
        if held is None:
            held = self._sets[found] = frozenset(found)
        return held

    def may_alert(self, shapes: Iterable[Shape], dob: date | None) -> bool:
        """False only when no alert can be raised from evidence of these shapes, for a child
        born on `dob` (None: unknown, so no age test can pass, as in the engine)."""
        shapes = list(shapes)  # read twice: by this test and by the closer one
        counts = [0] * len(self._needs)
        agencies: list[set[str]] = [set() for _ in self._needs]
        ranges: dict[int, list[float]] = {}
        for shape in shapes:
            for i in self._accepting(shape, self._young(shape.occurred, dob)):
                counts[i] += shape.count
                agencies[i].add(shape.agency)
                if i in self._trends:
                    _widen(ranges, i, shape.numbers, self._trends[i])
        if not self._reaches_amber([i for i, test in self._indicators if test(counts, agencies, ranges)]):
            return False
        return self._may_alert_on_one_day(shapes, dob, ranges)

    def _may_alert_on_one_day(
        self, shapes: list[Shape], dob: date | None, ranges: dict[int, list[float]]
    ) -> bool:
        """The second, closer test, for the few people the first keeps: the same, with windows.

        The engine counts an entry at moment T only once it is recorded (by T) and while it
        happened within the indicator's window before T: on the days from its recorded day to
        its occurred day plus the window. Per indicator, the days on which its pattern may
        fire (`_days_test`); then whether on some one day those that may fire reach amber.
        The engine scores only at moments something was recorded, so only the days something
        was recorded are asked. Everything else is widened as in the first test (spans,
        `within`, decay, age_from).
        """
        accepted: list[list[Shape]] = [[] for _ in self._needs]
        for shape in shapes:
            for i in self._accepting(shape, self._young(shape.occurred, dob)):
                accepted[i].append(shape)
        firing = [(i, days) for i, test in self._on_days if (days := test(accepted, ranges))]
        return any(
            self._reaches_amber([i for i, days in firing if day_spans.holds_on(days, day)])
            for day in _moments(shapes, firing)
        )

    def _reaches_amber(self, indicators: list[Indicator]) -> bool:
        """Whether these indicators, applying together at full weight, give a level above green."""
        total = 0.0
        stories: dict[str, float] = {}
        for indicator in indicators:
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
        return self._under[bisect_right(self._limits, occurred - dob)]

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
        atom = None if attr is None else self._atom(Condition(attr, "exists"), _selector_kinds(match))
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

    def _days_test(self, pattern: Pattern, window: int) -> Any:
        """A test (accepted shapes per need, trend ranges) -> the days this pattern may fire on.

        As `_compile`, but on days: a shape counts from its recorded day to its occurred day
        plus the indicator's `window` (in whole days, one more for safety); a shape with an
        unknown day counts on every day.
        """
        if isinstance(pattern, AnyOfPattern | AllOfPattern):
            parts = [self._days_test(p, window) for p in pattern.patterns]
            combine = day_spans.union if isinstance(pattern, AnyOfPattern) else day_spans.intersection
            return lambda f, r: combine([part(f, r) for part in parts])
        if isinstance(pattern, CoOccurrencePattern):
            event, context = self._need(pattern.event), self._need(pattern.context)
            return lambda f, _r: _after_first_known(_live(f[event], window, 1), f[context])
        if isinstance(pattern, AbsencePattern):
            trigger, within = self._need(pattern.trigger), pattern.within.days
            return lambda f, _r: day_spans.covered((_overdue(s, within, window) for s in f[trigger]), 1)
        if isinstance(pattern, TrendPattern):
            values, may_fall = self._need(pattern.match, pattern.attr), self._trend(pattern)
            counted, position = [0] * len(self._needs), self.trend_attrs.index(pattern.attr)

            def trend(f: list[list[Shape]], r: dict[int, list[float]]) -> day_spans.Days:
                counted[values] = sum(s.count for s in f[values])
                if not may_fall(counted, None, r) or not _falls_in_order(f[values], position, pattern):
                    return []
                return _live(f[values], window, 2)

            return trend
        if isinstance(pattern, AgenciesPattern):
            found, least = self._need(pattern.match), pattern.at_least
            return lambda f, _r: _agencies_live(f[found], window, least)
        assert isinstance(pattern, CountPattern)
        found, least = self._need(pattern.match), pattern.at_least
        return lambda f, _r: _live(f[found], window, least)

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
        """The atom that must hold for the condition to hold: the condition itself."""
        return (self._atom(condition, selector.kinds or None),)

    def _atom(self, condition: Condition, kinds: frozenset[str] | None) -> int:
        key = (condition.attr, condition.op, repr(condition.value))
        index = self._atom_index.get(key)
        if index is None:
            index = self._atom_index[key] = len(self._atoms)
            self._atoms.append(condition)
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


def _moments(shapes: list[Shape], firing: list[tuple[Indicator, day_spans.Days]]) -> list[int]:
    """The days the engine may score on: each day something was recorded. A shape recorded on
    an unknown day (a derived fact) adds the first day of every span, where a score is highest
    (a score grows with every indicator added)."""
    days = {s.recorded.toordinal() for s in shapes if s.recorded is not None}
    if any(s.recorded is None for s in shapes):
        days.update(first for _, spans in firing for first in day_spans.starts(spans))
    return sorted(days)


def _falls_in_order(shapes: list[Shape], position: int, pattern: TrendPattern) -> bool:
    """Whether a value may fall as the engine's trend asks: below the highest value before it.

    The engine walks the entries in the order they happened and compares each value with the
    highest before it; here every value of the same day or earlier counts as before (a day holds
    no time), which only widens while a fall grows with the value it falls from (`fell` does
    for a fall in points, and for a share of at most 1). A value or a day not known: it may.
    """
    share = pattern.falls_by_share
    if share is not None and share > 1:
        return True
    days: dict[int, list[float]] = {}
    for shape in shapes:
        if shape.numbers is None or shape.occurred is None:
            return True
        value = shape.numbers[position]
        if value is not None:
            days.setdefault(shape.occurred.toordinal(), []).append(value)
    highest = -math.inf
    for day in sorted(days):
        highest = max(highest, *days[day])
        if any(pattern.fell(highest, value) for value in days[day]):
            return True
    return False


def _days(window: timedelta) -> int:
    """A window in whole days, one more than it spans, so no moment inside it is missed."""
    return window.days + 1


def _span(shape: Shape, window: int) -> tuple[int, int, int]:
    """The days on which the engine may count this shape: recorded by then, happened within the
    window before (`count` as the weight)."""
    if shape.recorded is None or shape.occurred is None:
        return (day_spans.FIRST_DAY, day_spans.LAST_DAY, shape.count)
    return (shape.recorded.toordinal(), shape.occurred.toordinal() + window, shape.count)


def _live(shapes: list[Shape], window: int, at_least: int) -> day_spans.Days:
    """The days on which at least `at_least` of the shapes may be counted at once."""
    return day_spans.covered((_span(s, window) for s in shapes), at_least)


def _agencies_live(shapes: list[Shape], window: int, at_least: int) -> day_spans.Days:
    """The days on which shapes of at least `at_least` agencies may be counted at once."""
    by_agency: dict[str, list[Shape]] = {}
    for shape in shapes:
        by_agency.setdefault(shape.agency, []).append(shape)
    per_agency = [_live(found, window, 1) for found in by_agency.values()]
    return day_spans.covered(((a, b, 1) for days in per_agency for a, b in days), at_least)


def _after_first_known(days: day_spans.Days, contexts: list[Shape]) -> day_spans.Days:
    """`days` from the first day a context may be known (a co-occurrence needs one recorded)."""
    if not contexts:
        return []
    known = [s.recorded.toordinal() if s.recorded is not None else day_spans.FIRST_DAY for s in contexts]
    return day_spans.intersection([days, [(min(known), day_spans.LAST_DAY)]])


def _overdue(shape: Shape, within: int, window: int) -> tuple[int, int, int]:
    """The days on which an absence's trigger may be counted: recorded, its deadline (`within`
    days after it happened) passed, and still within the window."""
    first, last, count = _span(shape, window)
    if shape.occurred is None or shape.recorded is None:
        return (first, last, count)
    return (max(first, shape.occurred.toordinal() + within), last, count)


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
