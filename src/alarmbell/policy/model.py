"""The policy as typed, immutable data: what the YAML files say, after validation.

Nothing here knows about time or scoring; `engine.py` interprets these objects. Keeping the
rules as data lets the docs, the fairness test and a future batch (SQL) evaluator read the
same objects the incremental engine runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from alarmbell.domain.body_sites import expand_regions, regions
from alarmbell.domain.care_endings import says_return_home
from alarmbell.domain.described_signs import described_signs
from alarmbell.domain.errors import ServiceError
from alarmbell.domain.explanations import explanation_class
from alarmbell.domain.health_services import service_types
from alarmbell.domain.recorded_text import fold, mentions
from alarmbell.domain.referrers import referrer_class
from alarmbell.domain.vocabulary import AlertLevel

Whose = Literal["own", "household", "any", "household_child", "twin"]
InvolvementFilter = Literal["subject", "other", "any"]
Op = Literal[
    "equals",
    "in",
    "is_true",
    "is_false",
    "is_not_false",
    "lt",
    "le",
    "gt",
    "ge",
    "contains",
    "contains_any",
    "exists",
    "region_in",
    "regions_at_least",
    "regions_beyond",
    "service_in",
    "explanation_in",
    "referrer_in",
    "describes",
    "returned_home",
]
ContextWhen = Literal["before", "after", "either"]
#: The name under which a condition reads the event's own narrative (the exchange format's
#: `text`, where agency exports put a summary or a concern's words), not one of its attrs.
NARRATIVE = "text"


class PolicyError(ServiceError):
    """An invalid policy file; the message names the file, the field path and what was expected."""


@dataclass(frozen=True, slots=True)
class Condition:
    """A test on one attr of an event, e.g. ``children_present is_true``, ``absence_pct ge 30``.

    The body-site tests (``region_in``, ``regions_at_least``, ``regions_beyond``) read the attr
    and its plural list (``site`` and ``sites``) through `alarmbell.domain.body_sites`, so free
    text, body-map ids and lists are all understood. ``regions_beyond`` holds unless every region
    the site names is among the given ones: a site not recorded, or not understood, is never
    taken to be an everyday one. ``service_in`` reads the attr (``service``) as agencies write
    it through `alarmbell.domain.health_services`: "Paediatric OPD" is a paediatrics service.
    ``explanation_in`` reads an injury's explanation, the professional's judgement or the
    carer's words, through `alarmbell.domain.explanations` ("N/K" and "Mum unsure how it
    happened" are absent, "Inconsistent with injury" is unsuitable). ``referrer_in`` reads a
    referral's source through `alarmbell.domain.referrers` ("Maternal grandmother" and "1A" are
    family, "anonymous caller" is community). ``describes`` reads free text, the attr and its
    plural (``concern`` and ``concerns``), for the signs it reports through
    `alarmbell.domain.described_signs` ("bruising to face and ears" describes a bruise, "losing
    weight" weight loss; "no bruising" and "no concerns about weight loss" do not).
    ``returned_home`` reads recorded words or a looked-after return's code through
    `alarmbell.domain.care_endings` for a child going back to live with their parents after care
    ("Returned home to mother's care", "E4A"; not "plan for return home").

    Text is compared as `alarmbell.domain.recorded_text` folds it: ``equals`` and ``in`` ignore
    case, spaces, underscores and hyphens ("Physical", "fixed-term"), and ``contains`` means the
    words start a word of the text or of one of a list's texts ("3A" is not in "13A").
    ``contains_any`` holds when ``contains`` would for any of its words: one condition for the
    many ways agencies name one thing ("assault", "bodily harm", "ABH", "wounding").
    """

    attr: str
    op: Op
    value: Any = None
    #: The value folded once for comparing text (`in`: a frozenset; `equals`: a string).
    folded: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.op == "in" and isinstance(self.value, tuple):
            folded = frozenset(fold(v) if isinstance(v, str) else v for v in self.value)
            object.__setattr__(self, "folded", folded)
        elif self.op == "equals" and isinstance(self.value, str):
            object.__setattr__(self, "folded", fold(self.value))

    def holds(self, attrs: dict[str, Any]) -> bool:
        if self.op in _SITE_OPS:
            found = regions([attrs.get(self.attr), attrs.get(self.attr + "s")])
            if self.op == "region_in":
                return not found.isdisjoint(expand_regions(self.value))
            if self.op == "regions_beyond":
                return not found or not found <= expand_regions(self.value)
            return len(found) >= int(self.value)
        if self.op == "describes":
            found = described_signs([attrs.get(self.attr), attrs.get(self.attr + "s")])
            return not found.isdisjoint(self.value)
        if self.op == "service_in":
            return not service_types(attrs.get(self.attr)).isdisjoint(self.value)
        if self.op == "is_not_false":
            return attrs.get(self.attr) is not False
        if self.attr not in attrs:
            return False
        actual = attrs[self.attr]
        if self.op == "in" and isinstance(actual, str):
            return bool(fold(actual) in self.folded)
        if self.op == "equals" and isinstance(actual, str) and isinstance(self.value, str):
            return bool(fold(actual) == self.folded)
        if self.op == "explanation_in":
            return isinstance(actual, str) and bool(explanation_class(actual) in self.value)
        if self.op == "returned_home":
            return says_return_home(actual)
        if self.op == "referrer_in":
            return isinstance(actual, str) and bool(referrer_class(actual) in self.value)
        return bool(_OPS[self.op](actual, self.value))


_SITE_OPS = frozenset({"region_in", "regions_at_least", "regions_beyond"})
#: Tests that read an attr and its plural (``site`` and ``sites``, ``concern`` and ``concerns``).
PLURAL_READING_OPS = frozenset({*_SITE_OPS, "describes"})


def _number(value: Any) -> float | None:
    """Numbers only: booleans and numeric-looking strings are not silently compared."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _compare(actual: Any, expected: Any, test: str) -> bool:
    number = _number(actual)
    if number is None:
        return False
    limit = float(expected)
    if test == "lt":
        return number < limit
    if test == "le":
        return number <= limit
    if test == "gt":
        return number > limit
    return number >= limit


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, list | tuple):
        return any(
            item == expected or (isinstance(item, str) and _contains(item, expected)) for item in actual
        )
    return isinstance(actual, str) and isinstance(expected, str) and mentions(actual, expected)


_OPS: dict[str, Any] = {
    "equals": lambda a, e: a == e,
    "in": lambda a, e: not isinstance(a, list | dict) and a in e,
    "is_true": lambda a, _e: a is True,
    "is_false": lambda a, _e: a is False,
    "lt": lambda a, e: _compare(a, e, "lt"),
    "le": lambda a, e: _compare(a, e, "le"),
    "gt": lambda a, e: _compare(a, e, "gt"),
    "ge": lambda a, e: _compare(a, e, "ge"),
    "contains": _contains,
    "contains_any": lambda a, e: any(_contains(a, word) for word in e),
    "exists": lambda a, _e: a is not None,
}


@dataclass(frozen=True, slots=True)
class Selector:
    """Which chronology entries count: kinds, whose events, involvement, attr conditions, age.

    `kinds` empty means any kind. `whose`: the child's `own` events, a `household` adult's, `any`
    of those, or another child of the household's own events (`household_child`; `twin` for a
    twin's). `age_under` is the child's age when the event happened (for another child's
    events, that child's age), and `age_from` the age from which it counts (a newborn's weight
    falls in its first days: weighings before three weeks are not growth); a child with no known
    date of birth never matches an age test.
    """

    kinds: frozenset[str] = frozenset()
    whose: Whose = "any"
    involvement: InvolvementFilter = "any"
    where: tuple[Condition, ...] = ()
    age_under: timedelta | None = None
    age_from: timedelta | None = None
    #: Whether a condition reads the event's narrative (`NARRATIVE`) rather than an attr.
    reads_text: bool = field(default=False, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reads_text", any(c.attr == NARRATIVE for c in self.where))


Match = tuple[Selector, ...]
"""A list of selectors; an entry matches if any selector matches it."""


@dataclass(frozen=True, slots=True)
class CountPattern:
    """At least `at_least` matching events in the window (within `span` of each other, if set)."""

    match: Match
    at_least: int = 1
    span: timedelta | None = None
    type: Literal["count"] = "count"


@dataclass(frozen=True, slots=True)
class AgenciesPattern:
    """Matching events from at least `at_least` different agencies within `span` of each other."""

    match: Match
    at_least: int = 2
    span: timedelta | None = None
    type: Literal["distinct_agencies"] = "distinct_agencies"


@dataclass(frozen=True, slots=True)
class CoOccurrencePattern:
    """An `event` in the window with a `context` event within `within` of it.

    `ended_by` voids a context when an ending event lies between the context and the event
    (a child protection plan that has ended no longer makes a missed appointment "on a plan").
    """

    event: Match
    context: Match
    within: timedelta
    when: ContextWhen = "before"
    ended_by: Match = ()
    type: Literal["co_occurrence"] = "co_occurrence"


@dataclass(frozen=True, slots=True)
class AbsencePattern:
    """A `trigger` in the window with no `expected` event within `within` after it.

    Fires only once the deadline has passed at the evaluation moment.
    """

    trigger: Match
    expected: Match
    within: timedelta
    type: Literal["absence"] = "absence"


@dataclass(frozen=True, slots=True)
class TrendPattern:
    """A numeric attr that fell between two matching events in the window: by at least `falls_by`
    (centile points), or by at least `falls_by_share` of the highest earlier value (a weight
    in kilograms, where 0.4 kg is a lot for a baby and nothing for a teenager). One is given."""

    match: Match
    attr: str
    falls_by: float | None = None
    falls_by_share: float | None = None
    type: Literal["trend"] = "trend"

    def fell(self, highest: float, value: float) -> bool:
        """Whether `value` is far enough below the highest earlier value."""
        if self.falls_by_share is not None:
            return highest - value >= self.falls_by_share * highest
        return self.falls_by is not None and highest - value >= self.falls_by


@dataclass(frozen=True, slots=True)
class AnyOfPattern:
    """Fires when any of its patterns fires; evidence is the union of those that fired."""

    patterns: tuple[Pattern, ...]
    type: Literal["any_of"] = "any_of"


@dataclass(frozen=True, slots=True)
class AllOfPattern:
    """Fires only when every one of its patterns fires (each within the indicator's window).

    For signals that matter together, not apart: the "toxic trio" of domestic abuse, parental
    mental ill-health and parental substance misuse. Evidence is the union of all of them.
    """

    patterns: tuple[Pattern, ...]
    type: Literal["all_of"] = "all_of"


Pattern = (
    CountPattern
    | AgenciesPattern
    | CoOccurrencePattern
    | AbsencePattern
    | TrendPattern
    | AnyOfPattern
    | AllOfPattern
)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One early-warning indicator: a pattern, its weight, window and decay, and why it matters."""

    id: str
    title: str
    description: str
    rationale: str
    source: str
    pattern: Pattern
    weight: float
    window: timedelta
    half_life: timedelta | None
    min_level: AlertLevel | None = None
    routes: tuple[str, ...] = ()
    explain: str | None = None
    file: str = ""
    #: The `Story` this indicator tells part of, if any (its weight then counts within the story's).
    story: str | None = None


@dataclass(frozen=True, slots=True)
class Story:
    """Indicators that read one story, counted together at most `max_weight`.

    Several indicators can read the same records: two, four and "for a known need" missed
    appointments are one story of a child not brought, not three. Their weights add, heaviest
    first, until the story's `max_weight`; the rest count for nothing more. A story's weight can
    then say what its source says: NICE CG89 asks practitioners to *consider* neglect for
    repeated missed appointments, which is amber, and keeps *suspect* (red) for more.
    """

    id: str
    title: str
    max_weight: float
    rationale: str
    source: str


@dataclass(frozen=True, slots=True)
class Policy:
    """A validated policy. `version` is a short sha256 of the files' names and bytes."""

    id: str
    title: str
    version: str
    amber: float
    red: float
    routing: dict[AlertLevel, tuple[str, ...]]
    indicators: tuple[Indicator, ...]
    files: tuple[str, ...] = ()
    stories: dict[str, Story] = field(default_factory=dict)

    def level_for(self, score: float) -> AlertLevel:
        if score >= self.red:
            return AlertLevel.RED
        if score >= self.amber:
            return AlertLevel.AMBER
        return AlertLevel.GREEN
