"""Harm trajectories replayed from review templates onto synthetic households.

A seeded harm picks one template of the chosen half (templates.py), a child of about the
reviewed child's age, and a date of harm as the published-rates generator does, with the same
prevalence (`harm_share`, weighted to adverse households) and the same silent share
(`harm_silent`). The template's events are then written in its order with its gaps jittered:
each interval between consecutive events (and the last one before the harm) is multiplied by
an independent factor in [0.5, 1.5], so every event lands between half and one and a half times
its reviewed distance from the harm and the order never changes. People are the household's
own (the child, the mother, the man present at the harm; a partner moves in when the template
names a man and none is there), so names, identifiers and identity noise come from the
ordinary writer, and every event is written in its agency's file like any other.

As in the published-rates generator, nothing is written before the window opens (reviews whose
history starts years before the harm lose their early events), and an event naming the child
is never dated before the child's birth (it moves to the day after, and later events keep
their order).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Final

from alarmbell.synth.events import PERSON_ATTRS, Ledger
from alarmbell.synth.harm import Harm, Trajectory, choose_harm
from alarmbell.synth.households import ADULT_AGE_DAYS, Household, add_partner
from alarmbell.synth.templates import Template, templates_for

#: Each interval between consecutive events is stretched or shrunk by a factor in this range.
GAP_JITTER: Final[tuple[float, float]] = (0.5, 1.5)
#: A template applies to children aged within this factor of the reviewed child's age at harm,
#: and at least this many days either side (so a newborn's template has some children to take).
AGE_BAND: Final[tuple[float, float]] = (0.75, 1.25)
AGE_SLACK_DAYS: Final[int] = 30
#: choose_harm assumes children's ages are spread evenly over 0-18 years; the synthetic
#: population holds fewer young children per day of age than that (babies are only those born
#: inside the window), which costs the published trajectories a little prevalence and the
#: templates, mostly of infants, more. This factor gives both halves the published generator's
#: expected number of harms on the same households (measured on 20,000 households: train
#: 1.146, held-out 1.159), so the burden figures stay comparable.
AGE_DENSITY_CORRECTION: Final[float] = 1.15


def age_band(template: Template) -> tuple[int, int]:
    age = template.child_age_days
    lo = max(7, min(int(age * AGE_BAND[0]), age - AGE_SLACK_DAYS))
    hi = min(ADULT_AGE_DAYS - 1, max(int(age * AGE_BAND[1]), age + AGE_SLACK_DAYS))
    return lo, hi


@cache
def review_trajectories(half: str) -> dict[str, Trajectory]:
    """The half's templates as equally weighted trajectories, each over its own age band."""
    templates = templates_for(half)
    weight = AGE_DENSITY_CORRECTION / len(templates)
    return {t.name: Trajectory(t.name, weight, *age_band(t), f"review {t.review}") for t in templates}


@cache
def _by_name(half: str) -> dict[str, Template]:
    return {t.name: t for t in templates_for(half)}


def jittered_days(factors: list[float], template: Template, harm_day: int) -> tuple[int, ...]:
    """Days of the template's events, given one jitter factor per interval (newest first)."""
    gaps = [e.gap_days for e in template.events]
    days: list[int] = []
    total, later = 0.0, 0
    for gap, factor in zip(reversed(gaps), factors, strict=True):
        total += (gap - later) * factor
        later = gap
        days.append(harm_day - max(1, round(total)))
    return tuple(reversed(days))


def choose_review_harm(hh: Household, half: str) -> Harm | None:
    harm = choose_harm(hh, review_trajectories(half))
    if harm is None:
        return None
    template = _by_name(half)[harm.trajectory]
    factors = [hh.rng.uniform(*GAP_JITTER) for _ in template.events]
    return replace(harm, schedule=jittered_days(factors, template, harm.day))


def prepare_from_template(hh: Household, harm: Harm, half: str) -> None:
    """A man moves in before his first event when the template names one and none is there."""
    template = _by_name(half)[harm.trajectory]
    if not template.uses("man") or hh.man_present(harm.day - 1) is not None:
        return
    first = min(
        (day for e, day in zip(template.events, harm.schedule, strict=True) if e.names("man")),
        default=harm.day - 30,
    )
    add_partner(hh, max(hh.start - 365, min(first, harm.day - 30) - hh.rng.randint(14, 90)), violent=False)


def emit_from_template(hh: Household, led: Ledger, harm: Harm, half: str) -> None:
    if harm.silent:
        return
    template = _by_name(half)[harm.trajectory]
    slots = {"child": harm.child.slot, "mother": hh.mother.slot}
    man = hh.man_present(harm.day - 1)
    if man is not None:
        slots["man"] = man.slot
    previous = hh.start
    for event, planned in zip(template.events, harm.schedule, strict=True):
        day = max(planned, previous)
        if "child" in event.subjects or "child" in event.others:
            day = max(day, harm.child.dob + 1)
        previous = day
        subjects = tuple(slots[r] for r in event.subjects if r in slots)
        if planned < hh.start or not subjects:
            continue
        others = tuple(slots[r] for r in event.others if r in slots and slots[r] not in subjects)
        attrs = {
            k: (slots.get(v) if k in PERSON_ATTRS else v)
            for k, v in event.attrs.items()
            if k not in PERSON_ATTRS or v in slots
        }
        led.add(event.agency, event.kind, day, subjects, others, attrs or None)
