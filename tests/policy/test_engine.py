"""Knowledge by recorded_at, windows, decay, levels, routing and the alert timeline."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from alarmbell.domain.chronology import Chronology
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.policy import (
    Policy,
    alert_timeline,
    decayed_weight,
    evaluate,
    evidence_updates,
    parse_policy,
)
from alarmbell.policy.engine import PRE_BIRTH

from .conftest import ChronologyBuilder, busy_chronology, moment

SIMPLE = b"""
policy:
  id: simple
  title: Simple test policy
  levels: {amber: 10, red: 20}
  routing: {amber: [mash], red: [mash, police_cpu]}
indicators:
  - id: concern
    title: A school concern
    description: The school recorded a concern.
    rationale: {text: Test., source: Test.}
    pattern: {type: count, match: {kinds: [school_concern]}}
    weight: 12
    window: 365d
    decay: {half_life: 30d}
  - id: referral
    title: A referral
    description: A referral was made.
    rationale: {text: Test., source: Test.}
    pattern: {type: count, match: {kinds: [referral]}}
    weight: 9
    window: 365d
  - id: baby_bruise
    title: A bruise
    description: A bruise was seen.
    rationale: {text: Test., source: Test.}
    pattern: {type: count, match: {kinds: [injury_observed]}}
    weight: 1
    window: 30d
    min_level: red
    route: [paediatrics]
"""


@pytest.fixture
def simple() -> Policy:
    return parse_policy([("simple.yaml", SIMPLE)])


def test_only_what_was_recorded_by_then_counts(simple: Policy) -> None:
    chronology = ChronologyBuilder().own("school_concern", "2011-01-01", recorded="2011-03-01").build()
    assert evaluate(simple, chronology, moment("2011-02-01")).findings == ()
    later = evaluate(simple, chronology, moment("2011-03-01"))
    assert [f.indicator_id for f in later.findings] == ["concern"]
    # Decay counts from when it happened, not when it was recorded.
    assert later.findings[0].weight < 12


def test_window_is_relative_to_the_moment(simple: Policy) -> None:
    chronology = ChronologyBuilder().own("referral", "2010-01-01").build()
    assert evaluate(simple, chronology, moment("2010-12-31")).score == 9
    assert evaluate(simple, chronology, moment("2011-01-02")).score == 0


def test_decay_halves_weight_each_half_life(simple: Policy) -> None:
    chronology = ChronologyBuilder().own("school_concern", "2011-01-01").build()
    assert evaluate(simple, chronology, moment("2011-01-01")).score == 12
    assert evaluate(simple, chronology, moment("2011-01-31")).score == 6
    assert evaluate(simple, chronology, moment("2011-03-02")).score == 3


def test_decayed_weight_without_half_life_and_before_the_event() -> None:
    assert decayed_weight(5, None, timedelta(days=1000)) == 5
    assert decayed_weight(5, timedelta(days=10), timedelta(days=-3)) == 5


def test_levels_from_score_and_routing(simple: Policy) -> None:
    builder = ChronologyBuilder().own("referral", "2011-01-01")
    green = evaluate(simple, builder.build(), moment("2011-01-02"))
    assert (green.level, green.routes) == (AlertLevel.GREEN, ())
    builder.own("school_concern", "2011-01-01")
    red = evaluate(simple, builder.build(), moment("2011-01-02"))
    assert red.level is AlertLevel.RED
    assert red.routes == ("mash", "police_cpu")
    assert [f.indicator_id for f in red.findings] == ["concern", "referral"]


def test_min_level_forces_red_and_adds_its_route(simple: Policy) -> None:
    chronology = ChronologyBuilder().own("injury_observed", "2011-01-01").build()
    assessment = evaluate(simple, chronology, moment("2011-01-02"))
    assert (assessment.score, assessment.level) == (1, AlertLevel.RED)
    assert assessment.routes == ("mash", "paediatrics", "police_cpu")


def test_adults_are_not_assessed(simple: Policy) -> None:
    adult = ChronologyBuilder(dob=moment("1980-01-01").date(), role="adult")
    chronology = adult.own("referral", "2011-01-01").own("school_concern", "2011-01-01").build()
    assert evaluate(simple, chronology, moment("2011-01-02")).level is AlertLevel.GREEN
    assert alert_timeline(simple, chronology) == []


def test_a_child_is_assessed_from_thirty_weeks_before_birth(simple: Policy) -> None:
    """An adult's history from before a pregnancy was known reaches the child later, not then.

    A replay scored a household's events years before the child existed, so an alert could
    predate even the pregnancy (a review child's first amber two years before she was born).
    From the antenatal booking (30 weeks before birth) a pre-birth assessment is possible.
    """
    builder = ChronologyBuilder(dob=moment("2011-10-01").date())
    builder.household("referral", "2011-01-01").household("school_concern", "2011-01-10")
    chronology = builder.build()
    booking = moment("2011-10-01") - PRE_BIRTH
    assert evaluate(simple, chronology, booking - timedelta(days=1)).level is AlertLevel.GREEN
    assert evaluate(simple, chronology, booking).level is AlertLevel.AMBER
    assert alert_timeline(simple, chronology) == [], "no moment after the booking was recorded"
    builder.household("referral", "2011-03-20")
    (alert,) = alert_timeline(simple, builder.build())
    assert alert.raised_at == moment("2011-03-20")


def test_role_decides_when_date_of_birth_is_unknown(simple: Policy) -> None:
    builder = ChronologyBuilder(dob=None).own("school_concern", "2011-01-01")
    assert len(alert_timeline(simple, builder.build())) == 1
    builder.role = "adult"
    assert alert_timeline(simple, builder.build()) == []


def test_timeline_raises_on_each_rise_and_again_after_decay(simple: Policy) -> None:
    chronology = (
        ChronologyBuilder()
        .own("school_concern", "2011-01-01")  # 12: amber
        .own("referral", "2011-01-10")  # 12*0.81 + 9 = 18.5: still amber
        .own("school_concern", "2011-01-20")  # 12 + ... > 20: red
        .own("referral", "2011-06-01")  # decayed, old referral out of window? no: 9 + tiny
        .own("school_concern", "2011-06-02")  # back above 20: red again
        .build()
    )
    alerts = alert_timeline(simple, chronology)
    rises = [a for a in alerts if not a.is_renotification]
    assert [(a.raised_at.date().isoformat(), a.level.value) for a in rises] == [
        ("2011-01-01", "amber"),
        ("2011-01-20", "red"),
        ("2011-06-02", "red"),
    ]
    first = rises[0]
    assert first.rules == ("concern",)
    assert first.evidence == (("education", "E1"),)
    assert first.policy_version == simple.version
    assert first.explanation.startswith("Sam Taylor is rated AMBER on 1 Jan 2011")
    assert rises[2].previous_level is AlertLevel.GREEN


def test_new_evidence_on_an_alerted_child_alerts_again(simple: Policy) -> None:
    chronology = (
        ChronologyBuilder()
        .own("school_concern", "2011-01-01")  # 12: amber
        .own("referral", "2011-01-10")  # a new indicator applies, still amber: new evidence
        .build()
    )
    alerts = alert_timeline(simple, chronology)
    assert [(a.raised_at.date().isoformat(), a.level.value, a.new_evidence) for a in alerts] == [
        ("2011-01-01", "amber", ()),
        ("2011-01-10", "amber", alerts[1].new_evidence),
    ]
    assert alerts[1].new_evidence and alerts[1].previous_level is AlertLevel.AMBER
    assert alerts[1].explanation.startswith("New evidence on an amber child:")


#: Prints the alert timelines of two fixed chronologies as canonical JSON: every field of every
#: alert, in order, so that any difference between processes shows.
TIMELINE_SCRIPT = """
import dataclasses, enum, json
from alarmbell.policy import alert_timeline, default_policy
from tests.policy.conftest import busy_chronology, leo_chronology

def plain(value):
    return value.value if isinstance(value, enum.Enum) else value.isoformat()

policy = default_policy()
timelines = [alert_timeline(policy, c) for c in (busy_chronology(200), leo_chronology())]
print(json.dumps([[dataclasses.asdict(a) for a in t] for t in timelines], default=plain, sort_keys=True))
"""


def _timelines_with_hash_seeds(*seeds: str) -> list[str]:
    """TIMELINE_SCRIPT's output in one process per seed, run side by side."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", TIMELINE_SCRIPT],
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join(sys.path)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in seeds
    ]
    outputs = [run.communicate() for run in runs]
    for run, (_, errors) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, errors
    return [out for out, _ in outputs]


@pytest.mark.slow
def test_timeline_is_the_same_whatever_the_hash_seed() -> None:
    """Alerts must not depend on set or dict ordering of strings, which PYTHONHASHSEED changes
    between processes (and so between a web worker, the CLI and a rescore)."""
    seeds = ("0", "1", "12345")
    first, *others = _timelines_with_hash_seeds(*seeds)
    assert '"level": "red"' in first and '"routes": ["' in first  # the timelines are not trivial
    for seed, other in zip(seeds[1:], others, strict=True):
        at = next((i for i, (a, b) in enumerate(zip(first, other, strict=False)) if a != b), len(first))
        assert other == first, (
            f"PYTHONHASHSEED={seed} differs from 0 at: {other[max(at - 80, 0) : at + 80]!r}"
        )


def _concerns_then_referral() -> Chronology:
    return (
        ChronologyBuilder()
        .own("school_concern", "2011-01-01")  # 12: amber, opens the item
        .own("school_concern", "2011-01-05")  # feeds `concern`, already applying
        .own("school_concern", "2011-01-07")  # and again
        .own("referral", "2011-02-20")  # a new indicator applies, still amber
        .build()
    )


def test_evidence_for_an_applying_indicator_updates_the_open_item_instead_of_alerting(
    simple: Policy,
) -> None:
    chronology = _concerns_then_referral()
    alerts = alert_timeline(simple, chronology)
    assert [(a.raised_at.date().isoformat(), a.new_evidence) for a in alerts] == [
        ("2011-01-01", ()),
        ("2011-02-20", ("referral",)),
    ]
    updates = evidence_updates(simple, chronology)
    assert [(u.at.date().isoformat(), u.indicators, u.evidence) for u in updates] == [
        ("2011-01-05", ("concern",), (("education", "E2"),)),
        ("2011-01-07", ("concern",), (("education", "E3"),)),
    ]


def test_after_the_item_is_decided_new_evidence_alerts_again(simple: Policy) -> None:
    chronology = _concerns_then_referral()
    decided = (moment("2011-01-03"),)  # the item opened on 1 Jan was decided on 3 Jan
    alerts = alert_timeline(simple, chronology, decided=decided)
    assert [(a.raised_at.date().isoformat(), a.new_evidence) for a in alerts] == [
        ("2011-01-01", ()),
        ("2011-01-05", ("concern",)),  # no item open: rings, and opens the next item
        ("2011-02-20", ("referral",)),  # a new indicator rings even while that item is open
    ]
    assert [u.at.date().isoformat() for u in evidence_updates(simple, chronology, decided=decided)] == [
        "2011-01-07"
    ]


def test_timeline_levels_match_evaluate_at_each_moment(policy: Policy) -> None:
    """The incremental replay must agree with evaluating from scratch."""
    chronology = busy_chronology(120)
    alerts = alert_timeline(policy, chronology)
    previous = AlertLevel.GREEN
    expected = []
    for moment_ in sorted({e.recorded_at for e in chronology.entries}):
        level = evaluate(policy, chronology, moment_).level
        if level.rank > previous.rank:
            expected.append((moment_, level))
        previous = level
    assert [(a.raised_at, a.level) for a in alerts if not a.is_renotification] == expected
    assert alerts


def test_a_thousand_events_are_fast(policy: Policy) -> None:
    chronology = busy_chronology(1000)
    at = max(e.recorded_at for e in chronology.entries)
    started = time.process_time()
    evaluate(policy, chronology, at)
    single = time.process_time() - started
    started = time.process_time()
    alert_timeline(policy, chronology)
    replay = time.process_time() - started
    # A guard against a slower algorithm, not a benchmark (benchmarks/policy_speed.py is): CPU
    # seconds of this process, so other work on a loaded machine does not fail it. Generous bounds.
    assert single < 0.5
    assert replay < 10
