"""Reading and validating policy YAML, with errors that name the file and the field.

A policy is one YAML file or a folder of them. Exactly one file holds the `policy` header
(id, title, levels, routing); any file may hold `indicators`. The version is a short sha256
over every file's name and bytes, so any edit (even a comment) gives a new version and every
alert can be traced to the exact text that produced it.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Iterable, Sequence
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, cast, get_args

import yaml

from alarmbell.domain.body_sites import is_known_region
from alarmbell.domain.described_signs import DESCRIBED_SIGNS
from alarmbell.domain.explanations import EXPLANATION_CLASSES
from alarmbell.domain.health_services import is_known_service_type
from alarmbell.domain.referrers import REFERRER_CLASSES
from alarmbell.domain.vocabulary import EVENT_KINDS, AlertLevel
from alarmbell.policy.model import (
    AbsencePattern,
    AgenciesPattern,
    AllOfPattern,
    AnyOfPattern,
    Condition,
    CoOccurrencePattern,
    CountPattern,
    Indicator,
    Match,
    Op,
    Pattern,
    Policy,
    PolicyError,
    Selector,
    Story,
    TrendPattern,
    Whose,
)

_DURATION = re.compile(r"^(\d+)([dwmy])$")
_DAYS_PER_UNIT = {"d": 1.0, "w": 7.0, "m": 30.4375, "y": 365.25}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
#: The condition operators, from the model's `Op` type (one list, so they cannot drift apart).
_OPS: tuple[str, ...] = get_args(Op)

#: Family characteristics no indicator may read (see docs/policy.md, "Fairness").
FORBIDDEN_ATTR_WORDS: tuple[str, ...] = (
    "ethnic",
    "religio",
    "faith",
    "nationality",
    "citizenship",
    "language",
    "english",
    "interpreter",
    "disab",
    "immigration",
    "asylum",
    "income",
    "benefit",
    "poverty",
)
#: Children in Need factor codes for disability (5A-6C) and unaccompanied asylum seeking (9A).
FORBIDDEN_FACTOR_CODES: frozenset[str] = frozenset({"5A", "5B", "5C", "6A", "6B", "6C", "9A"})

TEMPLATE_FIELDS: frozenset[str] = frozenset(
    {
        "child",
        "n",
        "events",
        "agencies",
        "n_agencies",
        "dates",
        "about",
        "people",
        "context_events",
        "context_agencies",
        "context_dates",
        "context_about",
        "days",
        "attr",
        "from_value",
        "to_value",
        "other_child",
        "injuries",
    }
)

DEFAULT_POLICY_DIR = "policies"


class _Path:
    """A position in a file, e.g. ``default.yaml: indicators[3].pattern.window``."""

    def __init__(self, file: str, parts: tuple[str, ...] = ()) -> None:
        self.file = file
        self.parts = parts

    def key(self, name: str) -> _Path:
        sep = "." if self.parts else ""
        return _Path(self.file, (*self.parts, f"{sep}{name}"))

    def index(self, i: int) -> _Path:
        return _Path(self.file, (*self.parts, f"[{i}]"))

    def error(self, expected: str) -> PolicyError:
        where = "".join(self.parts) or "(top level)"
        return PolicyError(f"{self.file}: {where}: {expected}")


def policy_files(source: Path) -> tuple[Path, ...]:
    """The YAML files of a policy: the file itself, or a folder's *.yaml sorted by name."""
    if source.is_dir():
        files = tuple(sorted(source.glob("*.yaml")))
        if not files:
            raise PolicyError(f"{source}: no *.yaml policy files found")
        return files
    return (source,)


def policy_version(files: Sequence[tuple[str, bytes]]) -> str:
    """Short sha256 over (name, bytes) pairs in name order: changes when any file changes."""
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(data)
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def load_policy(source: Path | str) -> Policy:
    """Load and validate a policy file or folder; raises PolicyError naming file and field."""
    files = policy_files(Path(source))
    return parse_policy([(f.name, f.read_bytes()) for f in files])


class PolicySettings(Protocol):
    """What `policy_for` reads of the settings (so this pure package need not import them)."""

    @property
    def policy_dir(self) -> Path | None: ...


def policy_for(settings: PolicySettings) -> Policy:
    """The policy in force: the configured one (`ALARMBELL_POLICY_DIR`), else the shipped one.

    The one place every surface (commands, web app, demo, benchmarks) turns settings into a
    policy, so they cannot disagree about which policy an alert was raised under.
    """
    return load_policy(settings.policy_dir) if settings.policy_dir else default_policy()


def default_policy() -> Policy:
    """The policy shipped with alarmbell (``alarmbell/policy/policies/*.yaml``)."""
    folder = resources.files("alarmbell.policy").joinpath(DEFAULT_POLICY_DIR)
    texts = [
        (item.name, item.read_bytes())
        for item in folder.iterdir()
        if item.name.endswith(".yaml") and item.is_file()
    ]
    return parse_policy(texts)


def default_policy_path() -> Path:
    """Where the shipped policy's files are on disk (for docs and tests)."""
    return Path(str(resources.files("alarmbell.policy").joinpath(DEFAULT_POLICY_DIR)))


def parse_policy(files: Sequence[tuple[str, bytes]]) -> Policy:
    """Build a Policy from (file name, bytes) pairs."""
    if not files:
        raise PolicyError("policy: no files given")
    header: tuple[dict[str, Any], _Path] | None = None
    indicators: list[Indicator] = []
    stories: list[tuple[Story, _Path]] = []
    for name, data in sorted(files):
        doc = _read_yaml(name, data)
        top = _Path(name)
        _only_keys(doc, top, {"policy", "indicators", "stories"})
        if "policy" in doc:
            if header is not None:
                raise top.key("policy").error(f"already defined in {header[1].file}")
            header = (_mapping(doc["policy"], top.key("policy")), top.key("policy"))
        for i, raw in enumerate(_list(doc.get("indicators", []), top.key("indicators"))):
            indicators.append(_indicator(raw, top.key("indicators").index(i)))
        for i, raw in enumerate(_list(doc.get("stories", []), top.key("stories"))):
            stories.append(_story(raw, top.key("stories").index(i)))
    if header is None:
        raise PolicyError(f"{sorted(files)[0][0]}: policy: missing (one file must define it)")
    _unique_ids(indicators)
    known = _known_stories(stories, indicators)
    return _policy(header[0], header[1], indicators, known, policy_version(files), files)


#: libyaml's safe parser when PyYAML has it (its wheels do): the shipped policy parses in 0.04 s
#: instead of 0.15 s, paid by every command, web start and rescore worker. Same documents.
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(name: str, data: bytes) -> dict[str, Any]:
    try:
        doc = yaml.load(data.decode("utf-8"), Loader=_SAFE_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise PolicyError(f"{name}: (top level): expected a mapping with 'policy' or 'indicators'")
    return cast(dict[str, Any], doc)


def _policy(
    raw: dict[str, Any],
    where: _Path,
    indicators: list[Indicator],
    stories: dict[str, Story],
    version: str,
    files: Sequence[tuple[str, bytes]],
) -> Policy:
    _only_keys(raw, where, {"id", "title", "levels", "routing"})
    levels = _mapping(_required(raw, "levels", where), where.key("levels"))
    _only_keys(levels, where.key("levels"), {"amber", "red"})
    amber = _number(_required(levels, "amber", where.key("levels")), where.key("levels.amber"))
    red = _number(_required(levels, "red", where.key("levels")), where.key("levels.red"))
    if not 0 < amber < red:
        raise where.key("levels").error("expected 0 < amber < red")
    return Policy(
        id=_identifier(_required(raw, "id", where), where.key("id")),
        title=_text(_required(raw, "title", where), where.key("title")),
        version=version,
        amber=amber,
        red=red,
        routing=_routing(raw.get("routing", {}), where.key("routing")),
        indicators=tuple(indicators),
        files=tuple(sorted(name for name, _ in files)),
        stories=stories,
    )


def _routing(raw: Any, where: _Path) -> dict[AlertLevel, tuple[str, ...]]:
    routing = _mapping(raw, where)
    result: dict[AlertLevel, tuple[str, ...]] = {}
    for level_name, teams in routing.items():
        level = _level(level_name, where.key(str(level_name)))
        result[level] = _identifiers(teams, where.key(str(level_name)))
    return result


def _story(raw: Any, where: _Path) -> tuple[Story, _Path]:
    item = _mapping(raw, where)
    _only_keys(item, where, {"id", "title", "max_weight", "rationale"})
    text, source = _rationale(item, where)
    story = Story(
        id=_identifier(_required(item, "id", where), where.key("id")),
        title=_text(_required(item, "title", where), where.key("title")),
        max_weight=_positive(_required(item, "max_weight", where), where.key("max_weight")),
        rationale=text,
        source=source,
    )
    return story, where


def _rationale(item: dict[str, Any], where: _Path) -> tuple[str, str]:
    """An indicator's or a story's `rationale`: its text and its source, both required."""
    rationale = _mapping(_required(item, "rationale", where), where.key("rationale"))
    _only_keys(rationale, where.key("rationale"), {"text", "source"})
    text = _required(rationale, "text", where.key("rationale"))
    source = _required(rationale, "source", where.key("rationale"))
    return _text(text, where.key("rationale.text")), _text(source, where.key("rationale.source"))


def _known_stories(stories: list[tuple[Story, _Path]], indicators: list[Indicator]) -> dict[str, Story]:
    """The stories by id; each defined once, and every indicator's `story` one of them."""
    known: dict[str, Story] = {}
    for story, where in stories:
        if story.id in known:
            raise where.key("id").error(f"story {story.id!r} is defined twice")
        known[story.id] = story
    for indicator in indicators:
        if indicator.story is not None and indicator.story not in known:
            names = ", ".join(sorted(known)) or "none defined"
            raise PolicyError(
                f"{indicator.file}: indicators.{indicator.id}.story: unknown story "
                f"{indicator.story!r}; expected one of the 'stories' ids ({names})"
            )
    return known


def _indicator(raw: Any, where: _Path) -> Indicator:
    item = _mapping(raw, where)
    allowed = {"id", "title", "description", "rationale", "pattern", "weight", "window"}
    _only_keys(item, where, allowed | {"decay", "min_level", "route", "explain", "story"})
    story = item.get("story")
    text, source = _rationale(item, where)
    explain = item.get("explain")
    min_level = item.get("min_level")
    return Indicator(
        id=_identifier(_required(item, "id", where), where.key("id")),
        title=_text(_required(item, "title", where), where.key("title")),
        description=_text(_required(item, "description", where), where.key("description")),
        rationale=text,
        source=source,
        pattern=_pattern(_required(item, "pattern", where), where.key("pattern")),
        weight=_positive(_required(item, "weight", where), where.key("weight")),
        window=_duration(_required(item, "window", where), where.key("window")),
        half_life=_decay(item.get("decay", "none"), where.key("decay")),
        min_level=None if min_level is None else _level(min_level, where.key("min_level")),
        routes=_identifiers(item.get("route", []), where.key("route")),
        explain=None if explain is None else _template(explain, where.key("explain")),
        file=where.file,
        story=None if story is None else _identifier(story, where.key("story")),
    )


def _decay(raw: Any, where: _Path) -> timedelta | None:
    if raw == "none":
        return None
    decay = _mapping(raw, where)
    _only_keys(decay, where, {"half_life"})
    return _duration(_required(decay, "half_life", where), where.key("half_life"))


def _pattern(raw: Any, where: _Path) -> Pattern:
    item = _mapping(raw, where)
    kind = _required(item, "type", where)
    builder = _PATTERNS.get(kind) if isinstance(kind, str) else None
    if builder is None:
        raise where.key("type").error(f"expected one of {', '.join(sorted(_PATTERNS))}")
    return builder(item, where)


def _count(item: dict[str, Any], where: _Path) -> Pattern:
    _only_keys(item, where, {"type", "match", "at_least", "span"})
    return CountPattern(
        match=_match(_required(item, "match", where), where.key("match")),
        at_least=_count_value(item.get("at_least", 1), where.key("at_least")),
        span=_optional_duration(item.get("span"), where.key("span")),
    )


def _agencies(item: dict[str, Any], where: _Path) -> Pattern:
    _only_keys(item, where, {"type", "match", "at_least", "span"})
    return AgenciesPattern(
        match=_match(_required(item, "match", where), where.key("match")),
        at_least=_count_value(item.get("at_least", 2), where.key("at_least")),
        span=_optional_duration(item.get("span"), where.key("span")),
    )


def _co_occurrence(item: dict[str, Any], where: _Path) -> Pattern:
    _only_keys(item, where, {"type", "event", "context", "within", "when", "ended_by"})
    when = item.get("when", "before")
    if when not in ("before", "after", "either"):
        raise where.key("when").error("expected one of before, after, either")
    ended_by = item.get("ended_by")
    return CoOccurrencePattern(
        event=_match(_required(item, "event", where), where.key("event")),
        context=_match(_required(item, "context", where), where.key("context")),
        within=_duration(_required(item, "within", where), where.key("within")),
        when=when,
        ended_by=() if ended_by is None else _match(ended_by, where.key("ended_by")),
    )


def _absence(item: dict[str, Any], where: _Path) -> Pattern:
    _only_keys(item, where, {"type", "trigger", "expected", "within"})
    return AbsencePattern(
        trigger=_match(_required(item, "trigger", where), where.key("trigger")),
        expected=_match(_required(item, "expected", where), where.key("expected")),
        within=_duration(_required(item, "within", where), where.key("within")),
    )


def _trend(item: dict[str, Any], where: _Path) -> Pattern:
    _only_keys(item, where, {"type", "match", "attr", "falls_by", "falls_by_share"})
    attr = _attr_name(_required(item, "attr", where), where.key("attr"))
    if ("falls_by" in item) == ("falls_by_share" in item):
        raise where.error(
            "expected one of falls_by (an amount) or falls_by_share (a share of the highest value)"
        )
    share = item.get("falls_by_share")
    if share is not None and not (isinstance(share, int | float) and 0 < share < 1):
        raise where.key("falls_by_share").error("expected a share between 0 and 1, e.g. 0.05 for 5%")
    return TrendPattern(
        match=_match(_required(item, "match", where), where.key("match")),
        attr=attr,
        falls_by=_positive(item["falls_by"], where.key("falls_by")) if "falls_by" in item else None,
        falls_by_share=float(share) if share is not None else None,
    )


def _sub_patterns(item: dict[str, Any], where: _Path) -> tuple[Pattern, ...]:
    _only_keys(item, where, {"type", "patterns"})
    raw = _list(_required(item, "patterns", where), where.key("patterns"))
    if not raw:
        raise where.key("patterns").error("expected at least one pattern")
    return tuple(_pattern(p, where.key("patterns").index(i)) for i, p in enumerate(raw))


def _any_of(item: dict[str, Any], where: _Path) -> Pattern:
    return AnyOfPattern(patterns=_sub_patterns(item, where))


def _all_of(item: dict[str, Any], where: _Path) -> Pattern:
    return AllOfPattern(patterns=_sub_patterns(item, where))


_PATTERNS = {
    "count": _count,
    "distinct_agencies": _agencies,
    "co_occurrence": _co_occurrence,
    "absence": _absence,
    "trend": _trend,
    "any_of": _any_of,
    "all_of": _all_of,
}


def _match(raw: Any, where: _Path) -> Match:
    """One selector mapping, or a list of them (any may match)."""
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise where.error("expected a selector or a non-empty list of selectors")
    if isinstance(raw, list):
        return tuple(_selector(s, where.index(i)) for i, s in enumerate(items))
    return (_selector(raw, where),)


def _selector(raw: Any, where: _Path) -> Selector:
    item = _mapping(raw, where)
    _only_keys(item, where, {"kinds", "whose", "involvement", "where", "age_under", "age_from"})
    whose = item.get("whose", "any")
    if whose not in get_args(Whose):
        raise where.key("whose").error(f"expected one of {', '.join(get_args(Whose))}")
    involvement = item.get("involvement", "any")
    if involvement not in ("subject", "other", "any"):
        raise where.key("involvement").error("expected one of subject, other, any")
    if whose in ("household_child", "twin") and involvement != "any":
        raise where.key("involvement").error(
            f"not used with whose: {whose} (the other child is always a subject of its own events)"
        )
    conditions = _list(item.get("where", []), where.key("where"))
    return Selector(
        kinds=_kinds(item.get("kinds", []), where.key("kinds")),
        whose=whose,
        involvement=involvement,
        where=tuple(_condition(c, where.key("where").index(i)) for i, c in enumerate(conditions)),
        age_under=_optional_duration(item.get("age_under"), where.key("age_under")),
        # "0d": from birth, so an event before the child was born (an expected baby) does not count.
        age_from=_optional_duration(item.get("age_from"), where.key("age_from"), zero=True),
    )


def _kinds(raw: Any, where: _Path) -> frozenset[str]:
    kinds = _list(raw, where)
    for i, kind in enumerate(kinds):
        if kind not in EVENT_KINDS:
            raise where.index(i).error(f"unknown event kind {kind!r} (see docs/exchange-format.md)")
    return frozenset(kinds)


def _condition(raw: Any, where: _Path) -> Condition:
    item = _mapping(raw, where)
    attr = _attr_name(_required(item, "attr", where), where.key("attr"))
    ops = [k for k in item if k != "attr"]
    if len(ops) != 1 or ops[0] not in _OPS:
        raise where.error(f"expected 'attr' and exactly one of {', '.join(_OPS)}")
    op = cast(Op, ops[0])
    value = _condition_value(op, item[op], where.key(op))
    _no_forbidden_codes(op, value, where.key(op))
    return Condition(attr=attr, op=op, value=value)


def _no_forbidden_codes(op: str, value: Any, where: _Path) -> None:
    """Factor codes for disability and immigration status, refused in any case: the word tests
    ignore case, so `contains: 9a` would read "9A"."""
    if op == "contains":
        words = [(where, value)]
    elif op == "contains_any":
        words = [(where.index(i), word) for i, word in enumerate(value)]
    else:
        return
    for at, word in words:
        if isinstance(word, str) and word.upper() in FORBIDDEN_FACTOR_CODES:
            raise at.error(f"{word!r} records disability or immigration status: not used")


def _condition_value(op: str, value: Any, where: _Path) -> Any:
    if op in ("is_true", "is_false", "is_not_false", "exists", "returned_home"):
        if value is not True:
            raise where.error(f"expected 'true' (write '{op}: true')")
        return True
    if op in ("lt", "le", "gt", "ge"):
        return _number(value, where)
    if op == "regions_at_least":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise where.error("expected a whole number of body regions, 1 or more")
        return value
    if op in ("region_in", "regions_beyond"):
        names = _list(value, where)
        unknown = [n for n in names if not isinstance(n, str) or not is_known_region(n)]
        if unknown:
            raise where.error(
                f"unknown body region {unknown[0]!r}; expected region names from "
                "alarmbell.domain.body_sites (e.g. ear, cheek, torso, shin), ten4_faces or "
                "everyday_accident"
            )
        return tuple(names)
    if op == "contains_any":
        return _words(value, where)
    if op == "service_in":
        return _service_types(value, where)
    if op == "explanation_in":
        return _known(value, where, EXPLANATION_CLASSES, "unknown explanation class {}", "explanations")
    if op == "describes":
        return _known(value, where, DESCRIBED_SIGNS, "sign {} is not read from text", "described_signs")
    if op == "referrer_in":
        return _known(value, where, REFERRER_CLASSES, "unknown referrer class {}", "referrers")
    if op == "in":
        values = _list(value, where)
        if not all(isinstance(v, str | int | float | bool) for v in values):
            raise where.error("expected a list of plain values")
        return tuple(values)
    if not isinstance(value, str | int | float | bool):
        raise where.error("expected a plain value (text, number or true/false)")
    return value


def _known(value: Any, where: _Path, known: tuple[str, ...], problem: str, module: str) -> tuple[str, ...]:
    """A list of names a domain module defines (`known`); the first unknown one is named in
    `problem` ("unknown referrer class {}"), with the names expected and where they live."""
    names = _list(value, where)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise where.error(
            f"{problem.format(repr(unknown[0]))}; expected some of {', '.join(known)} "
            f"(alarmbell.domain.{module})"
        )
    return tuple(names)


def _words(value: Any, where: _Path) -> tuple[str, ...]:
    """`contains_any`'s words: an empty list, which could never hold, or a word that is not
    text is a mistake in the policy, to be named at load and not found as a quiet no-match."""
    if not isinstance(value, list) or not value:
        raise where.error("expected a non-empty list of words, e.g. [assault, bodily harm]")
    for i, word in enumerate(value):
        if not isinstance(word, str) or not word.strip():
            raise where.index(i).error(f"expected a word or words as text, not {word!r}")
    return tuple(value)


def _service_types(value: Any, where: _Path) -> tuple[str, ...]:
    names = _list(value, where)
    unknown = [n for n in names if not isinstance(n, str) or not is_known_service_type(n)]
    if unknown:
        raise where.error(
            f"unknown service type {unknown[0]!r}; expected service types from "
            "alarmbell.domain.health_services (e.g. paediatrics, growth_nutrition, therapy)"
        )
    return tuple(names)


def _attr_name(raw: Any, where: _Path) -> str:
    name = _text(raw, where)
    lowered = name.lower()
    for word in FORBIDDEN_ATTR_WORDS:
        if word in lowered:
            raise where.error(
                f"attr {name!r} describes a family characteristic (contains {word!r}); "
                "indicators may not read it"
            )
    return name


def _template(raw: Any, where: _Path) -> str:
    text = _text(raw, where)
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise where.error(f"not a valid template: {exc}") from None
    unknown = sorted(names - TEMPLATE_FIELDS)
    if unknown:
        fields = ", ".join(sorted(TEMPLATE_FIELDS))
        raise where.error(f"unknown placeholder {{{unknown[0]}}}; expected one of {fields}")
    return text


def _unique_ids(indicators: Iterable[Indicator]) -> None:
    seen: dict[str, str] = {}
    for ind in indicators:
        if ind.id in seen:
            raise PolicyError(f"{ind.file}: indicator id {ind.id!r} already used in {seen[ind.id]}")
        seen[ind.id] = ind.file


# -- small typed readers -----------------------------------------------------------------


def _required(item: dict[str, Any], key: str, where: _Path) -> Any:
    if key not in item:
        raise where.key(key).error("missing")
    return item[key]


def _only_keys(item: dict[str, Any], where: _Path, allowed: set[str]) -> None:
    for key in item:
        if key not in allowed:
            raise where.key(str(key)).error(f"unknown field; expected one of {', '.join(sorted(allowed))}")


def _mapping(raw: Any, where: _Path) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise where.error("expected a mapping")
    return cast(dict[str, Any], raw)


def _list(raw: Any, where: _Path) -> list[Any]:
    if not isinstance(raw, list):
        raise where.error("expected a list")
    return raw


def _text(raw: Any, where: _Path) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise where.error("expected non-empty text")
    return " ".join(raw.split())


def _identifier(raw: Any, where: _Path) -> str:
    if not isinstance(raw, str) or not _ID.match(raw):
        raise where.error("expected an identifier like 'repeat_domestic_abuse' (a-z, 0-9, _)")
    return raw


def _identifiers(raw: Any, where: _Path) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    return tuple(_identifier(v, where) for v in items)


def _number(raw: Any, where: _Path) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise where.error("expected a number")
    return float(raw)


def _positive(raw: Any, where: _Path) -> float:
    value = _number(raw, where)
    if value <= 0:
        raise where.error("expected a number greater than 0")
    return value


def _count_value(raw: Any, where: _Path) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise where.error("expected a whole number of at least 1")
    return raw


def _level(raw: Any, where: _Path) -> AlertLevel:
    try:
        return AlertLevel(raw)
    except ValueError:
        raise where.error("expected one of green, amber, red") from None


def _duration(raw: Any, where: _Path, *, zero: bool = False) -> timedelta:
    """A duration like '365d'; `zero` allows '0d', which only an age can mean ("from birth")."""
    match = _DURATION.match(raw) if isinstance(raw, str) else None
    if match is None or (int(match.group(1)) == 0 and not zero):
        raise where.error("expected a duration like '365d' (units d, w, m, y)")
    return timedelta(days=int(match.group(1)) * _DAYS_PER_UNIT[match.group(2)])


def _optional_duration(raw: Any, where: _Path, *, zero: bool = False) -> timedelta | None:
    return None if raw is None else _duration(raw, where, zero=zero)
