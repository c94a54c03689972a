"""A referral's source is read for who referred, however the agency wrote it."""

from __future__ import annotations

import pytest

from alarmbell.domain.referrers import referrer_class


@pytest.mark.parametrize(
    "text",
    [
        "1A",
        "1a family",
        "family",
        "Family member",
        "family_member",
        "Maternal grandmother",
        "Paternal Grandfather (by phone)",
        "grandparents",
        "Nan",
        "Aunt",
        "aunty",
        "Uncle (lives next door)",
        "great-aunt",
        "relative",
        "a relative of the child",
        "extended family",
        "member of the child's family",
        "child's father",
        "Child\u2019s mother",
        "birth father, by phone",
        "Non-resident parent",
        "parent living elsewhere",
        "step-father",
        "older half-brother",
    ],
)
def test_a_relative_in_any_wording_is_family(text: str) -> None:
    assert referrer_class(text) == "family"


@pytest.mark.parametrize(
    "text",
    [
        "1B",
        "9",
        "neighbour",
        "Neighbor",
        "neighbours (anonymous)",
        "family friend",
        "friend of the family",
        "friend of mother",
        "Member of the public",
        "member_of_public",
        "anonymous caller",
        "Anonymous",
        "acquaintance",
    ],
)
def test_a_neighbour_friend_or_anonymous_caller_is_community(text: str) -> None:
    assert referrer_class(text) == "community"


@pytest.mark.parametrize(
    "text",
    [
        "health",
        "police",
        "education (nursery)",
        "other (neighbouring council)",
        "Family Support Worker",
        "family liaison officer",
        "Family Nurse Partnership",
        "family court",
        "mother and baby unit",
        "Ward Sister, paediatrics",
        "GP",
        "3A",
        "13A",
        "other (registered childminder)",
        "unknown",
        "",
    ],
)
def test_a_professional_a_service_or_unknown_words_are_neither(text: str) -> None:
    assert referrer_class(text) is None
