"""The engine keeps each entry's selector matches by content (engine._Known.matches_of), so a
child's history is not tested again at every new record. Equal content must give the equal
answer and nothing else: an entry that differs in an attr, its text, when it happened or the
child's date of birth is tested afresh. Each test warms the cache with one chronology, then
evaluates another that differs in one thing, against a fresh engine's answer."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from alarmbell.domain.chronology import Chronology
from alarmbell.policy import Policy, alert_timeline, default_policy
from alarmbell.policy import engine as policy_engine

from .conftest import ChronologyBuilder


@pytest.fixture(scope="module")
def policy() -> Policy:
    return default_policy()


def _baby(*, dob: date = date(2024, 1, 10), when: str = "2024-03-01", **attrs: Any) -> Chronology:
    builder = ChronologyBuilder(dob=dob)
    builder.own("injury_presentation", when, agency="health", **attrs)
    return builder.build()


def _levels(policy: Policy, chronology: Chronology) -> list[tuple[str, str]]:
    return [(a.level.value, ",".join(a.rules)) for a in alert_timeline(policy, chronology)]


def _fresh(policy: Policy, chronology: Chronology) -> list[tuple[str, str]]:
    policy_engine._compiled(policy).forget()
    return _levels(policy, chronology)


@pytest.mark.parametrize(
    ("warm", "other"),
    [
        (_baby(injury="bruise", site="left ear"), _baby(injury="bruise", site="left knee")),
        (_baby(injury="bruise", site="left knee"), _baby(injury="bruise", site="left ear")),
        (
            _baby(injury="bruise", site="shin", dob=date(2022, 1, 10), explanation="consistent"),
            _baby(injury="bruise", site="shin", dob=date(2022, 1, 10), explanation="inconsistent"),
        ),
        (_baby(injury="bruise", site="shin", dob=date(2020, 1, 1)), _baby(injury="bruise", site="shin")),
        (_baby(injury="bruise", site="shin", when="2026-03-01"), _baby(injury="bruise", site="shin")),
    ],
    ids=["ear then knee", "knee then ear", "explained or not", "older child first", "later day first"],
)
def test_a_warm_cache_gives_the_answer_a_fresh_engine_gives(
    policy: Policy, warm: Chronology, other: Chronology
) -> None:
    expected = _fresh(policy, other)
    policy_engine._compiled(policy).forget()
    _levels(policy, warm)  # warms the cache with an entry alike in all but one thing
    assert _levels(policy, other) == expected
    assert _fresh(policy, warm) != expected, "the pair differs, so a conflated answer would show"


def test_an_attr_that_is_not_plain_json_is_tested_without_the_cache(policy: Policy) -> None:
    odd = _baby(injury="bruise", site="left ear", seen_on=date(2024, 3, 1))
    cache = policy_engine._compiled(policy).entry_matches
    cache.clear()
    assert _levels(policy, odd) == _levels(policy, _baby(injury="bruise", site="left ear"))
    assert len(cache) == 1, "only the plain entry was kept"
