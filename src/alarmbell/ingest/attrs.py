"""Types and plausible ranges of the event attrs that policy rules read (docs/exchange-format.md).

The policy engine tests flags with `is True` and numbers by comparison, so `"mobile": "yes"`
or `"weight_kg": "heavy"` used to pass validation and then silently never match a rule, and a
weight of -5 kg or a centile of 150 looked like real measurements. Other attrs stay free-form
(agencies add their own); null means not known and is always allowed. A flag is stored as JSON
true or false, because "no" or "N" as text would read as true in most systems: the precise
validator reads the yes/no words exports write ("Yes", "N", "TRUE") as the flag, with a warning
and the words kept, and refuses any other text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from alarmbell.domain.concern_categories import CONCERN_CATEGORIES
from alarmbell.domain.injuries import INJURY_RECORDING_KINDS, INJURY_TYPES, injury_word
from alarmbell.domain.medical_opinions import query_of_nai
from alarmbell.domain.positions_of_trust import trusted_role
from alarmbell.domain.referral_outcomes import outcome_word, step_kind
from alarmbell.domain.yes_no import flag_word
from alarmbell.ingest.base import FieldError, RowErrors, Warning_
from alarmbell.ingest.code_values import read_code

CONCERN_KINDS: Final[frozenset[str]] = frozenset({"school_concern", "nursery_concern"})


@dataclass(frozen=True, slots=True)
class Flag:
    def problem(self, value: Any) -> str | None:
        return None if value is True or value is False else _got(value)

    @property
    def expected(self) -> str:
        return "true or false, written without quotes"

    def schema(self) -> dict[str, Any]:
        return {"type": ["boolean", "null"]}


@dataclass(frozen=True, slots=True)
class Number:
    low: float
    high: float
    unit: str = ""
    whole: bool = False

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _got(value)
        if self.whole and not float(value).is_integer():
            return f"{value!r} is not a whole number"
        if not self.low <= value <= self.high:
            return f"{value!r} is out of range"
        return None

    @property
    def expected(self) -> str:
        what = "a whole number" if self.whole else "a number"
        unit = f" {self.unit}" if self.unit else ""
        return f"{what} from {self.low:g} to {self.high:g}{unit}"

    def schema(self) -> dict[str, Any]:
        return {
            "type": ["integer" if self.whole else "number", "null"],
            "minimum": self.low,
            "maximum": self.high,
        }


@dataclass(frozen=True, slots=True)
class Choice:
    values: tuple[str, ...]
    kinds: frozenset[str] | None = None  # the event kinds it applies to; None: every kind

    def problem(self, value: Any) -> str | None:
        if value in self.values:
            return None
        return _got(value) if not isinstance(value, str) else f"{value!r} is not allowed"

    @property
    def expected(self) -> str:
        return "one of " + ", ".join(self.values)

    def schema(self) -> dict[str, Any]:
        return {"enum": [*self.values, None]}


@dataclass(frozen=True, slots=True)
class Texts:
    """A list of short texts (codes, matters known about an adult)."""

    def problem(self, value: Any) -> str | None:
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return None
        return _got(value)

    @property
    def expected(self) -> str:
        return 'a list of texts, e.g. ["3A", "16A"]'

    def schema(self) -> dict[str, Any]:
        return {"type": ["array", "null"], "items": {"type": "string"}}


@dataclass(frozen=True, slots=True)
class Text:
    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, str) else _got(value)

    @property
    def expected(self) -> str:
        return "text"

    def schema(self) -> dict[str, Any]:
        return {"type": ["string", "null"]}


@dataclass(frozen=True, slots=True)
class Injuries:
    """Body-map points, each a site and an injury type (domain/injuries.py)."""

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, list):
            return _got(value)
        for n, point in enumerate(value):
            if not isinstance(point, dict) or not isinstance(point.get("site"), str):
                return f"item {n + 1}: {point!r} has no site"
            if point.get("injury") not in INJURY_TYPES:
                return f"item {n + 1}: injury {point.get('injury')!r} is not allowed"
        return None

    @property
    def expected(self) -> str:
        return 'a list of {"site": text, "injury": one of ' + ", ".join(INJURY_TYPES) + "}"

    def schema(self) -> dict[str, Any]:
        point = {
            "type": "object",
            "required": ["site", "injury"],
            "properties": {"site": {"type": "string"}, "injury": {"enum": list(INJURY_TYPES)}},
        }
        return {"type": ["array", "null"], "items": point}


Rule = Flag | Number | Choice | Texts | Text | Injuries


_TYPE_WORDS: Final[dict[type, str]] = {
    str: "text",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    list: "a list",
    dict: "an object",
}


def _got(value: Any) -> str:
    kind = {
        str: "text",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
    }
    return f"{value!r} is {kind.get(type(value), type(value).__name__)}"


_FLAG = Flag()

#: attr name -> its rule. Kept in step with the table in docs/exchange-format.md.
ATTR_RULES: Final[Mapping[str, Rule]] = {
    "injury": Choice(
        ("fracture", "bruise", "burn", "head_injury", "bite", "laceration", "other"), INJURY_RECORDING_KINDS
    ),
    "injuries": Injuries(),
    "action_taken": Text(),
    "informed": Text(),
    "delay_in_presentation": _FLAG,
    "mobile": _FLAG,
    "dash_risk": Choice(("standard", "medium", "high", "unknown")),
    "dash_score": Number(0, 27, "yes answers", whole=True),
    "violence": Choice(("physical", "verbal", "threats", "unknown")),
    "alcohol": _FLAG,
    "drugs": _FLAG,
    "children_present": _FLAG,
    "victim": Text(),
    "perpetrator": Text(),
    "weight_kg": Number(0.2, 200, "kg"),
    "height_cm": Number(20, 250, "cm"),
    "weight_centile": Number(0, 100),
    "weight_loss": _FLAG,
    "category": Choice(CONCERN_CATEGORIES, CONCERN_KINDS),
    "absence_pct": Number(0, 100, "per cent"),
    "sessions_missed": Number(0, 2000, "sessions", whole=True),
    "was_not_brought": _FLAG,
    "from_agency": Text(),
    "referral_source": Text(),
    "outcome": Choice(
        ("nfa", "early_help", "assessment", "s47", "cp_plan", "closed"), frozenset({"referral"})
    ),
    "factors": Texts(),
    "child_seen": _FLAG,
    "child_seen_alone": _FLAG,
    "position_of_trust": _FLAG,
    "much_older_person": _FLAG,
    "offence": Text(),
    "adult_history": Texts(),
}


_RULED: Final[frozenset[str]] = frozenset(ATTR_RULES)
#: The attrs that hold codes: each Choice, and the injury of every body-map point.
_CODED: Final[tuple[str, ...]] = tuple(
    sorted(name for name, rule in ATTR_RULES.items() if isinstance(rule, Choice | Injuries))
)
_INJURY_TYPES: Final[tuple[str, ...]] = tuple(INJURY_TYPES)
#: The codes whose vocabulary lists words staff write for them (domain/injuries, referral_outcomes).
_STAFF_WORDS: Final[dict[str, Callable[[str, tuple[str, ...]], str | None]]] = {
    "injury": injury_word,
    "outcome": outcome_word,
}


def read_coded_attrs(kind: str, attrs: dict[str, Any], *, line_no: int, warnings: list[Warning_]) -> None:
    """Rewrite, in place and with a warning, each code attr written in another case or spacing
    (`"High"`, `"CP plan"`) to the vocabulary's value, before check_attrs judges it; one that does
    not fold is left for check_attrs to word. Only the precise validator calls this."""
    _read_words(attrs, line_no=line_no, warnings=warnings)
    _read_flag_words(attrs, line_no=line_no, warnings=warnings)
    for name in _CODED:
        value = attrs.get(name)
        if value is None:
            continue
        rule = ATTR_RULES[name]
        if isinstance(rule, Choice):
            if rule.kinds is None or kind in rule.kinds:
                read_code(
                    attrs,
                    name,
                    rule.values,
                    field=f"attrs.{name}",
                    line_no=line_no,
                    warnings=warnings,
                    staff_word=_STAFF_WORDS.get(name),
                )
        elif isinstance(value, list):
            for n, point in enumerate(value):
                if isinstance(point, dict):
                    read_code(
                        point,
                        "injury",
                        _INJURY_TYPES,
                        field=f"attrs.{name}",
                        line_no=line_no,
                        warnings=warnings,
                        where=f"item {n + 1}, injury: ",
                        staff_word=injury_word,
                    )


@dataclass(frozen=True, slots=True)
class _WordsRead:
    """An attr staff write in words that name one value: the value is stored, the words kept in
    `kept_in`, with a warning; other words are left as they are, for check_attrs to judge."""

    attr: str
    value_of: Callable[[str], object]  # the value the words name, or None
    kept_in: str
    why: str


#: Roles such as "Form tutor" (domain/positions_of_trust.py) and a doctor's "?NAI"
#: (domain/medical_opinions.py).
_WORDS_READ: Final[tuple[_WordsRead, ...]] = (
    _WordsRead(
        "position_of_trust",
        lambda written: None if trusted_role(written) is None else True,
        "position_of_trust_role",
        "a role in a position of trust",
    ),
    _WordsRead("medical_opinion", query_of_nai, "medical_opinion_note", "a query of non-accidental injury"),
)


def _read_words(attrs: dict[str, Any], *, line_no: int, warnings: list[Warning_]) -> None:
    for rule in _WORDS_READ:
        written = attrs.get(rule.attr)
        if not isinstance(written, str) or (value := rule.value_of(written)) is None:
            continue
        attrs[rule.attr] = value
        attrs.setdefault(rule.kept_in, written)
        shown = "true" if value is True else value
        warnings.append(Warning_(line_no, f"attrs.{rule.attr}", f"read {written!r} as {shown} ({rule.why})"))


#: The attrs that hold true or false.
_FLAGS: Final[tuple[str, ...]] = tuple(
    sorted(name for name, rule in ATTR_RULES.items() if isinstance(rule, Flag))
)
#: Flags the early-warning policy reads (`is_true`) that the exchange format leaves free-form:
#: any value is accepted and kept, as it always was. Written as a yes/no word ("Y", "Yes"), the
#: value was kept as text and never matched, so "no_access": "Y" on a child-protection visit
#: counted as no record of it. Such a word is now read as true or false, as for the typed flags;
#: other text is kept as written, with a warning that it was not read. (Typing them would refuse
#: the whole line over an odd value, and change the synthetic templates built from the types.)
LOOSE_FLAGS: Final[tuple[str, ...]] = (
    "access_refused",
    "county_lines",
    "drugs_found",
    "faltering_growth",
    "found_out_of_area",
    "health_need_known",
    "health_needs_known",
    "malnourished",
    "no_access",
    "patterned",
    "unexplained_cash",
    "weapon_found",
)


#: Every attr in which a yes/no word is read: the typed flags, then the loose ones.
_WORD_FLAGS: Final[tuple[str, ...]] = (*_FLAGS, *LOOSE_FLAGS)


def loose_flag_words(attrs: Mapping[str, Any]) -> bool:
    """Whether a loose flag holds text (a word to read, or to warn about): the compiled fast path
    leaves such a line to the precise validator, which does both."""
    return any(type(attrs.get(name)) is str for name in LOOSE_FLAGS)


def _read_flag_words(attrs: dict[str, Any], *, line_no: int, warnings: list[Warning_]) -> None:
    """Each flag written as a yes/no word (`"Yes"`, `"N"`, `"TRUE"`) stored as true or false, the
    words kept in `<flag>_as_written`, with a warning; any other text is left for check_attrs to
    refuse (a loose flag's is kept, with a warning). Before this, `"was_not_brought": "Yes"` lost
    the whole line. Runs after the words read as a value, so a role written for
    position_of_trust stays read as a role."""
    for name in _WORD_FLAGS:
        written = attrs.get(name)
        if type(written) is not str:
            continue
        if (value := flag_word(written)) is None:
            if name in LOOSE_FLAGS:
                warnings.append(
                    Warning_(
                        line_no,
                        f"attrs.{name}",
                        f"kept {written!r} as written, not read as true or false "
                        "(write true or false, or yes or no, for early warning to read it)",
                    )
                )
            continue
        attrs[name] = value
        attrs.setdefault(f"{name}_as_written", written)
        shown = "true" if value else "false"
        warnings.append(Warning_(line_no, f"attrs.{name}", f"read {written!r} as {shown} (a yes/no word)"))


def queries_nai(attrs: Mapping[str, Any]) -> bool:
    """Whether `medical_opinion` is a clinician's query of NAI in shorthand ("?NAI") that the
    precise validator rewrites: the fast path leaves such a line to it (a role written for
    `position_of_trust` needs no such test: as text, check_attrs already refuses it there)."""
    written = attrs.get("medical_opinion")
    return isinstance(written, str) and query_of_nai(written) is not None


def _step_for_outcome(written: Any) -> FieldError | None:
    """A referral outcome that is a step ("Strategy discussion", "ICPC"), refused with what to
    send instead: the step as its own event, the outcome left out until the referral has one."""
    kind = step_kind(written) if isinstance(written, str) else None
    if kind is None:
        return None
    rule = ATTR_RULES["outcome"]
    return FieldError(
        "attrs.outcome",
        f"{written!r} is a step ({kind}), not an outcome of the referral",
        f"{rule.expected}, or no outcome until the referral has one; send the {kind.replace('_', ' ')} "
        f"as its own event, kind {kind}, on its own date",
    )


def check_attrs(kind: str, attrs: Mapping[str, Any]) -> None:
    """Raise FieldError (field `attrs.<name>`) for the attr that breaks its rule, or RowErrors
    naming every one, by name, so the sender fixes them in one pass."""
    errors: list[FieldError] = []
    for name in sorted(attrs.keys() & _RULED):  # free-form attrs skipped in C; sorted: stable message
        rule, value = ATTR_RULES[name], attrs[name]
        if value is None:
            continue
        if isinstance(rule, Choice) and rule.kinds is not None and kind not in rule.kinds:
            continue
        problem = rule.problem(value)
        if problem is not None:
            step = _step_for_outcome(value) if name == "outcome" else None
            errors.append(step or FieldError(f"attrs.{name}", problem, rule.expected))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise RowErrors(errors)
