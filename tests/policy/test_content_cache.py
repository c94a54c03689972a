"""The conditions' answers are kept per event content (`policy.content`), by the pre-pass
(`Reach.atoms_holding`) and by the engine (`_Known.matches_of`), so an event whose kind, attrs
and words repeat is not read again. Equal content must give the equal answer and nothing else:
a warm cache must answer as a fresh one, attrs that are not plain JSON are never keyed, and
the caches stay bounded."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest

from alarmbell.domain.described_signs import _described_in
from alarmbell.policy import Policy, Reach, alert_timeline, default_policy
from alarmbell.policy import content as policy_content
from alarmbell.policy import engine as policy_engine
from alarmbell.policy import reach as policy_reach

from .conftest import ChronologyBuilder


@pytest.fixture(scope="module")
def policy() -> Policy:
    return default_policy()


def test_equal_plain_attrs_have_one_key_and_different_ones_another() -> None:
    key = policy_content.attrs_key
    assert key({"a": 1, "b": [True, None]}) == key({"a": 1, "b": [True, None]})
    assert key({"a": 1, "b": [1.5]}) == key({"a": 1, "b": [1.5]})
    assert len({key({"a": v}) for v in (1, 1.0, True, "1", [1], [1.0], None)}) == 7


@pytest.mark.parametrize(
    "attrs",
    [
        {"a": (1, 2)},
        {"a": [(1, 2)]},
        {"a": [math.nan]},
        {1: "x"},
        {"a": math.nan},
        {"a": math.inf},
        {"a": date(2024, 1, 1)},
        {"a": {"b": {1, 2}}},
        {"a": type("Text", (str,), {})("x")},
    ],
    ids=[
        "tuple",
        "tuple in a list",
        "nan in a list",
        "int key",
        "nan",
        "infinity",
        "date",
        "set",
        "str subclass",
    ],
)
def test_attrs_that_are_not_plain_json_have_no_key(attrs: dict[Any, Any]) -> None:
    assert policy_content.attrs_key(attrs) is None


#: Pairs of events alike in all but one thing the conditions read (kind, attr or words).
PAIRS = [
    (("referral", {"concern": "always hungry"}, None), ("referral", {"concern": "not hungry"}, None)),
    (("referral", {"concern": "always hungry"}, None), ("home_visit", {"concern": "always hungry"}, None)),
    (
        ("school_concern", {"category": "other"}, "losing weight"),
        ("school_concern", {"category": "other"}, "gaining weight"),
    ),
    (("injury_observed", {"site": "left ear"}, None), ("injury_observed", {"site": "left knee"}, None)),
]


@pytest.mark.parametrize(("warm", "other"), PAIRS, ids=["denied", "kind", "narrative", "site"])
def test_a_warm_prepass_answers_as_a_fresh_one(policy: Policy, warm: Any, other: Any) -> None:
    reach = Reach(policy)
    reach.atoms_holding(*warm)
    assert reach.atoms_holding(*other) == Reach(policy).atoms_holding(*other)
    assert Reach(policy).atoms_holding(*warm) != Reach(policy).atoms_holding(*other), "the pair differs"


def test_a_repeated_event_is_read_once_by_the_prepass(policy: Policy) -> None:
    reach = Reach(policy)
    first = reach.atoms_holding("referral", {"concern": "always hungry", "from_agency": "school"})
    read = _described_in.cache_info()
    again = reach.atoms_holding("referral", {"concern": "always hungry", "from_agency": "school"})
    assert again == first
    assert _described_in.cache_info() == read, "the words were not read again"


def test_attrs_not_plain_json_are_read_afresh_by_the_prepass(policy: Policy) -> None:
    reach = Reach(policy)
    reach.atoms_holding("referral", {"concern": ["always hungry"]})
    odd = ("referral", {"concern": ("always hungry",)})
    assert reach.atoms_holding(*odd) == Reach(policy).atoms_holding(*odd)
    assert len(reach._held) == 1, "only the plain event was kept"


def _hungry_baby(dob: date) -> Any:
    builder = ChronologyBuilder(dob=dob)
    builder.own("home_visit", "2024-03-01", agency="health", concern="always hungry, taking food")
    return builder.build()


def test_a_repeated_event_is_read_once_by_the_engine_across_children(policy: Policy) -> None:
    policy_engine._compiled(policy).forget()
    alert_timeline(policy, _hungry_baby(date(2023, 6, 1)))
    read = _described_in.cache_info()
    alert_timeline(policy, _hungry_baby(date(2022, 6, 1)))  # another child, the same event
    assert _described_in.cache_info() == read, "the words were not read again"


def test_the_caches_stay_bounded(policy: Policy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(policy_reach, "KEPT", 3)
    monkeypatch.setattr(policy_engine, "KEPT", 3)
    reach = Reach(policy)
    policy_engine._compiled(policy).forget()
    for n in range(10):
        reach.atoms_holding("referral", {"concern": f"hungry {n}"})
        child = ChronologyBuilder(dob=date(2023, 1, 1)).own("referral", "2024-01-01", n=n)
        alert_timeline(policy, child.build())
    compiled = policy_engine._compiled(policy)
    assert 0 < len(reach._held) <= 3
    assert 0 < len(compiled.condition_matches) <= 3
    assert 0 < len(compiled.entry_matches) <= 3
