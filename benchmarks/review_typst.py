"""The alternative measured for the review PDF: the same content typeset by Typst (a prototype).

    python benchmarks/review_typst.py --database demo.db [--repeat 5]

Needs the `typst` package (not a dependency of alarmbell: `pip install typst`). The report's data
comes from the same `context(report, for_pdf=True)` as the WeasyPrint PDF, is passed to
review_typst.typ as JSON (so no agency text is ever parsed as markup), and both figures go in as
the same SVG. Each run times, as a new process (as the CLI runs), Python's start, imports, gathering
the report from the store and compiling the PDF. Used by review_report.py when typst is importable.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parent / "review_typst.typ"
CHILD = "health:HEA-demo-P1"


def available() -> bool:
    try:
        import typst  # noqa: F401
    except ImportError:
        return False
    return True


def typst_data(report: Any) -> dict[str, Any]:
    """The report as the template's JSON: what the WeasyPrint PDF shows, as plain strings."""
    from alarmbell.review.phrases import agency_name, short_day
    from alarmbell.review.render import context, render_html

    c = context(report, for_pdf=True)
    cap = c["list_cap"]
    r = report
    html = render_html(report, for_pdf=True)
    method = re.search(r'id="method".*?</section>', html, re.S)
    return {
        "title": f"Multi-agency review: {r.name}",
        "name": r.name,
        "subtitle": f"Everything recorded, {c['span']}",
        "generated": f"Generated {c['generated_label']}. Synthetic and pseudonymised demonstration data.",
        "facts": [
            ["Child", f"{r.name} (person {r.person_id})"],
            ["Records", f"{len(r.chronology.entries)} events, {c['span']}"],
            ["Alerts raised", "; ".join(f"{a.alert.level} {short_day(a.alert.raised_at)}" for a in r.alerts)],
        ],
        "caveat": "This report supports the reviewers' judgement; it does not replace a review.",
        "missed": [_missed(m, cap) for m in r.missed],
        "family": [
            [
                f.member.name,
                f.member.relation,
                "Yes" if f.in_household else "No",
                ", ".join(map(agency_name, f.member.recorded_by)),
                "; ".join(f.notes),
            ]
            for f in r.family
        ],  # fmt: skip
        "agencies": [c["agency_labels"][a] for a in r.matrix.agencies],
        "matrix": [
            [
                short_day(row.occurred_at),
                f"{row.summary} ({row.category})",
                row.about,
                [
                    f"{short_day(k.since)} {'R' if k.how.startswith('recorded it') else 'S'}"
                    if k.since
                    else ""
                    for k in row.known
                ],
            ]
            for row in c["matrix_rows"]
        ],  # fmt: skip
        "alerts": [
            [
                short_day(a.alert.raised_at),
                a.alert.level.capitalize(),
                "; ".join(a.rule_titles),
                f"{a.response} {a.next_action}",
            ]
            for a in r.alerts
        ],  # fmt: skip
        "timers": [
            [t.step, short_day(t.started_at), t.target, f"{t.status.capitalize()} {t.sentence}"]
            for t in c["timers"]
        ],  # fmt: skip
        "chronology": [
            [e.when, e.agency_label, f"{e.what}. {e.text}", e.about, e.recorded] for e in c["chronology"]
        ],
        "method": [
            re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", method.group(0), re.S)
        ]
        if method
        else [],
        "genogram": _svg(c["genogram_svg"]),
        "timeline": _svg(c["timeline_svg"]),
    }


def _items(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", html, re.S)]


def _missed(m: Any, cap: int) -> dict[str, Any]:
    from alarmbell.review.phrases import agency_name

    lists = (
        ("What happened", list(m.happened)),
        ("What was not done", list(m.missing)),
        ("What was known elsewhere at the time", [g.sentence for g in m.known_elsewhere]),
    )
    agencies = ", ".join(map(agency_name, m.agencies))
    return {
        "title": m.title,
        "agencies": agencies,
        "meta": f"Agencies involved: {agencies} · rules: {', '.join(m.rules)}",
        "lists": [[head, items[:cap]] for head, items in lists if items],
    }


def _svg(img: object) -> str:
    found = re.search(r'base64,([^"]+)', str(img))
    return base64.b64decode(found.group(1)).decode() if found else "<svg xmlns='http://www.w3.org/2000/svg'/>"


def render_typst(report: Any) -> bytes:
    import typst

    data = json.dumps(typst_data(report))
    pdf = typst.compile(TEMPLATE.read_bytes(), sys_inputs={"data": data}, root=str(TEMPLATE.parent))
    assert isinstance(pdf, bytes)
    return pdf


def one_run(database: Path, out: Path) -> None:
    """What `alarmbell review CHILD --format pdf` would do with Typst: gather, build, typeset, write."""
    from alarmbell.identity import find_person
    from alarmbell.policy.loader import default_policy
    from alarmbell.review import review_report
    from alarmbell.settings import Settings
    from alarmbell.storage.db import make_engine, session_scope

    engine = make_engine(Settings(database_url=f"sqlite:///{database}"))
    with session_scope(engine) as session:
        person = find_person(session, CHILD)
        assert person is not None
        report = review_report(
            session,
            person_id=person,
            policy=default_policy(),
            alert_working_days=Settings().triage_alert_working_days,
        )
    engine.dispose()
    assert report is not None
    out.write_bytes(render_typst(report))


def measure(database: Path, repeat: int) -> dict[str, Any]:
    """Median wall and CPU seconds of `repeat` runs, each a new process (one warm-up not counted)."""
    walls, cpus = [], []
    with tempfile.TemporaryDirectory(prefix="alarmbell-typst-") as tmp:
        out = Path(tmp) / "review.pdf"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--database",
            str(database),
            "--once",
            str(out),
        ]
        for _ in range(repeat + 1):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=dict(os.environ))
            walls.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        size = out.stat().st_size
    return {
        "seconds": round(statistics.median(walls[1:]), 3),
        "cpu_seconds": round(statistics.median(cpus[1:]), 3),
        "runs": [round(w, 3) for w in walls[1:]],
        "bytes": size,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--database", type=Path, required=True, help="a demo store (alarmbell demo)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--once", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.once:
        one_run(args.database, args.once)
        return
    print(json.dumps(measure(args.database, args.repeat), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
