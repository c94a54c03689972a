"""Indicators that read one story count together, at most the story's weight."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from alarmbell.domain.chronology import Chronology
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.policy import Policy, PolicyError, evaluate, parse_policy
from alarmbell.policy.reach import reach_of, shapes_of

from .conftest import ChronologyBuilder, moment

HEADER = {"policy": {"id": "t", "title": "T", "levels": {"amber": 10, "red": 20}}}
STORY = {
    "id": "missed",
    "title": "Missed appointments",
    "max_weight": 12,
    "rationale": {"text": "One story.", "source": "NICE CG89"},
}


def _indicator(ident: str, at_least: int, weight: float, story: str | None = "missed") -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": ident,
        "title": ident.replace("_", " ").capitalize(),
        "description": "Missed appointments.",
        "rationale": {"text": "Because.", "source": "NICE CG89"},
        "pattern": {"type": "count", "match": {"kinds": ["missed_appointment"]}, "at_least": at_least},
        "weight": weight,
        "window": "365d",
    }
    if story is not None:
        item["story"] = story
    return item


def _policy(*indicators: dict[str, Any], stories: list[dict[str, Any]] | None = None) -> Policy:
    doc = {**HEADER, "stories": [STORY] if stories is None else stories, "indicators": list(indicators)}
    return parse_policy([("p.yaml", yaml.safe_dump(doc).encode())])


def _missed(n: int) -> Chronology:
    builder = ChronologyBuilder()
    for month in range(1, n + 1):
        builder = builder.own("missed_appointment", f"2011-{month:02d}-10", was_not_brought=True)
    return builder.build()


def test_a_story_counts_at_most_its_weight_and_names_every_indicator() -> None:
    policy = _policy(_indicator("two_missed", 2, 8), _indicator("four_missed", 4, 10))
    assessment = evaluate(policy, _missed(4), moment("2011-06-01"))
    assert assessment.score == 12  # 10, and 2 of 8: not 18
    assert [f.indicator_id for f in assessment.findings] == ["four_missed", "two_missed"]
    assert [f.weight for f in assessment.findings] == [10, 2]
    assert "Counted as part of one story (missed appointments), which adds at most 12." in (
        assessment.findings[1].explanation
    )


def test_a_story_alone_stays_below_red_and_another_sign_still_turns_it_red() -> None:
    other = {
        **_indicator("injury", 1, 9, story=None),
        "pattern": {"type": "count", "match": {"kinds": ["injury_presentation"]}},
    }
    policy = _policy(_indicator("two_missed", 2, 8), _indicator("four_missed", 4, 14), other)
    missed = _missed(4)
    assert evaluate(policy, missed, moment("2011-06-01")).level is AlertLevel.AMBER  # 12, was 22
    with_injury = ChronologyBuilder(entries=list(missed.entries)).own("injury_presentation", "2011-05-01")
    assessment = evaluate(policy, with_injury.build(), moment("2011-06-01"))
    assert assessment.score == 21
    assert assessment.level is AlertLevel.RED


def test_indicators_outside_a_story_add_as_before() -> None:
    policy = _policy(_indicator("two_missed", 2, 8, story=None), _indicator("four_missed", 4, 10, story=None))
    assert evaluate(policy, _missed(4), moment("2011-06-01")).score == 18


def test_the_pre_pass_bound_still_covers_the_capped_score() -> None:
    """reach.py may only widen: a chronology the engine alerts on must be one it may alert on."""
    policy = _policy(_indicator("two_missed", 2, 8), _indicator("four_missed", 4, 14))
    chronology = _missed(4)
    assert evaluate(policy, chronology, moment("2011-06-01")).level is AlertLevel.AMBER
    assert reach_of(policy).may_alert(shapes_of(reach_of(policy), chronology.entries), chronology.dob)


@pytest.mark.parametrize(
    ("stories", "indicator", "message"),
    [
        ([STORY], _indicator("x", 1, 5, story="other"), "p.yaml: indicators.x.story: unknown story 'other'"),
        ([STORY, STORY], _indicator("x", 1, 5), "p.yaml: stories[1].id: story 'missed' is defined twice"),
        (
            [{**STORY, "max_weight": "lots"}],
            _indicator("x", 1, 5),
            "p.yaml: stories[0].max_weight: expected a number",
        ),
        ([{**STORY, "colour": "red"}], _indicator("x", 1, 5), "p.yaml: stories[0].colour: unknown field"),
    ],
)
def test_story_errors_name_file_and_field(
    stories: list[dict[str, Any]], indicator: dict[str, Any], message: str
) -> None:
    with pytest.raises(PolicyError, match="^" + re.escape(message)):
        _policy(indicator, stories=stories)


def test_the_shipped_policy_keeps_missed_appointments_alone_amber(policy: Policy) -> None:
    """NICE CG89 asks to *consider* neglect for repeated missed appointments: amber, not red."""
    builder = ChronologyBuilder()
    for day in ("2011-02-01", "2011-04-01", "2011-06-01", "2011-08-01", "2011-10-01"):
        builder = builder.own("missed_appointment", day, was_not_brought=True, service="Paediatric OPD")
    assessment = evaluate(policy, builder.build(), datetime(2011, 11, 1, tzinfo=UTC))
    ids = {f.indicator_id for f in assessment.findings}
    assert {
        "repeated_was_not_brought",
        "persistent_was_not_brought",
        "was_not_brought_health_needs_known",
    } <= ids
    assert assessment.level is AlertLevel.AMBER
    assert assessment.score == 14
