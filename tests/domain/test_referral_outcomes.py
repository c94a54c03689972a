"""A referral's outcome in a case system's words, and the steps that are no outcome
(domain/referral_outcomes.py)."""

from __future__ import annotations

import pytest

from alarmbell.domain.referral_outcomes import outcome_word, step_kind

OUTCOMES = ("nfa", "early_help", "assessment", "s47", "cp_plan", "closed")


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("Strategy discussion", "strategy_discussion"),
        ("Strategy Meeting", "strategy_discussion"),
        ("ICPC", "cp_conference"),
        ("Initial CPC", "cp_conference"),
        ("initial child protection conference", "cp_conference"),
        ("RCPC", "cp_conference"),
    ],
)
def test_a_step_is_named_as_its_event_kind_and_read_as_no_outcome(written: str, kind: str) -> None:
    assert step_kind(written) == kind
    assert outcome_word(written, OUTCOMES) is None


@pytest.mark.parametrize("written", ["Single assessment", "S47", "NFA", "conference call", "Referred on"])
def test_an_outcome_or_other_words_name_no_step(written: str) -> None:
    assert step_kind(written) is None
