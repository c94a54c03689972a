"""An injury's explanation is read for what it says, however the writer worded it."""

from __future__ import annotations

import pytest

from alarmbell.domain.explanations import explanation_class


@pytest.mark.parametrize(
    "text",
    [
        "none",
        "None given",
        "unknown",
        "Unknown",
        "N/K",
        "NK",
        "no explanation",
        "No explanation offered",
        "unexplained",
        "Mum not sure how it happened",
        "parents unable to explain the bruise",
        "father could not explain",
        "doesn't know how it happened",
        "no history of trauma",
    ],
)
def test_no_explanation_in_any_wording_is_absent(text: str) -> None:
    assert explanation_class(text) == "absent"


@pytest.mark.parametrize(
    "text",
    [
        "inconsistent",
        "Inconsistent with injury",
        "not consistent with the fracture",
        "implausible",
        "changing",
        "changing account",
        "story changed",
        "different accounts given by mother and partner",
        "mechanism does not fit the injury",
    ],
)
def test_a_judgement_that_the_account_does_not_fit_is_unsuitable(text: str) -> None:
    assert explanation_class(text) == "unsuitable"


@pytest.mark.parametrize(
    "text",
    [
        "fell from changing mat",  # "changing" only of an account
        "fell off the bed, not sure when",  # uncertainty in passing is still an account
        "rolled off sofa",
        "bumped his head",
        "not sought",
        "",
    ],
)
def test_an_account_is_not_read_as_absent_or_unsuitable(text: str) -> None:
    assert explanation_class(text) not in ("absent", "unsuitable")


@pytest.mark.parametrize("text", ["consistent", "plausible", "witnessed fall", "In keeping with history"])
def test_a_judgement_that_it_fits_is_suitable(text: str) -> None:
    assert explanation_class(text) == "suitable"
