"""Injuries reported in words are read for their type, and a denial is not read as a report."""

from __future__ import annotations

import pytest

from alarmbell.domain.described_injuries import described_injuries


@pytest.mark.parametrize(
    ("text", "injury"),
    [
        ("Bruising to face and eye seen at contact", "bruise"),
        ("bruises on both ears", "bruise"),
        ("black eye and bruised ear", "bruise"),
        ("Grandmother reports a BRUISE on his cheek", "bruise"),
        ("no explanation for the bruising to her ear", "bruise"),
        ("mum could not explain the bruising", "bruise"),
        ("No further action; bruising to the back reported again", "bruise"),
        ("burn on the back of her hand", "burn"),
        ("scalded foot", "burn"),
        ("broken arm, brought to A&E two days later", "fracture"),
        ("fractured wrist", "fracture"),
    ],
)
def test_a_reported_injury_is_read_in_any_wording(text: str, injury: str) -> None:
    assert injury in described_injuries(text)


@pytest.mark.parametrize(
    "text",
    [
        "no bruising",
        "No visible marks or bruises",
        "nil signs of injury or bruising",
        "not bruised",
        "child examined: no new bruising seen",
        "denies any burns",
        "seen for a cough; no bruises or burns seen",
        "no cuts, bruises or fractures",
        "without bruising",
        "concerns about hunger and poor hygiene",
        "bruiser",
        "",
    ],
)
def test_a_denial_or_no_injury_word_reads_nothing(text: str) -> None:
    assert described_injuries(text) == frozenset()


def test_a_list_of_concerns_is_read_item_by_item() -> None:
    assert described_injuries(["hungry at breakfast club", "bruise on her neck"]) == {"bruise"}
    assert described_injuries([None, ["no bruising", "burn on hand"]]) == {"burn"}
    assert described_injuries(None) == frozenset()
    assert described_injuries(42) == frozenset()
