"""Rescore on one machine: the local batch (`rescore`, 2 worker processes) against the same plan
on Spark local[2] (`rescore_on_spark`), on one `alarmbell synth` population.

The population (three years, seed 7) is ingested and linked once into a throwaway SQLite store;
each engine then runs in its own process, alerts computed and not stored. For Spark the
session start is timed apart, then the plan runs twice on it (cold, then warm: Python workers
and JIT already up). CPU seconds count every process: the Python driver, its worker processes,
and for Spark the JVM with its Python workers (read from /proc before the session stops).
Prints JSON; `--json` also writes benchmarks/results/rescore_spark.json. docs/scale.md,
"Rescore on Spark", quotes the numbers.

    PYTHONPATH=src:benchmarks python benchmarks/rescore_spark.py --children 5000 --json
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
from population_paths import run_path
from replay_population import joined_file

ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "benchmarks" / "results" / "rescore_spark.json"
TICKS = os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _tree_cpu(root: int) -> float:
    """CPU seconds of a process and every live descendant (with the children they reaped)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = sum(int(v) for v in fields[11:15]) / TICKS
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += times.get(pid, 0.0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


def run_local(db: Path) -> dict[str, Any]:
    """As `population_paths`'s rescore path, with the alerts and children counted."""
    from alarmbell.alerts.rescore import rescore
    from alarmbell.policy import default_policy
    from alarmbell.settings import Settings
    from alarmbell.storage.db import make_engine, session_scope

    settings = Settings(database_url=f"sqlite:///{db}")
    engine = make_engine(settings, upgrade=False)
    cpu, started = _own_cpu(), time.perf_counter()
    with session_scope(engine) as session:
        done = rescore(session, policy=default_policy(), settings=settings, workers=2, store=False)
    seconds, cpu = time.perf_counter() - started, _own_cpu() - cpu
    engine.dispose()
    return {
        "engine": "local, 2 worker processes",
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 1),
        "alerts": len(done.alerts),
        "children_evaluated": done.children,
    }


def run_spark(db: Path) -> dict[str, Any]:
    from alarmbell.alerts.spark_rescore import local_session, rescore_on_spark
    from alarmbell.policy import default_policy
    from alarmbell.settings import Settings
    from alarmbell.storage.db import make_engine, session_scope

    policy = default_policy()
    started = time.perf_counter()
    spark = local_session(cores=2)
    spark.sparkContext.setLogLevel("ERROR")
    jvm = spark.sparkContext._gateway.proc.pid
    start_seconds = time.perf_counter() - started
    engine = make_engine(Settings(database_url=f"sqlite:///{db}"), upgrade=False)
    runs = []
    for label in ("cold", "warm"):
        cpu, jvm_cpu, began = _own_cpu(), _tree_cpu(jvm), time.perf_counter()
        with session_scope(engine) as session:
            done = rescore_on_spark(session, policy=policy, spark=spark, store=False)
        runs.append(
            {
                "run": label,
                "seconds": round(time.perf_counter() - began, 2),
                "cpu_seconds": round(_own_cpu() - cpu + _tree_cpu(jvm) - jvm_cpu, 1),
                "alerts": len(done.alerts),
                "children_evaluated": done.children,
            }
        )
    engine.dispose()
    spark.stop()
    return {"engine": "spark local[2]", "session_start_seconds": round(start_seconds, 1), "runs": runs}


def _in_child(engine: str, db: Path) -> dict[str, Any]:
    load_before = machine.load()
    done = subprocess.run(
        [sys.executable, __file__, "--child", engine, str(db)],
        capture_output=True,
        check=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return {**result, "load_before": load_before, "load_after": machine.load()}


def measure(children: int, order: list[str]) -> dict[str, Any]:
    data, info = joined_file(children)
    with tempfile.TemporaryDirectory(prefix="alarmbell-rescore-spark-") as folder:
        db = Path(folder) / "store.db"
        print(f"loading {children:,} children ({info['events']:,} events) ...", file=sys.stderr, flush=True)
        loading = {name: run_path(name, data, db) for name in ("ingest", "link")}
        rows = []
        for engine in order:
            print(f"rescore on {engine} ...", file=sys.stderr, flush=True)
            rows.append(_in_child(engine, db))
    return {"children": children, "events": info["events"], "loading": loading, "rescore": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--order", default="local,spark,local,spark", help="engines in the order run")
    parser.add_argument(
        "--json", action="store_true", help="also write benchmarks/results/rescore_spark.json"
    )
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, db = args.child
        print(json.dumps(run_local(Path(db)) if engine == "local" else run_spark(Path(db))))
        return
    result = {"machine": machine.describe(), **measure(args.children, args.order.split(","))}
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        RESULT.write_text(text + "\n")


if __name__ == "__main__":
    main()
