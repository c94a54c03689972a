"""Harm-trajectory templates derived from the corpus of published case reviews, as data.

The published-rates generator (`harm.py`) was written from the same ideas as the policy's
indicators, so a policy can score well on it by restating its own definitions. A template
instead replays what agencies actually recorded about one reviewed child and the adults in
the household before the harm: the ordered events (agency, kind, the few structured attrs the
exchange format defines) and how many days before the harm each fell. Templates carry no
names, identifiers or free-text notes; each cites only its review id (the corpus slug).

`data/review_templates.json` is generated from `evaluation/reviews/` by
`python benchmarks/review_templates.py` (a test fails when it is out of date), so the package
never reads `evaluation/`, which is not shipped.

The corpus is split by review into two fixed halves by a hash of the review id (`half_of`):
the generator uses the train half by default, and sensitivity is reported on trajectories from
the held-out half, whose reviews the generator never used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

TRAIN: Final[str] = "train"
HELD_OUT: Final[str] = "held_out"
HALVES: Final[tuple[str, str]] = (TRAIN, HELD_OUT)
#: Roles a template names people by; the synthetic household supplies the person.
ROLES: Final[tuple[str, ...]] = ("child", "mother", "man")
DATA_FILE: Final[str] = "review_templates.json"


def half_of(review: str) -> str:
    """The fixed half a review belongs to: the parity of the SHA-256 of its id.

    A per-review rule rather than a ranked cut, so adding a review never moves another one
    between halves (the halves are therefore near, not exactly, equal).
    """
    digest = int(hashlib.sha256(review.encode("utf-8")).hexdigest(), 16)
    return HELD_OUT if digest % 2 == 0 else TRAIN


@dataclass(frozen=True, slots=True)
class TemplateEvent:
    """One recorded event: `gap_days` before the harm, people named by role."""

    gap_days: int
    agency: str
    kind: str
    subjects: tuple[str, ...]
    others: tuple[str, ...]
    attrs: Mapping[str, Any]

    def names(self, role: str) -> bool:
        """Whether the event names this role as a subject, another party, victim or perpetrator."""
        return role in self.subjects or role in self.others or role in self.attrs.values()


@dataclass(frozen=True, slots=True)
class Template:
    """One reviewed child's events before the harm, oldest first."""

    review: str
    half: str
    child_age_days: int
    events: tuple[TemplateEvent, ...]

    @property
    def name(self) -> str:
        """The trajectory name written to truth.jsonl."""
        return f"review:{self.review}"

    def uses(self, role: str) -> bool:
        return any(e.names(role) for e in self.events)


def _event(raw: Mapping[str, Any]) -> TemplateEvent:
    return TemplateEvent(
        int(raw["gap_days"]),
        str(raw["agency"]),
        str(raw["kind"]),
        tuple(raw["subjects"]),
        tuple(raw.get("others", ())),
        dict(raw.get("attrs", {})),
    )


def parse(document: Mapping[str, Any]) -> tuple[Template, ...]:
    return tuple(
        Template(
            str(t["review"]),
            str(t["half"]),
            int(t["child_age_days"]),
            tuple(_event(e) for e in t["events"]),
        )
        for t in document["templates"]
    )


@cache
def load_templates() -> tuple[Template, ...]:
    """Every template shipped with the package (both halves)."""
    text = resources.files("alarmbell.synth").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return parse(json.loads(text))


def templates_for(half: str) -> tuple[Template, ...]:
    if half not in HALVES:
        raise ValueError(f"half {half!r}: expected one of {', '.join(HALVES)}")
    return tuple(t for t in load_templates() if t.half == half)
