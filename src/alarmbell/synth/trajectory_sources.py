"""Where harm trajectories come from: published rates, or templates from the review corpus.

`published` is the original generator (harm.py: sequences and rates from national analyses,
written with the indicators' ideas in mind). `reviews` replays templates from the train half of
the review corpus (from_reviews.py); `reviews-held-out` replays the other half, whose reviews
nothing in the generator was derived from, so a sensitivity measured on it is not circular for
the generator. Background, prevalence and the writer are the same whichever is chosen.
"""

from __future__ import annotations

from typing import Final

from alarmbell.synth import from_reviews, harm
from alarmbell.synth.events import Ledger
from alarmbell.synth.harm import Harm
from alarmbell.synth.households import Household
from alarmbell.synth.templates import HELD_OUT, TRAIN

PUBLISHED: Final[str] = "published"
REVIEWS: Final[str] = "reviews"
REVIEWS_HELD_OUT: Final[str] = "reviews-held-out"
TRAJECTORY_SOURCES: Final[tuple[str, ...]] = (PUBLISHED, REVIEWS, REVIEWS_HELD_OUT)
_HALF: Final[dict[str, str]] = {REVIEWS: TRAIN, REVIEWS_HELD_OUT: HELD_OUT}


def checked_source(name: str) -> str:
    if name not in TRAJECTORY_SOURCES:
        raise ValueError(f"trajectories {name!r}: expected one of {', '.join(TRAJECTORY_SOURCES)}")
    return name


def choose(hh: Household, source: str) -> Harm | None:
    if source == PUBLISHED:
        return harm.choose_harm(hh)
    return from_reviews.choose_review_harm(hh, _HALF[source])


def prepare(hh: Household, chosen: Harm, source: str) -> None:
    if source == PUBLISHED:
        harm.prepare_household(hh, chosen)
    else:
        from_reviews.prepare_from_template(hh, chosen, _HALF[source])


def emit(hh: Household, led: Ledger, chosen: Harm, plan_ends: dict[int, int], source: str) -> None:
    if source == PUBLISHED:
        harm.emit_signals(hh, led, chosen, plan_ends)
    else:
        from_reviews.emit_from_template(hh, led, chosen, _HALF[source])
