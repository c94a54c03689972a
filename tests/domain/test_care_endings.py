"""A return home from care read from the words and codes agencies record."""

from __future__ import annotations

import pytest

from alarmbell.domain.care_endings import says_return_home


@pytest.mark.parametrize(
    "text",
    [
        "Returned home to mother's care",
        "returned to the care of his parents",
        "E4A",
        "E4B - returned home",
        "Reunified with birth parents",
        "placed back with father under a care order",
        "Placement with parents regulations",
        "rehabilitation home to mother agreed by court",
        "went back home to his mum",
        "no concerns noted; returned home to mother",
        "Child Returned Home",
        "returned home from foster care to her mother",
    ],
)
def test_a_return_home_is_read(text: str) -> None:
    assert says_return_home(text)


@pytest.mark.parametrize(
    "text",
    [
        "plan for return home to mother",
        "assessment of return home",
        "return home ruled out",
        "not returned home",
        "Considered returning to mother",
        "proposed return to parents",
        "court refused a return to the mother's care",
        "hoped to return home",
        "Return home interview completed",
        "returned home after a missing episode",
        "discharged home from hospital",
        "returned to school",
        "returned home from school to find mother unwell",
        "discharged; returned home from hospital with parents",
        "HEA-do21-P1",
        "",
    ],
)
def test_a_planned_refused_or_other_return_is_not(text: str) -> None:
    assert not says_return_home(text)


def test_lists_and_other_values() -> None:
    assert says_return_home(["case note", "returned home to father"])
    assert not says_return_home(None)
    assert not says_return_home(4)
