"""A child who was only present at an event (a sibling at A&E) did not suffer what it records."""

from __future__ import annotations

from alarmbell.policy import evaluate
from alarmbell.policy.model import Policy
from tests.policy.conftest import ChronologyBuilder, moment


def _fired(policy: Policy, builder: ChronologyBuilder, at: str) -> set[str]:
    assessment = evaluate(policy, builder.build(), moment(at))
    return {f.indicator_id for f in assessment.findings}


def test_a_siblings_injury_is_not_the_childs_injury(policy: Policy) -> None:
    present = (
        ChronologyBuilder()
        .household("domestic_incident", "2011-01-01")
        .own("injury_presentation", "2011-02-01", involvement="other", injury="fracture")
    )
    assert "injury_with_domestic_abuse_history" not in _fired(policy, present, "2011-02-02")


def test_the_childs_own_injury_counts(policy: Policy) -> None:
    hurt = (
        ChronologyBuilder()
        .household("domestic_incident", "2011-01-01")
        .own("injury_presentation", "2011-02-01", injury="fracture")
    )
    assert "injury_with_domestic_abuse_history" in _fired(policy, hurt, "2011-02-02")


def test_hunger_seen_in_a_sibling_is_not_the_childs(policy: Policy) -> None:
    sibling = ChronologyBuilder().own("hunger_observed", "2011-02-01", involvement="other")
    assert "hunger_or_weight_loss" not in _fired(policy, sibling, "2011-02-02")
