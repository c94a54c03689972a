"""Run the benchmark suite, save each result in benchmarks/results/, regenerate docs/benchmarks.md.

    python benchmarks/run.py            # the full suite (what docs/benchmarks.md reports)
    python benchmarks/run.py --quick    # small sizes, for development (`make bench`; writes nothing)
    python benchmarks/run.py --only ingest
    python benchmarks/run.py --render-only   # docs/benchmarks.md again from benchmarks/results/

A benchmark is a module in this folder, listed in BENCHMARKS, with
`run(*, quick: bool) -> dict` returning at least name, title, command and checks (each check:
name, target, median, baseline, ratio, passed), and `markdown(result) -> str` for its detail table.

Each full run's result is committed as benchmarks/results/NAME.json, so one benchmark can be rerun
(`--only NAME`) without rerunning the others, and two people's runs merge without conflicts.
A benchmark with no results file yet keeps its section from the current docs/benchmarks.md
(written by an earlier run), marked as such, until it is rerun.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import machine

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
RESULTS = ROOT / "benchmarks" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
EARLIER_NOTE = "(from an earlier run, before per-benchmark results files: rerun it to refresh)"
#: name -> module in benchmarks/. Identity, policy and web benchmarks register here.
BENCHMARKS: dict[str, str] = {
    "ingest": "ingest_throughput",
    "linkage_febrl": "linkage_febrl",
    "linkage_synthetic": "linkage_synthetic",
    "triage_queue": "triage_queue",
    "policy_speed": "policy_speed",
    "policy_eval": "policy_eval",
    "policy_baselines": "policy_baselines",
    "review_report": "review_report",
    "web_latency": "web_latency",
    "web_concurrency": "web_concurrency",
    "synth_generation": "synth_generation",
    "replay_population": "replay_population",
    "population_paths": "population_paths",
    "policy_reviews": "policy_reviews",
    "policy_holdout": "policy_holdout",
    "linkage_external": "linkage_external",
}


def load(name: str) -> ModuleType:
    return importlib.import_module(BENCHMARKS[name])


def run_suite(names: list[str], *, quick: bool) -> dict[str, Any]:
    described = machine.describe()
    results = []
    for name in names:
        print(f"running benchmark {name} ({'quick' if quick else 'full'}) ...", file=sys.stderr, flush=True)
        started = machine.load()
        result = load(name).run(quick=quick)
        result["run_at"] = {
            "date": machine.describe()["date"],
            "load_before": started,
            "load_after": machine.load(),
        }
        results.append(result)
    described["load_at_end"] = machine.load()
    suite_command = "python benchmarks/run.py" + (" --quick" if quick else "")
    return {"machine": described, "quick": quick, "command": suite_command, "benchmarks": results}


def save(suite: dict[str, Any]) -> None:
    """One file per benchmark: the result and the machine it ran on."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    for result in suite["benchmarks"]:
        record = {"machine": suite["machine"], "result": result}
        (RESULTS / f"{result['name']}.json").write_text(json.dumps(record, indent=2) + "\n")


def saved() -> dict[str, dict[str, Any]]:
    """name -> {"machine", "result"} for every benchmark with a committed results file."""
    found = {}
    for name in BENCHMARKS:
        path = RESULTS / f"{name}.json"
        if path.exists():
            found[name] = json.loads(path.read_text())
    return found


def earlier_sections(text: str) -> dict[str, tuple[list[str], str]]:
    """name -> (summary rows, section) from a docs/benchmarks.md written before results files."""
    modules = {module: name for name, module in BENCHMARKS.items()}
    rows: dict[str, list[str]] = {}
    # Only the summary table's rows: a section's own tables may start with a benchmark's name
    # too ("| ingest | 500 | ..." in the population paths), and were copied into the summary
    # again on every render.
    summary = re.search(r"^## Results\n(.*?)(?=^## )", text, flags=re.MULTILINE | re.DOTALL)
    for line in (summary.group(1) if summary else "").splitlines():
        cells = line.split("|")
        if len(cells) > 2 and cells[1].strip() in BENCHMARKS and cells[2].strip() != "check":
            rows.setdefault(cells[1].strip(), []).append(line)
    sections: dict[str, tuple[list[str], str]] = {}
    for chunk in re.split(r"\n(?=## )", text):
        found = re.search(r"Rerun just this benchmark: `python benchmarks/(\w+)\.py", chunk)
        if found and found.group(1) in modules:
            name = modules[found.group(1)]
            sections[name] = (rows.get(name, []), chunk.rstrip("\n"))
    return sections


def render(records: dict[str, dict[str, Any]], earlier: dict[str, tuple[list[str], str]]) -> str:
    """docs/benchmarks.md from the results files, and earlier sections for the rest."""
    machines = [r["machine"] for r in records.values()]
    m = max(machines, key=lambda each: each["date"]) if machines else None
    parts = [
        "# Benchmarks",
        "",
        "<!-- Generated by `python benchmarks/run.py`: do not edit by hand; rerun it instead. -->",
        "Generated by `python benchmarks/run.py` from benchmarks/results/ (one file per benchmark). "
        "Rerun one with `python benchmarks/run.py --only NAME`; each section says when it ran and "
        "under what load.",
        "",
    ]
    if m:
        parts += [
            "## Machine",
            "",
            f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gb']} GB; {m['os']}",
            f"- Python {m['python']}, SQLite {m['sqlite']}",
            "- Other processes sharing the cores lower every rate: see each section's load average.",
            "",
        ]
    parts += [
        "## Results",
        "",
        "| benchmark | check | target | median | baseline | ratio to baseline | result |",
        "|---|---|---|---|---|---|---|",
    ]
    sections: list[str] = []
    for name in BENCHMARKS:
        if name in records:
            result = records[name]["result"]
            parts += [_check_row(result, c) for c in result["checks"]]
            sections += _section(result)
        elif name in earlier:
            rows, section = earlier[name]
            parts += rows
            sections += ["", section]
            if EARLIER_NOTE not in section:
                sections += [
                    "",
                    "(from an earlier run, before per-benchmark results files: rerun it to refresh)",
                ]
    return "\n".join(parts + sections) + "\n"


def _loads(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def _check_row(result: dict[str, Any], check: dict[str, Any]) -> str:
    verdict = "pass" if check["passed"] else "**FAIL**"
    return (
        f"| {result['name']} | {check['name']} | {check['target']} | {check['median']} | "
        f"{check['baseline']} | {check['ratio']} | {verdict} |"
    )


def _measured(result: dict[str, Any]) -> list[str]:
    measured = result.get("run_at")
    if not measured:
        return []
    return [
        "",
        f"Measured {measured['date']}; load average {_loads(measured['load_before'])} before, "
        f"{_loads(measured['load_after'])} after.",
    ]


def _section(result: dict[str, Any]) -> list[str]:
    module = load(result["name"])
    doc = (module.__doc__ or "").strip()
    return [
        "",
        f"## {result['title']}",
        "",
        f"Rerun just this benchmark: `{result['command']}` (add `--json` for the raw numbers).",
        *_measured(result),
        "",
        "```text",
        doc,
        "```",
        "",
        module.markdown(result),
    ]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, for development")
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append", help="run just these")
    parser.add_argument(
        "--render-only", action="store_true", help="regenerate docs/benchmarks.md from benchmarks/results/"
    )
    args = parser.parse_args(argv)
    earlier = earlier_sections(DOC.read_text()) if DOC.exists() else {}
    if not args.render_only:
        suite = run_suite(args.only or list(BENCHMARKS), quick=args.quick)
        for result in suite["benchmarks"]:
            for check in result["checks"]:
                print(_check_row(result, check))
        if args.quick:
            OUT.mkdir(parents=True, exist_ok=True)
            (OUT / "quick.json").write_text(json.dumps(suite, indent=2) + "\n")
            print(f"quick run: wrote {OUT / 'quick.json'}; docs/benchmarks.md left as it is")
            return
        save(suite)
    DOC.write_text(render(saved(), earlier))
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main(sys.argv[1:])
