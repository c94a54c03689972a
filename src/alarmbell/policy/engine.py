"""The early-warning engine: pure functions from (policy, chronology, moment) to assessments.

Knowledge follows the architecture's time rule: at moment T only entries with
recorded_at <= T exist. Windows and decay are measured on occurred_at (when things happened)
relative to T, so a late-recorded old event counts as old.

Speed: each chronology entry is tested against each selector list ("match") once, when it
becomes known, and kept in a per-match list sorted by occurred_at. Patterns then bisect those
lists to their window, so re-evaluating after one new event costs little more than the events
inside the indicators' windows; `alert_timeline` never rescans the whole chronology per moment.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any

from alarmbell.domain.alerts import Assessment, EvidenceUpdate, Finding, RaisedAlert
from alarmbell.domain.chronology import Chronology, ChronologyEntry, HouseholdMember
from alarmbell.domain.records import RecordKey
from alarmbell.domain.timeparse import age_in_years
from alarmbell.domain.vocabulary import EVENT_KINDS, AlertLevel
from alarmbell.policy.content import KEPT, attrs_key
from alarmbell.policy.explain import explain, finding_sentence, new_evidence_sentence
from alarmbell.policy.hits import Hit
from alarmbell.policy.model import (
    NARRATIVE,
    AbsencePattern,
    AgenciesPattern,
    AllOfPattern,
    AnyOfPattern,
    CoOccurrencePattern,
    CountPattern,
    Indicator,
    Match,
    Pattern,
    Policy,
    Selector,
    TrendPattern,
)

_SortKey = tuple[datetime, datetime, str, str]
_SCORE_DIGITS = 2


def _sort_key(entry: ChronologyEntry) -> _SortKey:
    return (entry.occurred_at, entry.recorded_at, entry.agency, entry.source_id)


@dataclass(slots=True)
class _MatchList:
    """Entries matching one `Match`, kept sorted by occurred_at (ties by recorded_at, key)."""

    keys: list[_SortKey] = field(default_factory=list)
    entries: list[ChronologyEntry] = field(default_factory=list)
    times: list[datetime] = field(default_factory=list)

    def add(self, entry: ChronologyEntry) -> None:
        key = _sort_key(entry)
        keys = self.keys
        if not keys or key >= keys[-1]:  # most entries are recorded in the order they happened
            keys.append(key)
            self.entries.append(entry)
            self.times.append(entry.occurred_at)
            return
        i = bisect_right(keys, key)
        keys.insert(i, key)
        self.entries.insert(i, entry)
        self.times.insert(i, entry.occurred_at)

    def start(self, moment: datetime) -> int:
        """Index of the first entry that occurred at or after `moment`."""
        return bisect_left(self.times, moment)


_Candidates = tuple[tuple[int, tuple[Selector, ...]], ...]
"""For one event kind: (match index, the match's selectors that may accept that kind)."""
_Shape = tuple[str, bool, bool, str | None, str]
"""(kind, own, a household adult's, the other child's relation or None, involvement)."""
_Held = tuple[tuple[int, tuple[Selector, ...] | None], ...]
"""For one entry: (match index, the selectors whose conditions hold, left to their age tests;
None when one with no age test accepts it)."""

#: `whose` values that select another household child's events; their `age_under` is that child's.
_OTHER_CHILD_WHOSE = frozenset({"household_child", "twin"})


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A policy's selectors indexed by event kind, built once per policy.

    Testing each entry only against the selectors that name its kind (or no kind) is what
    keeps evaluating a long chronology cheap. `reach` bounds how long after it happened an
    entry can still make any indicator fire (the longest window); `lookback` bounds how far
    back from the moment of assessment any entry can matter at all (window plus the longest
    co-occurrence reach), so older entries need not be indexed to assess one moment.
    """

    matches: tuple[Match, ...]
    by_kind: dict[str, _Candidates]
    any_kind: _Candidates
    reach: timedelta
    lookback: timedelta
    indicator_matches: tuple[tuple[int, ...], ...]
    #: match index -> the indexes of the indicators that read it.
    match_indicators: tuple[tuple[int, ...], ...]
    windows: tuple[timedelta, ...]
    #: id() of every Match object in the policy's patterns -> its index (hashing a Match
    #: walks all its selectors and conditions; the engine looks matches up constantly).
    by_id: dict[int, int]
    #: entry shape (see `_Shape`) -> candidates, filled on first use (see `_candidates`).
    shapes: dict[_Shape, _Candidates] = field(default_factory=dict)
    #: an entry's content (`_content_key`), when it happened and the birth dates its age tests
    #: read -> the matches it meets, so a child's history is tested once, not again at every
    #: new record about them (`_Known.matches_of`).
    entry_matches: dict[tuple[Any, ...], tuple[int, ...]] = field(default_factory=dict)
    #: an entry's shape, text and attrs -> per match it may meet, the selectors whose conditions
    #: hold on it (None: one with no age test accepts it): what is left is the age tests, which
    #: read when it happened and a birth date, so this is kept across children and dates.
    condition_matches: dict[tuple[Any, ...], _Held] = field(default_factory=dict)

    def forget(self) -> None:
        """Empty the caches of entries' answers (tests compare with a fresh engine)."""
        self.entry_matches.clear()
        self.condition_matches.clear()


_COMPILED: dict[int, tuple[Policy, _Compiled]] = {}


def _content_key(entry: ChronologyEntry, shape: _Shape, attrs: str | bytes | None) -> tuple[Any, ...] | None:
    """What the selectors' conditions read of an entry, as a key; None when its attrs are not
    plain JSON (`attrs` None) or its text is not text (then it is tested afresh: a key that
    could conflate two values would be wrong)."""
    if attrs is None or not (entry.text is None or type(entry.text) is str):
        return None
    return (shape, entry.text, attrs)


def _compiled(policy: Policy) -> _Compiled:
    cached = _COMPILED.get(id(policy))
    if cached is not None and cached[0] is policy:
        return cached[1]
    compiled = _compile(policy)
    if len(_COMPILED) > 32:
        _COMPILED.clear()
    _COMPILED[id(policy)] = (policy, compiled)
    return compiled


def _compile(policy: Policy) -> _Compiled:
    index: dict[Match, int] = {}
    by_id: dict[int, int] = {}
    per_indicator: list[tuple[int, ...]] = []
    for indicator in policy.indicators:
        used = []
        for match in _pattern_matches(indicator.pattern):
            by_id[id(match)] = index.setdefault(match, len(index))
            used.append(by_id[id(match)])
        per_indicator.append(tuple(sorted(set(used))))
    matches = tuple(index)
    kinds = {k for m in matches for s in m for k in s.kinds} | set(EVENT_KINDS)
    by_kind = {kind: _selectors_for(matches, kind) for kind in kinds}
    windows = [i.window for i in policy.indicators] or [timedelta(0)]
    extra = [_pattern_lookback(i.pattern) + i.window for i in policy.indicators] or [timedelta(0)]
    return _Compiled(
        matches=matches,
        by_kind=by_kind,
        any_kind=_selectors_for(matches, None),
        reach=max(windows),
        lookback=max(extra),
        indicator_matches=tuple(per_indicator),
        match_indicators=tuple(
            tuple(i for i, used in enumerate(per_indicator) if m in used) for m in range(len(matches))
        ),
        windows=tuple(i.window for i in policy.indicators),
        by_id=by_id,
    )


def _selectors_for(matches: tuple[Match, ...], kind: str | None) -> _Candidates:
    out = []
    for i, match in enumerate(matches):
        selectors = tuple(s for s in match if not s.kinds or (kind is not None and kind in s.kinds))
        if selectors:
            out.append((i, selectors))
    return tuple(out)


def _pattern_lookback(pattern: Pattern) -> timedelta:
    """How far before the window's start a pattern may look (co-occurrence contexts)."""
    if isinstance(pattern, AnyOfPattern | AllOfPattern):
        return max(_pattern_lookback(p) for p in pattern.patterns)
    if isinstance(pattern, CoOccurrencePattern) and pattern.when != "after":
        return pattern.within
    return timedelta(0)


def _candidates(compiled: _Compiled, shape: _Shape) -> _Candidates:
    """The matches an entry of this shape may join, each with the selectors still to test.

    Kind, whose and involvement are settled here once per shape; an empty selector tuple means
    a selector with no further conditions already accepts the entry.
    """
    found = compiled.shapes.get(shape)
    if found is None:
        kept = []
        for i, selectors in compiled.by_kind.get(shape[0], compiled.any_kind):
            left = _residual(selectors, shape)
            if left is not None:
                kept.append((i, left))
        found = compiled.shapes[shape] = tuple(kept)
    return found


def _whose_accepts(whose: str, shape: _Shape) -> bool:
    """`own`, a household adult's (`household`), either (`any`), or another child's.

    Another household child's own event (a sibling's injury) is read only by selectors that ask
    for it (`household_child`, or `twin` for a twin's), so no other indicator changes.
    """
    _kind, own, adults, other, _involvement = shape
    if whose == "own":
        return own
    if whose == "household":
        return adults
    if whose == "household_child":
        return other is not None
    if whose == "twin":
        return other == "twin"
    return own or adults


def _residual(selectors: tuple[Selector, ...], shape: _Shape) -> tuple[Selector, ...] | None:
    """None if no selector can accept the shape; () if one accepts it unconditionally.

    `involvement` is the person's (or the adult's); another child is always a subject of the
    events that make it theirs, so selectors of other children's events do not test it.
    """
    left = []
    for s in selectors:
        if not _whose_accepts(s.whose, shape):
            continue
        if s.whose not in _OTHER_CHILD_WHOSE and s.involvement not in ("any", shape[4]):
            continue
        if not s.where and s.age_under is None and s.age_from is None:
            return ()
        left.append(s)
    return tuple(left) if left else None


def _conditions_held(compiled: _Compiled, shape: _Shape, entry: ChronologyEntry) -> _Held:
    """`Selector.matches` for an entry of this shape, but for the age tests (`_age_fits`).

    Kind, whose and involvement are settled by `_candidates`; the conditions read only the
    entry's attrs and text, so their answers are kept per content (`condition_matches`).
    """
    held: list[tuple[int, tuple[Selector, ...] | None]] = []
    for i, selectors in _candidates(compiled, shape):
        passing = tuple(s for s in selectors if _conditions_hold(s, entry))
        if not selectors or any(s.age_under is None and s.age_from is None for s in passing):
            held.append((i, None))
        elif passing:
            held.append((i, passing))
    return tuple(held)


def _conditions_hold(selector: Selector, entry: ChronologyEntry) -> bool:
    attrs = entry.attrs
    if selector.reads_text and entry.text is not None:
        attrs = {**attrs, NARRATIVE: entry.text}
    return all(c.holds(attrs) for c in selector.where)


def _age_fits(selector: Selector, entry: ChronologyEntry, dob: date | None) -> bool:
    """The selector's age tests, on the age of the child born on `dob` when the entry happened."""
    limit = selector.age_under
    if limit is not None and (dob is None or entry.occurred_at.date() - dob >= limit):
        return False
    start = selector.age_from
    return start is None or (dob is not None and entry.occurred_at.date() - dob >= start)


def _keep(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Bounded (`KEPT` entries, about 20 MB a cache): a rescore of a nation streams millions of
    entries."""
    if len(cache) >= KEPT:
        cache.clear()
    cache[key] = value


class _Known:
    """What is known so far about one child, indexed by every `Match` the policy uses."""

    def __init__(self, policy: Policy, chronology: Chronology) -> None:
        self._dob = chronology.dob
        self._others = {m.person_id: m for m in chronology.other_children}
        self._compiled = _compiled(policy)
        self._lists = [_MatchList() for _ in self._compiled.matches]
        #: The latest occurred_at of any entry that matched some selector (None: none yet).
        self.latest: datetime | None = None
        #: Indexes of the indicators any of whose matches holds an entry, in policy order: the
        #: others cannot fire, so scoring a moment need not even ask them (`could_fire`).
        self.touched: list[int] = []

    def add(self, entry: ChronologyEntry) -> bool:
        """Index the entry under every match it meets; False when it meets none."""
        return self.add_under(entry, self.matches_of(entry))

    def matches_of(self, entry: ChronologyEntry) -> tuple[int, ...]:
        """The indexes of the matches the entry meets (the selector tests: the costly part).

        On arrival a child's whole history is indexed again for each new record, and the
        selector tests of a long history cost tens of milliseconds, so the answer is kept per
        entry content: everything the tests read (the shape, the attrs, the text, when it
        happened and the birth dates the age tests count from). Equal content, equal answer.
        """
        other = None if entry.other_child is None else self._others.get(entry.other_child)
        relation = None if other is None else other.relation
        shape = (entry.kind, entry.is_own, entry.is_adults, relation, entry.involvement)
        content = _content_key(entry, shape, attrs_key(entry.attrs))
        if content is None:
            return self._meets(entry, other, _conditions_held(self._compiled, shape, entry))
        key = (content, entry.occurred_at, self._dob, None if other is None else other.dob)
        cache = self._compiled.entry_matches
        found = cache.get(key)
        if found is None:
            held = self._compiled.condition_matches.get(content)
            if held is None:
                held = _conditions_held(self._compiled, shape, entry)
                _keep(self._compiled.condition_matches, content, held)
            found = self._meets(entry, other, held)
            _keep(cache, key, found)
        return found

    def _meets(self, entry: ChronologyEntry, other: HouseholdMember | None, held: _Held) -> tuple[int, ...]:
        """The matches whose held selectors pass their age tests for this entry."""
        return tuple(
            i
            for i, selectors in held
            if selectors is None or any(self._age_fits(s, entry, other) for s in selectors)
        )

    def add_under(self, entry: ChronologyEntry, matches: tuple[int, ...]) -> bool:
        """Index the entry under `matches` (from `matches_of`); False when there are none."""
        for i in matches:
            if not self._lists[i].keys:
                self._touch(i)
            self._lists[i].add(entry)
        if matches and (self.latest is None or entry.occurred_at > self.latest):
            self.latest = entry.occurred_at
        return bool(matches)

    def _age_fits(self, selector: Selector, entry: ChronologyEntry, other: HouseholdMember | None) -> bool:
        """An age test on another child's event is that child's age, else this child's."""
        if selector.whose in _OTHER_CHILD_WHOSE:
            return _age_fits(selector, entry, other.dob if other is not None else None)
        return _age_fits(selector, entry, self._dob)

    def _touch(self, match_index: int) -> None:
        for indicator in self._compiled.match_indicators[match_index]:
            if indicator not in self.touched:
                insort(self.touched, indicator)

    def quiet_at(self, at: datetime) -> bool:
        """True when nothing known can make any indicator fire at `at` (all too old, or none)."""
        return self.latest is None or at > self.latest + self._compiled.reach

    def could_fire(self, indicator_index: int, at: datetime) -> bool:
        """False when none of the indicator's entries is recent enough to be in its window.

        Every pattern needs at least one of its own entries inside the window to fire.
        """
        start = at - self._compiled.windows[indicator_index]
        for i in self._compiled.indicator_matches[indicator_index]:
            times = self._lists[i].times
            if times and times[-1] >= start:
                return True
        return False

    def __getitem__(self, match: Match) -> _MatchList:
        index = self._compiled.by_id.get(id(match))
        if index is None:
            index = self._compiled.matches.index(match)
        return self._lists[index]


def _pattern_matches(pattern: Pattern) -> Iterator[Match]:
    if isinstance(pattern, AnyOfPattern | AllOfPattern):
        for sub in pattern.patterns:
            yield from _pattern_matches(sub)
    elif isinstance(pattern, CoOccurrencePattern):
        yield from (pattern.event, pattern.context)
        if pattern.ended_by:
            yield pattern.ended_by
    elif isinstance(pattern, AbsencePattern):
        yield from (pattern.trigger, pattern.expected)
    else:
        yield pattern.match


# -- patterns ------------------------------------------------------------------------------


def _count(p: CountPattern, known: _Known, start: datetime) -> Hit | None:
    found = known[p.match]
    lo = found.start(start)
    if len(found.times) - lo < p.at_least:
        return None
    if p.span is None:
        entries = found.entries[lo:]
        return Hit(entries, anchor=entries[-1].occurred_at)
    for i in range(len(found.times) - 1, lo - 1, -1):
        first = max(lo, bisect_left(found.times, found.times[i] - p.span))
        if i - first + 1 >= p.at_least:
            return Hit(found.entries[first : i + 1], anchor=found.times[i])
    return None


def _agencies(p: AgenciesPattern, known: _Known, start: datetime) -> Hit | None:
    found = known[p.match]
    lo = found.start(start)
    if len({e.agency for e in found.entries[lo:]}) < p.at_least:
        return None
    for i in range(len(found.times) - 1, lo - 1, -1):
        first = lo if p.span is None else max(lo, found.start(found.times[i] - p.span))
        group = found.entries[first : i + 1]
        if len({e.agency for e in group}) >= p.at_least:
            return Hit(group, anchor=found.times[i])
    return None


def _co_occurrence(p: CoOccurrencePattern, known: _Known, at: datetime, start: datetime) -> Hit | None:
    events, contexts = known[p.event], known[p.context]
    hit_events: list[ChronologyEntry] = []
    hit_contexts: dict[int, ChronologyEntry] = {}
    for event in events.entries[events.start(start) :]:
        near = _contexts_near(p, known, contexts, event)
        if near:
            hit_events.append(event)
            hit_contexts.update((id(c), c) for c in near)
    if not hit_events:
        return None
    context = sorted(hit_contexts.values(), key=_sort_key)
    anchor = max(hit_events[-1].occurred_at, context[-1].occurred_at)
    return Hit(hit_events, context=context, anchor=min(anchor, at))


def _contexts_near(
    p: CoOccurrencePattern, known: _Known, contexts: _MatchList, event: ChronologyEntry
) -> list[ChronologyEntry]:
    low = event.occurred_at - p.within if p.when != "after" else event.occurred_at
    high = event.occurred_at + p.within if p.when != "before" else event.occurred_at
    lo, hi = contexts.start(low), bisect_right(contexts.times, high)
    near = [c for c in contexts.entries[lo:hi] if c is not event]
    if p.ended_by:
        ended = known[p.ended_by]
        near = [c for c in near if not _ended_between(ended, c, event)]
    return near


def _ended_between(ended: _MatchList, context: ChronologyEntry, event: ChronologyEntry) -> bool:
    """True when an ending event lies after the context and no later than the event."""
    if context.occurred_at >= event.occurred_at:
        return False
    i = bisect_right(ended.times, context.occurred_at)
    return i < len(ended.times) and ended.times[i] <= event.occurred_at


def _absence(p: AbsencePattern, known: _Known, at: datetime, start: datetime) -> Hit | None:
    triggers, expected = known[p.trigger], known[p.expected]
    missing: list[ChronologyEntry] = []
    for trigger in triggers.entries[triggers.start(start) :]:
        deadline = trigger.occurred_at + p.within
        if deadline > at:
            continue
        j = expected.start(trigger.occurred_at)
        if j < len(expected.times) and expected.times[j] <= deadline:
            continue
        missing.append(trigger)
    if not missing:
        return None
    return Hit(missing, anchor=missing[-1].occurred_at + p.within)


def _trend(p: TrendPattern, known: _Known, start: datetime) -> Hit | None:
    found = known[p.match]
    best: ChronologyEntry | None = None
    best_value = 0.0
    result: Hit | None = None
    for entry in found.entries[found.start(start) :]:
        value = _numeric(entry, p.attr)
        if value is None:
            continue
        if best is not None and p.fell(best_value, value):
            detail = {"from_value": f"{best_value:g}", "to_value": f"{value:g}", "attr": p.attr}
            result = Hit([best, entry], anchor=entry.occurred_at, detail=detail)
        if best is None or value > best_value:
            best, best_value = entry, value
    return result


def _numeric(entry: ChronologyEntry, attr: str) -> float | None:
    value = entry.attrs.get(attr)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _any_of(p: AnyOfPattern, known: _Known, at: datetime, start: datetime) -> Hit | None:
    hits = [h for h in (_evaluate_pattern(s, known, at, start) for s in p.patterns) if h]
    if not hits:
        return None
    return Hit.merge(hits)


def _all_of(p: AllOfPattern, known: _Known, at: datetime, start: datetime) -> Hit | None:
    hits: list[Hit] = []
    for sub in p.patterns:
        hit = _evaluate_pattern(sub, known, at, start)
        if hit is None:
            return None
        hits.append(hit)
    return Hit.merge(hits)


def _evaluate_pattern(p: Pattern, known: _Known, at: datetime, start: datetime) -> Hit | None:
    if isinstance(p, CountPattern):
        return _count(p, known, start)
    if isinstance(p, AgenciesPattern):
        return _agencies(p, known, start)
    if isinstance(p, CoOccurrencePattern):
        return _co_occurrence(p, known, at, start)
    if isinstance(p, AbsencePattern):
        return _absence(p, known, at, start)
    if isinstance(p, TrendPattern):
        return _trend(p, known, start)
    if isinstance(p, AllOfPattern):
        return _all_of(p, known, at, start)
    return _any_of(p, known, at, start)


# -- scoring -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Fired:
    indicator: Indicator
    hit: Hit
    weight: float
    #: Its story was full: it counted less than its own (decayed) weight.
    capped: bool = False


@dataclass(frozen=True, slots=True)
class _Scored:
    at: datetime
    fired: tuple[_Fired, ...]
    score: float
    level: AlertLevel


def decayed_weight(weight: float, half_life: timedelta | None, age: timedelta) -> float:
    """Weight halves every half-life; an event dated after the moment has not aged at all."""
    if half_life is None:
        return weight
    days = max(age.total_seconds(), 0.0) / 86400
    return float(weight * 0.5 ** (days / (half_life.total_seconds() / 86400)))


def _score(policy: Policy, known: _Known, at: datetime) -> _Scored:
    fired: list[_Fired] = []
    for index in known.touched:
        if not known.could_fire(index, at):
            continue
        indicator = policy.indicators[index]
        hit = _evaluate_pattern(indicator.pattern, known, at, at - indicator.window)
        if hit is not None:
            weight = decayed_weight(indicator.weight, indicator.half_life, at - hit.anchor)
            fired.append(_Fired(indicator, hit, round(weight, _SCORE_DIGITS)))
    fired.sort(key=lambda f: (-f.weight, f.indicator.id))
    if policy.stories:
        fired = _within_stories(policy, fired)
    score = round(sum(f.weight for f in fired), _SCORE_DIGITS)
    level = policy.level_for(score)
    for f in fired:
        if f.indicator.min_level is not None and f.indicator.min_level.rank > level.rank:
            level = f.indicator.min_level
    return _Scored(at=at, fired=tuple(fired), score=score, level=level)


def _within_stories(policy: Policy, fired: list[_Fired]) -> list[_Fired]:
    """Each story's indicators count, heaviest first, until the story's `max_weight`.

    `fired` is sorted heaviest first, so the order (and so every finding's place) is kept; a
    finding whose story was already full counts 0 and still names its records.
    """
    room = {story_id: story.max_weight for story_id, story in policy.stories.items()}
    counted: list[_Fired] = []
    for f in fired:
        story = f.indicator.story
        if story is None:
            counted.append(f)
            continue
        weight = round(min(f.weight, room[story]), _SCORE_DIGITS)
        room[story] = max(room[story] - weight, 0.0)
        counted.append(_Fired(f.indicator, f.hit, weight, capped=weight < f.weight))
    return counted


def _routes(policy: Policy, scored: _Scored) -> tuple[str, ...]:
    """Teams that see the alert: the level's routing plus any indicator's own route."""
    if scored.level is AlertLevel.GREEN:
        return ()
    teams = set(policy.routing.get(scored.level, ()))
    for f in scored.fired:
        teams.update(f.indicator.routes)
    return tuple(sorted(teams))


def _assessment(policy: Policy, chronology: Chronology, scored: _Scored) -> Assessment:
    findings = tuple(
        Finding(
            indicator_id=f.indicator.id,
            title=f.indicator.title,
            weight=f.weight,
            evidence=f.hit.evidence_keys(),
            explanation=finding_sentence(f.indicator, f.hit, chronology) + _story_note(policy, f),
            base_weight=f.indicator.weight,
            last_seen=f.hit.anchor,
            min_level=f.indicator.min_level,
        )
        for f in scored.fired
    )
    return Assessment(
        person_id=chronology.person_id,
        at=scored.at,
        level=scored.level,
        score=scored.score,
        findings=findings,
        policy_version=policy.version,
        routes=_routes(policy, scored),
    )


def _story_note(policy: Policy, fired: _Fired) -> str:
    """Why a finding counted less than its weight: the rest of its story already counted."""
    if not fired.capped or fired.indicator.story is None:
        return ""
    story = policy.stories[fired.indicator.story]
    return f" Counted as part of one story ({story.title.lower()}), which adds at most {story.max_weight:g}."


#: How long before birth a child is assessed: from the antenatal booking appointment, which NICE
#: NG201 (Antenatal care, 2021, 1.1.4) advises by 10 weeks of a 40-week pregnancy. From then the
#: pregnancy is known to health and a pre-birth assessment is possible (Working Together to
#: Safeguard Children 2023, 3.33: assessments of unborn children); earlier there is no child
#: anyone could act for.
PRE_BIRTH: timedelta = timedelta(weeks=30)


def is_child_at(chronology: Chronology, at: datetime) -> bool:
    """A known date of birth decides (from 30 weeks before it to 18); without one, the role does.

    A household's history from before the pregnancy was known reaches the child later, through
    the indicators' windows; a replay raises no alert about a child years before the birth.
    """
    if chronology.dob is not None:
        return -PRE_BIRTH.days <= (at.date() - chronology.dob).days and age_in_years(chronology.dob, at) < 18
    return chronology.role == "child"


def evaluate(policy: Policy, chronology: Chronology, at: datetime) -> Assessment:
    """The assessment of a child at `at`, from entries recorded by then.

    A person who is not a child at `at` gets an empty green assessment: the policy is about
    children's safety, and adults' events reach it through their children's chronologies.
    Entries too old to matter to any indicator at `at` are not even indexed.
    """
    known = _Known(policy, chronology)
    if is_child_at(chronology, at):
        oldest = at - _compiled(policy).lookback
        for entry in chronology.policy_entries:
            if entry.recorded_at <= at and entry.occurred_at >= oldest:
                known.add(entry)
        scored = _score(policy, known, at)
    else:
        scored = _quiet(at)
    return _assessment(policy, chronology, scored)


class Evaluator:
    """`evaluate` at many moments of one chronology, sharing the work between them.

    A review report asks the policy at every event and alert of the child's history (55
    moments for a 1,000-event child); `evaluate` indexed the whole chronology again for each,
    and that was 85% of the report's time. Asked at moments in increasing order, this indexes
    each entry once; asked at an earlier moment than the last, it starts again, as `evaluate`
    does, from the first entry young enough to matter then, but reuses which matches each
    entry meets (the selector tests are the costly part of indexing). Each answer equals
    `evaluate(policy, chronology, at)` (tests/policy/test_evaluator.py): entries are indexed
    in occurred_at order whatever order they arrive in, and an entry older than every
    indicator's reach at one moment is older still at every later one.
    """

    def __init__(self, policy: Policy, chronology: Chronology) -> None:
        self._policy = policy
        self._chronology = chronology
        self._lookback = _compiled(policy).lookback
        self._ordered = sorted(chronology.policy_entries, key=lambda e: (e.recorded_at, *_sort_key(e)))
        self._matches: list[tuple[int, ...] | None] = [None] * len(self._ordered)
        self._known = _Known(policy, chronology)
        self._next = 0
        self._last: datetime | None = None
        self._oldest = datetime.min

    def __call__(self, at: datetime) -> Assessment:
        if self._last is None or at < self._last:
            self._known = _Known(self._policy, self._chronology)
            self._next = 0
            self._oldest = at - self._lookback
        self._last = at
        ordered, known, oldest = self._ordered, self._known, self._oldest
        while self._next < len(ordered) and ordered[self._next].recorded_at <= at:
            entry, matches = ordered[self._next], self._matches[self._next]
            if entry.occurred_at >= oldest:
                if matches is None:
                    matches = self._matches[self._next] = known.matches_of(entry)
                known.add_under(entry, matches)
            self._next += 1
        if not is_child_at(self._chronology, at) or known.quiet_at(at):
            scored = _quiet(at)
        else:
            scored = _score(self._policy, known, at)
        return _assessment(self._policy, self._chronology, scored)


def _quiet(at: datetime) -> _Scored:
    return _Scored(at=at, fired=(), score=0.0, level=AlertLevel.GREEN)


def alert_timeline(
    policy: Policy,
    chronology: Chronology,
    *,
    since: datetime | None = None,
    decided: Sequence[datetime] = (),
) -> list[RaisedAlert]:
    """Replay the chronology in recorded_at order and list every alert the child would get.

    The level is evaluated at each distinct recorded_at moment. An alert is raised whenever
    the level is higher than at the previous moment, so a child whose level decayed and rose
    again is alerted again. A child already amber or red is alerted again, at the same level,
    when new material evidence arrives: an indicator applies that did not at the previous
    moment, or an entry recorded at this moment feeds an indicator that already applied
    ("new evidence on a red child"). Otherwise an alert would ring once and then stay silent
    while the picture worsened. The definition is `evaluate` at every moment (tests/policy
    prove the two agree); moments when nothing known is recent enough to fire are green
    without scoring.

    Re-notification is bounded by the child's work item (docs/triage.md, "New evidence"): an
    alert opens an item, and the item stays open until the first of `decided` (the moments
    the child's alert items were decided) after it. While it is open, new evidence raises an
    alert only when an indicator applies that did not at the previous moment; entries that
    only feed indicators already applying are added to the item (`evidence_updates`), not
    raised, so a red child with weekly police logs is one item with a growing evidence
    list, not an alert a week. A rise in level always raises an alert.

    `since` is the incremental path on arrival: only alerts at moments from `since` on are
    returned, and the result equals the full timeline's alerts from `since` on. Moments before
    `since` are scored only while no item is open (to know whether one opens) and just before
    `since` (to know what is a rise and what is new).
    """
    return _walk(policy, chronology, since, decided).alerts


def evidence_updates(
    policy: Policy, chronology: Chronology, *, decided: Sequence[datetime] = ()
) -> list[EvidenceUpdate]:
    """The moments whose new evidence was added to the child's open item instead of raising an alert."""
    return _walk(policy, chronology, None, decided).updates


def alerts_and_updates(
    policy: Policy, chronology: Chronology, *, decided: Sequence[datetime] = ()
) -> tuple[list[RaisedAlert], list[EvidenceUpdate]]:
    """`alert_timeline` and `evidence_updates` from one walk (what an intake stores and routes)."""
    walk = _walk(policy, chronology, None, decided)
    return walk.alerts, walk.updates


@dataclass(slots=True)
class _Walk:
    """The alerts and item updates of one walk, and the child's open item as it goes."""

    decided: list[datetime]
    alerts: list[RaisedAlert] = field(default_factory=list)
    updates: list[EvidenceUpdate] = field(default_factory=list)
    opened: datetime | None = None

    def close_if_decided(self, moment: datetime) -> None:
        """The open item ends at the first decision at or after its first alert, up to `moment`."""
        if self.opened is None:
            return
        first = bisect_left(self.decided, self.opened)
        if first < len(self.decided) and self.decided[first] <= moment:
            self.opened = None

    def raised(self, alert: RaisedAlert) -> None:
        if self.opened is None:
            self.opened = alert.raised_at


def _walk(
    policy: Policy, chronology: Chronology, since: datetime | None, decided: Sequence[datetime]
) -> _Walk:
    known = _Known(policy, chronology)
    walk = _Walk(sorted(decided))
    previous = _quiet(datetime.min)
    before: datetime | None = None
    for moment, group in _moments(chronology.policy_entries):
        walk.close_if_decided(moment)
        needed = since is None or moment >= since or walk.opened is None
        if before is not None and needed:
            previous = _scored_at(policy, chronology, known, before, previous)
            before = None
        added = [known.add(entry) for entry in group]
        if not any(added) and all(_other_childs_only(e) for e in group):
            continue
        if not needed:
            before = moment
            continue
        if not is_child_at(chronology, moment):
            continue
        scored = _quiet(moment) if known.quiet_at(moment) else _score(policy, known, moment)
        _step(policy, chronology, walk, scored, previous, group, keep=since is None or moment >= since)
        previous = scored
    return walk


def _other_childs_only(entry: ChronologyEntry) -> bool:
    """Another household child's event that names no one else in the chronology.

    A moment holding only such events, none of which any indicator reads, is not a moment of
    this child's history: the walk passes it by, so other children's records never change
    when this child's other indicators are evaluated.
    """
    return not entry.is_own and not entry.is_adults


def _step(
    policy: Policy,
    chronology: Chronology,
    walk: _Walk,
    scored: _Scored,
    previous: _Scored,
    group: list[ChronologyEntry],
    *,
    keep: bool,
) -> None:
    """Raise an alert at this moment, add its evidence to the open item, or do nothing."""
    if scored.level.rank > previous.level.rank:
        alert = _raise(policy, chronology, scored, previous.level)
    elif scored.level is AlertLevel.GREEN:
        return
    else:
        arrived = {e.key for e in group}
        news = _new_evidence(scored, previous, arrived)
        if not news:
            return
        if walk.opened is not None and not _newly_applying(scored, previous):
            if keep:
                walk.updates.append(_update(chronology, scored, news, arrived))
            return
        alert = _raise(policy, chronology, scored, previous.level, news)
    walk.raised(alert)
    if keep:
        walk.alerts.append(alert)


def _update(
    chronology: Chronology, scored: _Scored, news: tuple[str, ...], arrived: set[RecordKey]
) -> EvidenceUpdate:
    fed = {key for f in scored.fired if f.indicator.id in news for key in f.hit.evidence_keys()}
    titles = {f.indicator.id: f.indicator.title for f in scored.fired}
    return EvidenceUpdate(
        person_id=chronology.person_id,
        at=scored.at,
        level=scored.level,
        indicators=news,
        evidence=tuple(sorted(fed & arrived)),
        titles=tuple(titles[i] for i in news),
    )


def _newly_applying(scored: _Scored, previous: _Scored) -> bool:
    before = {f.indicator.id for f in previous.fired}
    return any(f.indicator.id not in before for f in scored.fired)


def _new_evidence(scored: _Scored, previous: _Scored, arrived: set[RecordKey]) -> tuple[str, ...]:
    """Ids of the indicators that make this moment's evidence material, heaviest first.

    An indicator counts when it did not apply at the previous moment, or when an entry
    recorded at this moment is among its evidence.
    """
    before = {f.indicator.id for f in previous.fired}
    return tuple(
        f.indicator.id
        for f in scored.fired
        if f.indicator.id not in before or any(key in arrived for key in f.hit.evidence_keys())
    )


def _scored_at(
    policy: Policy, chronology: Chronology, known: _Known, moment: datetime, previous: _Scored
) -> _Scored:
    if not is_child_at(chronology, moment):
        return previous
    return _quiet(moment) if known.quiet_at(moment) else _score(policy, known, moment)


def _moments(
    entries: Sequence[ChronologyEntry],
) -> Iterator[tuple[datetime, list[ChronologyEntry]]]:
    ordered = sorted(entries, key=lambda e: (e.recorded_at, *_sort_key(e)))
    for moment, group in groupby(ordered, key=lambda e: e.recorded_at):
        yield moment, list(group)


def _raise(
    policy: Policy,
    chronology: Chronology,
    scored: _Scored,
    previous: AlertLevel,
    news: tuple[str, ...] = (),
) -> RaisedAlert:
    assessment = _assessment(policy, chronology, scored)
    evidence = sorted({key for f in assessment.findings for key in f.evidence})
    explanation = explain(assessment, chronology)
    if news:
        explanation = f"{new_evidence_sentence(assessment, news)} {explanation}"
    return RaisedAlert(
        person_id=chronology.person_id,
        level=assessment.level,
        raised_at=assessment.at,
        rules=tuple(f.indicator_id for f in assessment.findings),
        evidence=tuple(evidence),
        explanation=explanation,
        policy_version=policy.version,
        previous_level=previous,
        score=assessment.score,
        routes=assessment.routes,
        findings=assessment.findings,
        new_evidence=news,
    )


__all__ = [
    "Evaluator",
    "alert_timeline",
    "alerts_and_updates",
    "decayed_weight",
    "evaluate",
    "evidence_updates",
    "is_child_at",
]
