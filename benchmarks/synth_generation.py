"""Synthetic population generator: children/s, events/s and peak RSS, extrapolated to 1M children.

    python benchmarks/synth_generation.py [--sizes 10000,100000] [--years 1] [--json]
    python benchmarks/synth_generation.py --quick           # 10,000 children only
    python benchmarks/synth_generation.py --full-scale      # also 1,000,000 children x 2 years (~4 min)

Each size runs `alarmbell.synth.generate` (seed 2019, from 1 January 2019, the default worker
count: one process below 20,000 children, one per core above) in a fresh interpreter, so that
its peak RSS is its own: the main process's high-water mark and the largest worker's (ru_maxrss
of RUSAGE_SELF and RUSAGE_CHILDREN). The files go to benchmarks/out/ and are deleted afterwards.
The issue's target is one million children with about ten million events in under 10 minutes on
2 cores, in flat memory. Unless --full-scale measures it, the time is extrapolated linearly in
events from the largest size measured (generation is per household, in fixed chunks; nothing
grows faster than linearly). There is no baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import machine

NAME = "synth_generation"
TITLE = "Synthetic population generation"
OUT = Path(__file__).resolve().parent / "out"
SEED = 2019
START_YEAR = 2019
QUICK_SIZES = (10_000,)
FULL_SIZES = (10_000, 100_000)
FULL_SCALE = (1_000_000, 2)
TARGET_CHILDREN = 1_000_000
TARGET_EVENTS = 10_000_000
TARGET_SECONDS = 600.0
#: Peak RSS at the largest size may exceed the smallest size's by at most this factor ("flat").
FLAT_RSS_FACTOR = 1.25


def _child_main(children: int, years: int, out_dir: Path) -> None:
    """In the child interpreter: generate once, print one JSON object."""
    from alarmbell.synth import _POOL_THRESHOLD, generate

    started, cpu_started = time.perf_counter(), time.process_time()
    summary = generate(children=children, years=years, seed=SEED, out_dir=out_dir, start_year=START_YEAR)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "children": summary.children,
        "adults": summary.adults,
        "households": summary.households,
        "events": summary.total_events,
        "records": sum(summary.records.values()),
        "seconds": seconds,
        "cpu_seconds_main": cpu,
        "cpu_seconds_workers": workers.ru_utime + workers.ru_stime,
        "peak_rss_main_mb": own.ru_maxrss / 1024,
        "peak_rss_worker_mb": workers.ru_maxrss / 1024,
        "bytes": sum(path.stat().st_size for path in summary.paths.values()),
        "workers": 1 if children < _POOL_THRESHOLD else max(1, os.cpu_count() or 1),
        "pid": os.getpid(),
    }
    sys.stdout.write(json.dumps(result) + "\n")


def measure_size(children: int, years: int) -> dict[str, Any]:
    """One generation in a fresh interpreter; the output folder is removed afterwards."""
    out_dir = OUT / f"synth-bench-{children}x{years}"
    shutil.rmtree(out_dir, ignore_errors=True)
    before = machine.load()[0]
    try:
        done = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                str(children),
                str(years),
                str(out_dir),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    r: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "children": r["children"],
        "years": years,
        "workers": r["workers"],
        "households": r["households"],
        "adults": r["adults"],
        "events": r["events"],
        "records": r["records"],
        "seconds": round(r["seconds"], 2),
        "children_per_s": round(r["children"] / r["seconds"]),
        "child_years_per_s": round(r["children"] * years / r["seconds"]),
        "events_per_s": round(r["events"] / r["seconds"]),
        "events_per_child_year": round(r["events"] / (r["children"] * years), 2),
        "cpu_seconds": round(r["cpu_seconds_main"] + r["cpu_seconds_workers"], 2),
        "peak_rss_main_mb": round(r["peak_rss_main_mb"], 1),
        "peak_rss_worker_mb": round(r["peak_rss_worker_mb"], 1),
        "peak_rss_mb": round(max(r["peak_rss_main_mb"], r["peak_rss_worker_mb"]), 1),
        "mib": round(r["bytes"] / (1 << 20), 1),
        "load": round(max(before, machine.load()[0]), 2),
    }


def extrapolate(size: dict[str, Any]) -> dict[str, Any]:
    """The target's time at this size's rate, linear in events (and, for reference, in children)."""
    return {
        "from_children": size["children"],
        "from_years": size["years"],
        "workers": size["workers"],
        "seconds_for_target_events": round(TARGET_EVENTS / size["events_per_s"]),
        "seconds_for_target_children_one_year": round(TARGET_CHILDREN / size["child_years_per_s"]),
        "events_for_target_children_one_year": round(TARGET_CHILDREN * size["events_per_child_year"]),
    }


def run(
    *, quick: bool, sizes: list[int] | None = None, years: int = 1, full_scale: bool = False
) -> dict[str, Any]:
    """The entry point used by run.py."""
    counts = sizes or list(QUICK_SIZES if quick else FULL_SIZES)
    results = []
    for children in counts:
        print(f"  synth: {children:,} children x {years} year(s) ...", file=sys.stderr, flush=True)
        results.append(measure_size(children, years))
    scale = None
    if full_scale:
        print(f"  synth: {FULL_SCALE[0]:,} children x {FULL_SCALE[1]} years ...", file=sys.stderr, flush=True)
        scale = measure_size(*FULL_SCALE)
    estimate = extrapolate(results[-1])
    return {
        "name": NAME,
        "title": TITLE,
        "command": _command(quick, sizes, years, full_scale),
        "sizes": results,
        "full_scale": scale,
        "extrapolated": estimate,
        "checks": _checks(results, scale, estimate),
    }


def _command(quick: bool, sizes: list[int] | None, years: int, full_scale: bool) -> str:
    parts = ["python benchmarks/synth_generation.py"]
    if quick and not sizes:
        parts.append("--quick")
    if sizes:
        parts.append(f"--sizes {','.join(str(s) for s in sizes)}")
    if years != 1:
        parts.append(f"--years {years}")
    if full_scale:
        parts.append("--full-scale")
    return " ".join(parts)


def _checks(
    results: list[dict[str, Any]], scale: dict[str, Any] | None, estimate: dict[str, Any]
) -> list[dict[str, Any]]:
    target = f"< {TARGET_SECONDS / 60:g} min for {TARGET_EVENTS:,} events (2 cores)"
    if scale is not None:
        seconds = scale["seconds"] * TARGET_EVENTS / scale["events"]
        check = {
            "name": f"{scale['children']:,} children x {scale['years']} years ({scale['events']:,} events)",
            "target": target,
            "median": f"{scale['seconds']:.0f} s measured; {seconds:.0f} s at {TARGET_EVENTS:,} events",
            "baseline": "none",
            "ratio": None,
            "passed": seconds < TARGET_SECONDS,
        }
    else:
        largest = results[-1]
        seconds = estimate["seconds_for_target_events"]
        check = {
            "name": f"{TARGET_EVENTS:,} events, extrapolated from {largest['children']:,} children",
            "target": target,
            "median": f"{seconds:,} s ({largest['events_per_s']:,} events/s, {largest['workers']} worker(s))",
            "baseline": "none",
            "ratio": None,
            "passed": seconds < TARGET_SECONDS,
        }
    checks = [check]
    everything = results + ([scale] if scale else [])
    if len(everything) > 1:
        small, large = everything[0], everything[-1]
        limit = small["peak_rss_mb"] * FLAT_RSS_FACTOR
        checks.append(
            {
                "name": f"peak RSS flat from {small['children']:,} to {large['children']:,} children",
                "target": f"<= {FLAT_RSS_FACTOR} x the {small['children']:,} peak ({limit:.0f} MB)",
                "median": f"{large['peak_rss_mb']} MB (vs {small['peak_rss_mb']} MB)",
                "baseline": "none",
                "ratio": round(large["peak_rss_mb"] / small["peak_rss_mb"], 3),
                "passed": large["peak_rss_mb"] <= limit,
            }
        )
    return checks


NOTES = (
    "Peak RSS is per process: the main process (which writes the files, and below 20,000 children "
    "also renders them) and the largest worker. Extrapolation is linear in events from the largest "
    "size measured, with that size's worker count: from 10,000 children (one process) it is "
    "pessimistic for two cores. Other processes sharing the cores lower every rate (see the load)."
)


def markdown(result: dict[str, Any]) -> str:
    """The detail table run.py puts under this benchmark in docs/benchmarks.md."""
    lines = [
        "| children | years | workers | seconds | children/s | events | events/s | events per child-year "
        "| peak RSS main MB | peak RSS worker MB | output MiB | load (1 min) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = result["sizes"] + ([result["full_scale"]] if result["full_scale"] else [])
    for r in rows:
        lines.append(
            f"| {r['children']:,} | {r['years']} | {r['workers']} | {r['seconds']} | "
            f"{r['children_per_s']:,} | {r['events']:,} | {r['events_per_s']:,} | "
            f"{r['events_per_child_year']} | "
            f"{r['peak_rss_main_mb']} | {r['peak_rss_worker_mb'] or '-'} | {r['mib']:,} | {r['load']} |"
        )
    e = result["extrapolated"]
    lines += [
        "",
        f"Extrapolated from {e['from_children']:,} children x {e['from_years']} year(s) "
        f"({e['workers']} worker(s)): {TARGET_EVENTS:,} events in {e['seconds_for_target_events']:,} s; "
        f"{TARGET_CHILDREN:,} children x 1 year ({e['events_for_target_children_one_year']:,} events) in "
        f"{e['seconds_for_target_children_one_year']:,} s. Target: under {TARGET_SECONDS:g} s.",
    ]
    return "\n".join(lines) + "\n\n" + NOTES


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        _child_main(int(argv[1]), int(argv[2]), Path(argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--sizes", help="comma-separated children counts (default 10000,100000)")
    parser.add_argument("--years", type=int, default=1, help="years of history per size (default 1)")
    parser.add_argument("--quick", action="store_true", help="10,000 children only, for development")
    parser.add_argument(
        "--full-scale", action="store_true", help="also 1,000,000 children x 2 years (about 4 minutes)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    result = run(quick=args.quick, sizes=sizes, years=args.years, full_scale=args.full_scale)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(markdown(result))
    for check in result["checks"]:
        verdict = "pass" if check["passed"] else "FAIL"
        print(f"{check['name']}: {check['median']} (target {check['target']}) {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
