"""`contains_any`: one condition for the several words agencies use for one thing.

It must read text exactly as `contains` does for each of its words, the loader must refuse a
list that could never hold, the docs must name its words, and the batch pre-pass must keep a
child whose only evidence is one of the words.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
import yaml

from alarmbell.policy import Policy, PolicyError, alert_timeline, parse_policy
from alarmbell.policy.docs import describe_pattern
from alarmbell.policy.model import Condition, Selector
from alarmbell.policy.reach import reach_of, shapes_of

from .conftest import ChronologyBuilder

HEADER = {"policy": {"id": "t", "title": "T", "levels": {"amber": 10, "red": 20}}}
VIOLENT = ["assault", "bodily harm", "ABH", "wounding"]


def _policy(condition: dict[str, Any]) -> Policy:
    indicator = {
        "id": "violent_arrest",
        "title": "Arrested for violence",
        "description": "An adult of the household was arrested for a violent offence.",
        "rationale": {"text": "Because.", "source": "tests"},
        "pattern": {"type": "count", "match": {"kinds": ["arrest"], "whose": "any", "where": [condition]}},
        "weight": 12,
        "window": "365d",
    }
    doc = {**HEADER, "indicators": [indicator]}
    return parse_policy([("p.yaml", yaml.safe_dump(doc).encode())])


@pytest.mark.parametrize(
    ("offence", "holds"),
    [
        ("Wounding with intent", True),
        ("S47 ASSAULT occasioning actual Bodily-Harm", True),
        ("Common assault", True),
        (["Criminal damage", "abh"], True),
        ("Criminal damage", False),
        ("Harassment", False),  # "assault" is not in "harassment": words start a word
        (["Criminal damage"], False),
        (None, False),
    ],
)
def test_it_holds_when_contains_would_for_any_of_its_words(offence: Any, holds: bool) -> None:
    attrs = {} if offence is None else {"offence": offence}
    condition = Condition("offence", "contains_any", tuple(VIOLENT))
    assert condition.holds(attrs) is holds
    assert holds is any(Condition("offence", "contains", word).holds(attrs) for word in VIOLENT)


def test_the_loader_reads_it_from_yaml() -> None:
    policy = _policy({"attr": "offence", "contains_any": VIOLENT})
    [selector] = policy.indicators[0].pattern.match  # type: ignore[union-attr]
    assert selector.where == (Condition("offence", "contains_any", tuple(VIOLENT)),)


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ([], "contains_any: expected a non-empty list of words, e.g. [assault, bodily harm]"),
        ("assault", "contains_any: expected a non-empty list of words, e.g. [assault, bodily harm]"),
        (["assault", 3], "contains_any[1]: expected a word or words as text, not 3"),
        (["assault", ""], "contains_any[1]: expected a word or words as text, not ''"),
        (["assault", None], "contains_any[1]: expected a word or words as text, not None"),
        (["3A", "9A"], "contains_any[1]: '9A' records disability or immigration status: not used"),
    ],
)
def test_the_loader_names_the_word_it_cannot_use(words: Any, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        _policy({"attr": "offence", "contains_any": words})
    assert str(caught.value) == f"p.yaml: indicators[0].pattern.match.where[0].{message}"


def test_the_docs_name_every_word() -> None:
    pattern = _policy({"attr": "offence", "contains_any": VIOLENT}).indicators[0].pattern
    assert describe_pattern(pattern) == (
        "at least 1 of: the child's or household adults' events (arrest) where `offence` "
        'includes any of "assault", "bodily harm", "ABH", "wounding"'
    )


def _arrested(offence: str | None) -> ChronologyBuilder:
    attrs = {} if offence is None else {"offence": offence}
    return ChronologyBuilder(dob=date(2010, 1, 1)).household("arrest", "2012-03-01", **attrs)


@pytest.mark.parametrize("offence", ["Common ASSAULT", "Wounding with intent", "abh on partner"])
def test_the_prepass_keeps_a_child_whose_only_evidence_is_one_word(offence: str) -> None:
    policy = _policy({"attr": "offence", "contains_any": VIOLENT})
    chronology = _arrested(offence).build()
    assert [a.rules for a in alert_timeline(policy, chronology)] == [("violent_arrest",)]
    reach = reach_of(policy)
    assert reach.may_alert(shapes_of(reach, chronology.entries), chronology.dob)


def test_the_prepass_still_rules_out_a_child_without_the_attr() -> None:
    """Not vacuous: an arrest with no offence recorded can fire nothing, and is skipped."""
    policy = _policy({"attr": "offence", "contains_any": VIOLENT})
    chronology = _arrested(None).build()
    assert alert_timeline(policy, chronology) == []
    reach = reach_of(policy)
    assert not reach.may_alert(shapes_of(reach, chronology.entries), chronology.dob)


def _matches(pattern: Any) -> list[tuple[Selector, ...]]:
    """Every selector list of a pattern, however nested."""
    parts = getattr(pattern, "patterns", None)
    if parts is not None:
        return [m for p in parts for m in _matches(p)]
    names = ("match", "event", "context", "ended_by", "trigger", "expected")
    return [getattr(pattern, n) for n in names if getattr(pattern, n, None)]


def _one_word_apart(match: tuple[Selector, ...]) -> list[str]:
    """The attrs two selectors of one list read for different words, alike in all else."""
    seen: set[tuple[Selector, str]] = set()
    repeated = []
    for selector in match:
        for i, condition in enumerate(selector.where):
            if condition.op in ("contains", "contains_any"):
                rest = replace(selector, where=selector.where[:i] + selector.where[i + 1 :])
                if (rest, condition.attr) in seen:
                    repeated.append(condition.attr)
                seen.add((rest, condition.attr))
    return repeated


def test_the_shipped_policy_lists_no_selector_per_word(policy: Policy) -> None:
    """Words for one thing read from one attr are one `contains_any`, not a selector each."""
    found = [
        (indicator.id, attr)
        for indicator in policy.indicators
        for match in _matches(indicator.pattern)
        for attr in _one_word_apart(match)
    ]
    assert found == []
