"""Early-warning speed: one new event for a child with 1,000 events, and rescoring a population.

    python benchmarks/policy_speed.py [--children 100000] [--json]
    python benchmarks/policy_speed.py --quick          # 10,000 children, for development

On arrival: a chronology of 1,000 events over three years (the default policy's kinds, a third
of them household adults'), then 300 new events, each timed through the on-arrival path
`alert_timeline(policy, chronology, since=new event's recorded_at)` (index the chronology, the
level just before, the level now, any alert). Target: p99 at most 20 ms.

Rescore: a synthetic population (alarmbell.synth, two years) ingested and linked through the
real pipeline, then `rescore` with 2 worker processes, timed end to end (load relations, group
households, two streaming queries per share, chronologies in memory, the engine), without
storing. The issue's target is one million children with ten million events in two minutes on
2 cores; the figure reported is measured at `--children` and extrapolated linearly in events
(the work is per event and per child; nothing in it grows faster than linearly). Baseline: the
incremental path (`build_chronology` and `alert_timeline` one person at a time) on a sample.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import machine
from alarmbell.alerts.rescore import rescore
from alarmbell.alerts.service import live_people
from alarmbell.chronology import build_chronology
from alarmbell.domain.chronology import Chronology, ChronologyEntry
from alarmbell.policy import alert_timeline, default_policy
from alarmbell.storage.db import make_engine, session_scope
from policy_store import population, store, summary

NAME = "policy_speed"
TITLE = "Early-warning policy speed"
TARGET_ARRIVAL_P99_MS = 20.0
TARGET_RESCORE_S = 120.0
TARGET_CHILDREN = 1_000_000
TARGET_EVENTS = 10_000_000
QUICK_CHILDREN = 10_000
FULL_CHILDREN = 100_000
BASELINE_SAMPLE = 100

_KINDS: list[tuple[str, dict[str, Any]]] = [
    ("gp_consultation", {}),
    ("growth_measurement", {"weight_centile": 40}),
    ("health_visitor_contact", {}),
    ("ed_attendance", {"injury": "bruise"}),
    ("missed_appointment", {"was_not_brought": True}),
    ("school_concern", {"category": "behaviour"}),
    ("attendance_concern", {"absence_pct": 14}),
    ("domestic_incident", {"children_present": True, "dash_risk": "medium"}),
    ("referral", {"from_agency": "police"}),
    ("home_visit", {"child_seen": True, "child_seen_alone": False}),
    ("mental_health_contact", {}),
    ("injury_observed", {"injury": "bruise", "mobile": True}),
]


def _entry(rng: random.Random, i: int, when: datetime) -> ChronologyEntry:
    kind, attrs = rng.choice(_KINDS)
    household = rng.random() < 0.33 and kind in (
        "domestic_incident",
        "mental_health_contact",
        "gp_consultation",
    )
    return ChronologyEntry(
        agency=rng.choice(("police", "health", "education", "children_social_care")),
        source_id=f"E{i}",
        kind=kind,
        occurred_at=when,
        recorded_at=when + timedelta(days=rng.choice((0, 0, 1, 3, 14))),
        attrs=dict(attrs),
        text=None,
        involvement="subject",
        relation="mother" if household else None,
        adult_person_id=2 if household else None,
    )


def thousand_event_chronology(seed: int = 1) -> tuple[Chronology, list[ChronologyEntry]]:
    """1,000 events over three years, and 300 later events to arrive one at a time."""
    rng = random.Random(seed)
    start = datetime(2019, 1, 1, tzinfo=UTC)
    entries = [_entry(rng, i, start + timedelta(days=rng.uniform(0, 3 * 365))) for i in range(1000)]
    arrivals = [_entry(rng, 1000 + i, start + timedelta(days=3 * 365 + i)) for i in range(300)]
    entries.sort(key=lambda e: (e.occurred_at, e.recorded_at, e.agency, e.source_id))
    chronology = Chronology(1, "Sam Taylor", "child", date(2012, 5, 1), (("health", "H1"),), tuple(entries))
    return chronology, arrivals


def measure_arrival() -> dict[str, Any]:
    policy = default_policy()
    chronology, arrivals = thousand_event_chronology()
    times: list[float] = []
    for new in arrivals:
        grown = Chronology(
            chronology.person_id,
            chronology.display_name,
            chronology.role,
            chronology.dob,
            chronology.records,
            (*chronology.entries, new),
        )
        started = time.perf_counter()
        alert_timeline(policy, grown, since=new.recorded_at)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "events": len(chronology.entries) + 1,
        "runs": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[int(len(times) * 0.99) - 1], 2),
        "max_ms": round(times[-1], 2),
    }


def measure_rescore(children: int) -> dict[str, Any]:
    folder = population(children, 2, 7)
    info = summary(folder)
    settings = store(folder)
    engine = make_engine(settings, upgrade=False)
    policy = default_policy()
    load_before = machine.load()[0]
    started = time.perf_counter()
    with session_scope(engine) as session:
        result = rescore(session, policy=policy, settings=settings, workers=2, store=False)
    seconds = time.perf_counter() - started
    print(f"rescore: {seconds:.1f} s for {result.people:,} people", file=sys.stderr, flush=True)
    baseline = _baseline(engine, policy)
    engine.dispose()
    per_event = seconds / info["events"]
    return {
        "children": info["children"],
        "events": info["events"],
        "people": result.people,
        "children_evaluated": result.children,
        "alerts": len(result.alerts),
        "seconds": round(seconds, 1),
        "people_per_s": round(result.people / seconds),
        "events_per_s": round(info["events"] / seconds),
        "extrapolated_1m_s": round(per_event * TARGET_EVENTS, 0),
        "baseline_people_per_s": baseline,
        "baseline_extrapolated_1m_s": round(result.people / baseline * TARGET_EVENTS / info["events"], 0),
        "load": round(max(load_before, machine.load()[0]), 2),
    }


def _baseline(engine: Any, policy: Any) -> float:
    """People per second through the incremental path (one person at a time, one process)."""
    with session_scope(engine) as session:
        people = live_people(session)
        sample = random.Random(3).sample(people, min(BASELINE_SAMPLE, len(people)))
        started = time.perf_counter()
        for person_id in sample:
            chronology = build_chronology(session, person_id)
            if chronology is not None:
                alert_timeline(policy, chronology)
        return round(len(sample) / (time.perf_counter() - started), 1)


def run(*, quick: bool, children: int | None = None) -> dict[str, Any]:
    size = children or (QUICK_CHILDREN if quick else FULL_CHILDREN)
    arrival = measure_arrival()
    rescored = measure_rescore(size)
    command = "python benchmarks/policy_speed.py" + (f" --children {size}" if children else "")
    return {
        "name": NAME,
        "title": TITLE,
        "command": command + (" --quick" if quick and not children else ""),
        "arrival": arrival,
        "rescore": rescored,
        "checks": [
            {
                "name": "one new event, 1,000-event child (p99)",
                "target": f"<= {TARGET_ARRIVAL_P99_MS:g} ms",
                "median": f"{arrival['p50_ms']} ms (p99 {arrival['p99_ms']} ms)",
                "baseline": "-",
                "ratio": "-",
                "passed": arrival["p99_ms"] <= TARGET_ARRIVAL_P99_MS,
            },
            {
                "name": f"rescore, extrapolated from {rescored['children']:,} children",
                "target": f"1M children / 10M events <= {TARGET_RESCORE_S:g} s",
                "median": f"{rescored['extrapolated_1m_s']:g} s",
                "baseline": f"{rescored['baseline_extrapolated_1m_s']:g} s (one at a time)",
                "ratio": round(
                    rescored["baseline_extrapolated_1m_s"] / max(rescored["extrapolated_1m_s"], 1), 1
                ),
                "passed": rescored["extrapolated_1m_s"] <= TARGET_RESCORE_S,
            },
        ],
    }


def markdown(result: dict[str, Any]) -> str:
    a, r = result["arrival"], result["rescore"]
    return "\n".join(
        [
            "| measure | value |",
            "|---|---|",
            f"| on arrival: events in the chronology | {a['events']:,} |",
            f"| on arrival: p50 / p99 / max | {a['p50_ms']} / {a['p99_ms']} / {a['max_ms']} ms |",
            f"| rescore: children, people, events | {r['children']:,}, {r['people']:,}, {r['events']:,} |",
            f"| rescore: seconds (2 workers) | {r['seconds']} |",
            f"| rescore: people/s, events/s | {r['people_per_s']:,}, {r['events_per_s']:,} |",
            f"| rescore: alerts (not stored) | {r['alerts']:,} |",
            f"| rescore: 10M events extrapolated | {r['extrapolated_1m_s']:g} s |",
            f"| incremental path: people/s (1 process) | {r['baseline_people_per_s']} |",
            f"| load average during the run | {r['load']} |",
        ]
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--children", type=int)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(quick=args.quick, children=args.children)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(markdown(result))
        for check in result["checks"]:
            verdict = "pass" if check["passed"] else "FAIL"
            print(f"{check['name']}: {check['median']} (target {check['target']}) {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
