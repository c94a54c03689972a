"""Replay of a whole population: what a partnership runs to ask what a policy would have said.

    python benchmarks/replay_population.py [--sizes 1000,10000,100000] [--json]
    python benchmarks/replay_population.py --quick          # 500 and 2,000 children

For each size, a synthetic population (alarmbell.synth, three years, seed 7) is written once as
one exchange-format file (every agency's lines, as a partnership would send them) and replayed
end to end as a user runs it, `alarmbell replay FILE --json`, in a child process: load into a
throwaway store, link once, evaluate every child through rescore's batch path (2 workers from
5,000 people). Reported: seconds, CPU seconds (user + sys of the replay and its workers, which a
busy shared machine inflates less than seconds), events per second, peak memory of the child process, and the
log-log slope of seconds against events (1.0 is linear growth). The issue's target is 10,000
children over three years (about 140,000 events) in at most 60 s on this machine.

Baseline: the per-child path replay used before (`build_chronology` and `alert_timeline`, one
person at a time, several queries each), timed on a sample of people from the largest store the
run builds and extrapolated to that population.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import machine
from alarmbell.alerts.service import live_people
from alarmbell.chronology import build_chronology
from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file
from alarmbell.policy import alert_timeline, default_policy
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from policy_store import population, summary

NAME = "replay_population"
TITLE = "Replay of a whole population"
ROOT = Path(__file__).resolve().parent.parent
FULL_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (500, 2_000)
TARGET_CHILDREN = 10_000
TARGET_SECONDS = 60.0
YEARS = 3
SEED = 7
BASELINE_SAMPLE = 150
AGENCY_FILES = ("police", "health", "education", "children_social_care")


def joined_file(children: int) -> tuple[Path, dict[str, Any]]:
    """The population as one exchange-format file (written once, then reused)."""
    folder = population(children, YEARS, SEED)
    path = folder / "all.jsonl"
    if not path.exists():
        with path.open("wb") as out:
            for agency in AGENCY_FILES:
                out.write((folder / f"{agency}.jsonl").read_bytes())
    return path, summary(folder)


def replay_once(path: Path) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "alarmbell.cli", "replay", str(path), "--json"],
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = json.loads(done.stdout)
    return {
        "seconds": round(seconds, 1),
        # CPU of the replay and its worker processes: less sensitive than seconds to a busy machine.
        "cpu_seconds": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
        "people": len(out["people"]),
        "alerts": len(out["alerts"]),
        # RUSAGE_CHILDREN keeps the largest child so far; sizes run smallest first.
        "peak_rss_mb": round(max(after.ru_maxrss, before.ru_maxrss) / 1024, 1),
    }


def baseline_seconds(path: Path, people: int) -> float:
    """The per-child path on a sample of people, extrapolated to `people`."""
    db = path.parent / "baseline.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    engine = make_engine(Settings(database_url=f"sqlite:///{db}"))
    policy = default_policy()
    try:
        ingest_file(engine=engine, path=path)
        with session_scope(engine) as session:
            link_people(session)
        with session_scope(engine) as session:
            everyone = live_people(session)
            sample = random.Random(3).sample(everyone, min(BASELINE_SAMPLE, len(everyone)))
            started = time.perf_counter()
            for person_id in sample:
                chronology = build_chronology(session, person_id)
                if chronology is not None:
                    alert_timeline(policy, chronology)
            per_person = (time.perf_counter() - started) / len(sample)
    finally:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    return per_person * people


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(seconds) against log(events)."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def run(*, quick: bool, sizes: tuple[int, ...] | None = None) -> dict[str, Any]:
    chosen = sizes or (QUICK_SIZES if quick else FULL_SIZES)
    rows = []
    for children in sorted(chosen):
        path, info = joined_file(children)
        print(f"replaying {children:,} children ({info['events']:,} events) ...", file=sys.stderr, flush=True)
        load_before = machine.load()[0]
        measured = replay_once(path)
        rows.append(
            {
                "children": children,
                "events": info["events"],
                "megabytes": round(path.stat().st_size / 1e6, 1),
                **measured,
                "events_per_s": round(info["events"] / measured["seconds"]),
                "load": round(max(load_before, machine.load()[0]), 2),
            }
        )
    target_row = next((r for r in rows if r["children"] == TARGET_CHILDREN), rows[-1])
    target_path, _ = joined_file(target_row["children"])
    baseline = baseline_seconds(target_path, target_row["people"])
    fitted = round(slope([(r["events"], r["seconds"]) for r in rows]), 2) if len(rows) > 1 else None
    memory_ratio = round(rows[-1]["peak_rss_mb"] / rows[0]["peak_rss_mb"], 2)
    command = "python benchmarks/replay_population.py" + (
        f" --sizes {','.join(str(s) for s in chosen)}" if sizes else (" --quick" if quick else "")
    )
    return {
        "name": NAME,
        "title": TITLE,
        "command": command,
        "rows": rows,
        "slope": fitted,
        "baseline_seconds": round(baseline, 1),
        "checks": [
            {
                "name": f"replay {target_row['children']:,} children x {YEARS} years "
                f"({target_row['events']:,} events)",
                "target": f"<= {TARGET_SECONDS:g} s (for 10,000 children)",
                "median": f"{target_row['seconds']} s",
                "baseline": f"{baseline:.0f} s (per-child path, extrapolated)",
                "ratio": round(baseline / target_row["seconds"], 1),
                "passed": target_row["children"] == TARGET_CHILDREN
                and target_row["seconds"] <= TARGET_SECONDS,
            },
            {
                "name": "growth: log-log slope of seconds against events",
                "target": "about 1 (linear); <= 1.15",
                "median": f"{fitted}",
                "baseline": "-",
                "ratio": "-",
                "passed": fitted is not None and fitted <= 1.15,
            },
            {
                "name": "peak memory, largest size against smallest",
                "target": "reported (replay holds the answer in memory)",
                "median": f"{rows[-1]['peak_rss_mb']} MB (vs {rows[0]['peak_rss_mb']} MB)",
                "baseline": "-",
                "ratio": memory_ratio,
                "passed": True,
            },
        ],
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| children | events | file MB | seconds | CPU s | events/s | people | alerts | peak RSS MB | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['children']:,} | {r['events']:,} | {r['megabytes']} | {r['seconds']} | "
            f"{r['cpu_seconds']} | {r['events_per_s']:,} | {r['people']:,} | {r['alerts']:,} | "
            f"{r['peak_rss_mb']} | {r['load']} |"
        )
    lines += [
        "",
        f"Log-log slope of seconds against events: {result['slope']} (1.0 is linear). "
        f"The per-child path replay used before would take about {result['baseline_seconds']:g} s "
        "at the target size (sampled and extrapolated).",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", help="comma-separated numbers of children")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else None
    result = run(quick=args.quick, sizes=sizes)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(markdown(result))
        for check in result["checks"]:
            verdict = "pass" if check["passed"] else "FAIL"
            print(f"{check['name']}: {check['median']} (target {check['target']}) {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
