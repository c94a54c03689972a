"""The cost curve: each population path (ingest, link, rescore, replay) at three sizes.

    python benchmarks/population_paths.py [--sizes 1000,10000,100000] [--json]
    python benchmarks/population_paths.py --quick          # 500, 2,000 and 8,000 children
    python benchmarks/population_paths.py --sizes 500,5000,50000 --paths ingest --save
                                      # one path again, its rows replaced in the results file

One synthetic population per size (alarmbell.synth, three years, seed 7: the same files
benchmarks/replay_population.py uses), written as one exchange-format file. Each path runs in its
own child process, as a user runs it, so its peak memory is its own:

- ingest: `ingest_file` of the whole file into a new SQLite store;
- link: `link_people` over that store (every record is new);
- rescore: `rescore` of every linked person with 2 worker processes, alerts computed not stored
  (what a partnership runs after a policy change);
- replay: `alarmbell replay FILE --json` end to end (its own throwaway store: load, link once,
  evaluate, route).

Reported per path and size: seconds, CPU seconds (the process and its workers), peak memory
(the largest of the process and its workers), and per path the least-squares slopes of log
seconds and of log CPU seconds against log events (1.0 is linear growth; the check reads the CPU
slope, which a shared machine's load does not bend) and the peak-memory ratio between the two
largest sizes. The chart is docs/img/cost-curve.svg (CPU seconds, log-log axes). Targets (issue 17): growth
about linear (slope <= 1.15) and peak memory flat as data grows (at most 1.25x from the middle to
the largest size, which is 10x the data).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import machine
from replay_population import joined_file, slope
from svg_plot import Series, loglog_svg

NAME = "population_paths"
TITLE = "The cost curve: ingest, link, rescore and replay at three sizes"
ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "docs" / "img" / "cost-curve.svg"
SVG_LINK = "img/cost-curve.svg"  # relative to docs/benchmarks.md
RESULT_FILE = ROOT / "benchmarks" / "results" / f"{NAME}.json"
FULL_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (500, 2_000, 8_000)
PATHS = ("ingest", "link", "rescore", "replay")
MAX_SLOPE = 1.15
MAX_MEMORY_RATIO = 1.25


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, workers) / 1024, 1)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def run_path(path_name: str, data: Path, db: Path) -> dict[str, Any]:
    """One path, in this (child) process: seconds, CPU seconds and peak memory."""
    from alarmbell.alerts.rescore import rescore
    from alarmbell.identity import link_people
    from alarmbell.ingest.service import ingest_file
    from alarmbell.policy import default_policy
    from alarmbell.settings import Settings
    from alarmbell.storage.db import make_engine, session_scope

    settings = Settings(database_url=f"sqlite:///{db}")
    cpu, started = _cpu(), time.perf_counter()
    if path_name == "replay":
        subprocess.run(
            [sys.executable, "-m", "alarmbell.cli", "replay", str(data), "--json"],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
    else:
        engine = make_engine(settings, upgrade=path_name == "ingest")
        try:
            if path_name == "ingest":
                ingest_file(engine=engine, path=data)
            elif path_name == "link":
                with session_scope(engine) as session:
                    link_people(session)
            else:
                with session_scope(engine) as session:
                    rescore(session, policy=default_policy(), settings=settings, workers=2, store=False)
        finally:
            engine.dispose()
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(_cpu() - cpu, 1),
        "peak_rss_mb": _peak_mb(),
    }


def _in_child(path_name: str, data: Path, db: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", path_name, str(data), str(db)],
        capture_output=True,
        check=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure(children: int, paths: tuple[str, ...] = PATHS) -> list[dict[str, Any]]:
    """Each path in `paths`, in PATHS order: link and rescore read the store ingest wrote, so a
    subset without ingest ingests first, unmeasured."""
    data, info = joined_file(children)
    rows = []
    with tempfile.TemporaryDirectory(prefix="alarmbell-paths-") as folder:
        db = Path(folder) / "store.db"
        if "ingest" not in paths and {"link", "rescore"} & set(paths):
            _in_child("ingest", data, db)
        if "link" not in paths and "rescore" in paths:
            _in_child("link", data, db)
        for path_name in (p for p in PATHS if p in paths):
            said = f"{path_name}: {children:,} children ({info['events']:,} events) ..."
            print(said, file=sys.stderr, flush=True)
            load_before = machine.load()[0]
            measured = _in_child(path_name, data, db)
            rows.append(
                {
                    "path": path_name,
                    "children": children,
                    "events": info["events"],
                    **measured,
                    "load": round(max(load_before, machine.load()[0]), 2),
                }
            )
    return rows


def summarise(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per path: its slopes (seconds and CPU seconds) and the peak-memory ratio of the two largest sizes.

    On a shared machine the wall-clock slope carries whatever else ran during the largest size;
    the CPU slope is the growth of the work itself, so the growth check reads it.
    """
    out = {}
    for path_name in _paths_in(rows):
        own = sorted((r for r in rows if r["path"] == path_name), key=lambda r: r["events"])
        out[path_name] = {
            "slope": round(slope([(r["events"], max(r["seconds"], 0.01)) for r in own]), 2),
            "cpu_slope": round(slope([(r["events"], max(r["cpu_seconds"], 0.01)) for r in own]), 2),
            "memory_ratio": round(own[-1]["peak_rss_mb"] / own[-2]["peak_rss_mb"], 2),
        }
    return out


def _paths_in(rows: list[dict[str, Any]]) -> list[str]:
    return [p for p in PATHS if any(r["path"] == p for r in rows)]


def draw(rows: list[dict[str, Any]], slopes: dict[str, dict[str, Any]]) -> str:
    series = [
        Series(
            f"{path_name} (slope {slopes[path_name]['cpu_slope']:g})",
            [(r["events"], max(r["cpu_seconds"], 0.01)) for r in rows if r["path"] == path_name],
        )
        for path_name in _paths_in(rows)
    ]
    return loglog_svg(
        series,
        x_label="events in the population (log scale)",
        y_label="CPU seconds, with worker processes (log scale)",
        title="Cost of each population path as the data grows",
    )


def run(
    *,
    quick: bool,
    sizes: tuple[int, ...] | None = None,
    write_svg: bool = True,
    paths: tuple[str, ...] = PATHS,
) -> dict[str, Any]:
    chosen = sorted(sizes or (QUICK_SIZES if quick else FULL_SIZES))
    rows = [row for children in chosen for row in measure(children, paths)]
    command = "python benchmarks/population_paths.py" + (
        f" --sizes {','.join(str(s) for s in chosen)}" if sizes else (" --quick" if quick else "")
    )
    if paths != PATHS:
        command += f" --paths {','.join(paths)}"
    return result_from(rows, command, write_svg=write_svg and not quick and paths == PATHS)


def saved_with(measured: dict[str, Any], note: str) -> dict[str, Any]:
    """The saved result (benchmarks/results/) with the measured paths' rows replaced by these,
    slopes, checks and chart recomputed; `note` says which rows come from which run."""
    record = json.loads(RESULT_FILE.read_text())
    fresh = {r["path"] for r in measured["rows"]}
    rows = [r for r in record["result"]["rows"] if r["path"] not in fresh] + measured["rows"]
    rows.sort(key=lambda r: (r["children"], PATHS.index(r["path"])))
    command = record["result"]["command"].split("; ")[0] + f"; then {measured['command']}"
    result = result_from(rows, command, write_svg=True)
    result["note"] = note
    loads = [r["load"] for r in measured["rows"]]
    result["run_at"] = {
        "date": machine.describe()["date"],
        "load_before": [loads[0]],
        "load_after": [loads[-1]],
    }
    return {"machine": {**machine.describe(), "load_at_end": machine.load()}, "result": result}


def result_from(rows: list[dict[str, Any]], command: str, *, write_svg: bool) -> dict[str, Any]:
    """The benchmark's result (and chart) from measured rows."""
    slopes = summarise(rows)
    if write_svg:
        SVG.parent.mkdir(parents=True, exist_ok=True)
        SVG.write_text(draw(rows, slopes), encoding="utf-8")
    checks = []
    for path_name in slopes:
        fitted, ratio = slopes[path_name]["cpu_slope"], slopes[path_name]["memory_ratio"]
        checks += [
            {
                "name": f"{path_name}: log-log slope of CPU seconds against events",
                "target": f"about 1 (linear); <= {MAX_SLOPE:g}",
                "median": f"{fitted:g}",
                "baseline": "-",
                "ratio": "-",
                "passed": fitted <= MAX_SLOPE,
            },
            {
                "name": f"{path_name}: peak memory, largest size against the one 10x smaller",
                "target": f"<= {MAX_MEMORY_RATIO:g}x",
                "median": f"{ratio:g}x",
                "baseline": "-",
                "ratio": "-",
                "passed": ratio <= MAX_MEMORY_RATIO,
            },
        ]
    return {
        "name": NAME,
        "title": TITLE,
        "command": command,
        "rows": rows,
        "slopes": slopes,
        "svg": SVG_LINK,
        "checks": checks,
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"![{result['title']}]({result['svg']})",
        "",
        *([result["note"], ""] if result.get("note") else []),
        "| path | children | events | seconds | CPU s | peak RSS MB | load |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['path']} | {r['children']:,} | {r['events']:,} | {r['seconds']} | {r['cpu_seconds']} | "
            f"{r['peak_rss_mb']} | {r['load']} |"
        )
    lines += ["", "| path | slope of seconds | slope of CPU seconds | peak memory, largest / 10x smaller |"]
    lines.append("|---|---|---|---|")
    for path_name, s in result["slopes"].items():
        lines.append(f"| {path_name} | {s['slope']} | {s['cpu_slope']} | {s['memory_ratio']}x |")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        print(json.dumps(run_path(argv[1], Path(argv[2]), Path(argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", help="comma-separated numbers of children")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--paths", default=",".join(PATHS), help="comma-separated subset of " + ",".join(PATHS)
    )
    parser.add_argument(
        "--save", metavar="NOTE", help="replace these paths' rows in benchmarks/results/, with this note"
    )
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else None
    paths = tuple(p for p in PATHS if p in args.paths.split(","))
    result = run(quick=args.quick, sizes=sizes, paths=paths)
    if args.save:
        RESULT_FILE.write_text(json.dumps(saved_with(result, args.save), indent=2) + "\n")
    print(json.dumps(result, indent=2) if args.json else markdown(result))


if __name__ == "__main__":
    main(sys.argv[1:])
