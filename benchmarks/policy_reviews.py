"""Would alarmbell have rung for the children of published case reviews, and when?

    python benchmarks/policy_reviews.py [--json] [--policy DIR] [--no-fit]

Every child under evaluation/reviews/ (see review_corpus.py; the demo case included) is
replayed exactly as `alarmbell replay FILE --by-agency` does: the whole file linked in an
in-memory store, events entering the policy in recorded_at order. Per child:

- first amber and first red (amber means amber or higher) for the child's linked person;
- red lead: days from the first red to the harm; a child with no red before the harm counts 0.
  A harm known only to the month or year (outcome.date_precision) counts from the first day of
  that period, since the corpus dates it at the period's end;
- the review's first missed opportunity against the first amber (amber on or before it?);
- the same for the best single agency (each agency's lines replayed alone, the agency with
  the earliest red before harm, then the earliest amber);
- whether the child's records in every agency linked into one person.

Aggregates: share red before harm (target >= 90%), median red lead over all children, no red
counting 0 (target >= 120 days), share amber at or before the first missed opportunity
(target >= 70%).

Leave-one-out. The default policy's weights and thresholds are not fitted on this corpus (they
come from the alert-burden caps on a synthetic population), so its figures need no holding
out. The one thing this benchmark fits is the optional threshold fit: amber and red thresholds
chosen from a grid, never below the policy's own (lowering them would break the burden caps),
to maximise red-before-harm, then median lead, then amber-by-missed-opportunity, ties going to
the higher thresholds (fewer alerts). For each child it is fitted on the other children only and
the child is scored with that fold's thresholds; both the default and the leave-one-out figures
are reported, and the checks use the leave-one-out ones.

Dates known only to the month or year sit at the end of that period in the corpus, so the lead
times are lower bounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from alarmbell.alerts.service import live_people
from alarmbell.chronology import build_chronology
from alarmbell.domain.chronology import Chronology
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.identity import link_people, view
from alarmbell.ingest.service import ingest_file
from alarmbell.policy import Policy, alert_timeline, policy_for
from alarmbell.replay.service import AgencyReplay, replay_by_agency
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from review_corpus import CORPUS, ROOT, ReviewCase, load_corpus

NAME = "policy_reviews"
TITLE = "Early warning on children from published case reviews"
TARGETS = {"share_red_before_harm": 0.90, "median_red_lead_days": 120.0, "share_amber_by_first_missed": 0.70}
#: Threshold grid for the fit, as steps above the policy's own thresholds.
AMBER_STEPS = (0, 2, 4, 6, 8, 10)
RED_STEPS = (0, 3, 6, 9, 12, 15, 20, 25, 30)


@dataclass(frozen=True)
class Dates:
    first_amber: date | None
    first_red: date | None

    def row(self, case: ReviewCase) -> dict[str, Any]:
        harm = case.harm_from
        red_before = self.first_red is not None and self.first_red < harm
        amber_before = self.first_amber is not None and self.first_amber < harm
        first_missed = case.first_missed
        return {
            "first_amber": _iso(self.first_amber),
            "first_red": _iso(self.first_red),
            "red_before_harm": red_before,
            "amber_before_harm": amber_before,
            "red_lead_days": (harm - self.first_red).days if red_before and self.first_red else 0,
            "amber_lead_days": (harm - self.first_amber).days if amber_before and self.first_amber else 0,
            "amber_by_first_missed": bool(
                first_missed and self.first_amber is not None and self.first_amber <= first_missed.day
            ),
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def child_dates(split: AgencyReplay, case: ReviewCase) -> tuple[Dates, dict[str, Dates], dict[str, Any]]:
    """Joined-up dates, each agency's own dates, and how the child's records linked."""
    joined = split.joined
    records = set(case.child_records)
    holders = [p for p in joined.people if records & set(p.records)]
    linked = {
        "people_holding_child_records": len(holders),
        "all_records_found": records <= {k for p in holders for k in p.records},
        "one_person": len(holders) == 1,
        "rejected_lines": joined.ingest.rejected,
    }
    together = Dates(joined.first(AlertLevel.AMBER, records), joined.first(AlertLevel.RED, records))
    alone: dict[str, Dates] = {}
    for agency, result in sorted(split.by_agency.items()):
        own = {k for k in records if k[0] == agency}
        if own:
            alone[agency] = Dates(result.first(AlertLevel.AMBER, own), result.first(AlertLevel.RED, own))
    return together, alone, linked


def best_single(case: ReviewCase, alone: dict[str, Dates]) -> dict[str, Any]:
    """The agency that alone would have rung earliest: earliest red before harm, then earliest amber."""
    if not alone:
        return {"agency": None, **Dates(None, None).row(case)}

    def rank(item: tuple[str, Dates]) -> tuple[date, date]:
        dates = item[1]
        red = dates.first_red if dates.first_red and dates.first_red < case.harm_from else date.max
        amber = dates.first_amber if dates.first_amber and dates.first_amber < case.harm_from else date.max
        return red, amber

    agency, dates = min(alone.items(), key=rank)
    if rank((agency, dates)) == (date.max, date.max):
        return {"agency": None, **dates.row(case)}  # no agency alone raised anything before the harm
    return {"agency": agency, **dates.row(case)}


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    if not n:
        return {"children": 0}
    with_missed = [r for r in rows if r.get("has_missed", True)]
    return {
        "children": n,
        "red_before_harm": sum(r["red_before_harm"] for r in rows),
        "share_red_before_harm": round(sum(r["red_before_harm"] for r in rows) / n, 3),
        "median_red_lead_days": statistics.median(r["red_lead_days"] for r in rows),
        "amber_before_harm": sum(r["amber_before_harm"] for r in rows),
        "median_amber_lead_days": statistics.median(r["amber_lead_days"] for r in rows),
        "amber_by_first_missed": sum(r["amber_by_first_missed"] for r in with_missed),
        "share_amber_by_first_missed": round(
            sum(r["amber_by_first_missed"] for r in with_missed) / len(with_missed), 3
        )
        if with_missed
        else None,
    }


# --- the threshold fit -----------------------------------------------------------------------


def child_chronologies(case: ReviewCase) -> list[Chronology]:
    """The chronologies of every linked person holding one of the child's records (usually one)."""
    engine = make_engine(Settings(database_url="sqlite://"))
    try:
        ingest_file(engine=engine, path=case.chronology)
        with session_scope(engine) as session:
            link_people(session)
        out: list[Chronology] = []
        with session_scope(engine) as session:
            for person_id in live_people(session):
                person = view(session, person_id)
                if person is None or not set(case.child_records) & set(person.records):
                    continue
                chronology = build_chronology(session, person_id)
                if chronology is not None:
                    out.append(chronology)
        return out
    finally:
        engine.dispose()


def candidates(policy: Policy) -> list[Policy]:
    """Threshold pairs on the grid, never below the policy's own, amber below red."""
    out = []
    for up_red in RED_STEPS:
        for up_amber in AMBER_STEPS:
            amber, red = policy.amber + up_amber, policy.red + up_red
            if amber < red:
                out.append(replace(policy, amber=amber, red=red))
    return out


def dates_under(policy: Policy, chronologies: list[Chronology]) -> Dates:
    alerts = [a for c in chronologies for a in alert_timeline(policy, c)]
    amber = [a.raised_at.date() for a in alerts if a.level.rank >= AlertLevel.AMBER.rank]
    red = [a.raised_at.date() for a in alerts if a.level.rank >= AlertLevel.RED.rank]
    return Dates(min(amber, default=None), min(red, default=None))


def _objective(rows: list[dict[str, Any]], policy: Policy) -> tuple[float, ...]:
    summary = aggregate(rows)
    return (
        summary["red_before_harm"],
        summary["median_red_lead_days"],
        summary["amber_by_first_missed"],
        policy.red,
        policy.amber,
    )


def leave_one_out(cases: list[ReviewCase], policy: Policy) -> dict[str, Any]:
    grid = candidates(policy)
    chronologies = {c.slug: child_chronologies(c) for c in cases}
    table = {
        (c.slug, n): {**dates_under(p, chronologies[c.slug]).row(c), "has_missed": bool(c.missed)}
        for c in cases
        for n, p in enumerate(grid)
    }
    held_out: list[dict[str, Any]] = []
    chosen: dict[str, dict[str, float]] = {}
    for case in cases:
        train = [c for c in cases if c.slug != case.slug]
        best = (
            max(range(len(grid)), key=lambda n: _objective([table[(c.slug, n)] for c in train], grid[n]))
            if train
            else 0  # nothing to fit on: the policy's own thresholds
        )
        chosen[case.slug] = {"amber": grid[best].amber, "red": grid[best].red}
        held_out.append({"slug": case.slug, **table[(case.slug, best)]})
    full = max(range(len(grid)), key=lambda n: _objective([table[(c.slug, n)] for c in cases], grid[n]))
    return {
        "grid": {
            "amber": [policy.amber + s for s in AMBER_STEPS],
            "red": [policy.red + s for s in RED_STEPS],
        },
        "fitted_on_all": {"amber": grid[full].amber, "red": grid[full].red},
        "thresholds_by_fold": chosen,
        "children": held_out,
        "aggregate": aggregate(held_out),
    }


# --- the benchmark ---------------------------------------------------------------------------


def run(
    *,
    quick: bool,  # noqa: ARG001 - run.py passes it to every benchmark; this small corpus is always replayed whole
    policy_dir: str | None = None,
    fit: bool = True,
    folder: Path = CORPUS,
) -> dict[str, Any]:
    policy = policy_for(Settings(policy_dir=policy_dir))
    cases = load_corpus(folder)
    rows: list[dict[str, Any]] = []
    single_rows: list[dict[str, Any]] = []
    for case in cases:
        split = replay_by_agency(case.chronology, policy=policy)
        together, alone, linked = child_dates(split, case)
        first_missed = case.first_missed
        single = best_single(case, alone)
        row = {
            "slug": case.slug,
            "title": case.meta.get("title"),
            "harm": case.meta["outcome"].get("harm"),
            "harm_date": case.harm_date.isoformat(),
            "harm_from": case.harm_from.isoformat(),
            "first_missed": {
                "date": first_missed.day.isoformat(),
                "agency": first_missed.agency,
                "what": first_missed.what,
            }
            if first_missed
            else None,
            "has_missed": first_missed is not None,
            **together.row(case),
            "best_single_agency": single,
            "by_agency": {
                a: {"first_amber": _iso(d.first_amber), "first_red": _iso(d.first_red)}
                for a, d in alone.items()
            },
            "linkage": linked,
        }
        rows.append(row)
        single_rows.append({**single, "has_missed": first_missed is not None})
    default = aggregate(rows)
    loo = leave_one_out(cases, policy) if fit else None
    measured = loo["aggregate"] if loo else default
    return {
        "name": NAME,
        "title": TITLE,
        "command": "python benchmarks/policy_reviews.py" + ("" if fit else " --no-fit"),
        "corpus": str(folder.relative_to(ROOT)),
        "policy_version": policy.version,
        "thresholds": {"amber": policy.amber, "red": policy.red},
        "children": rows,
        "default": default,
        "best_single_agency": aggregate(single_rows),
        "linked_one_person": sum(r["linkage"]["one_person"] for r in rows),
        "rejected_lines": sum(r["linkage"]["rejected_lines"] for r in rows),
        "leave_one_out": loo,
        "checks": _checks(measured, aggregate(single_rows), "leave-one-out" if loo else "default policy"),
    }


def _checks(measured: dict[str, Any], single: dict[str, Any], label: str) -> list[dict[str, Any]]:
    rows = [
        (f"children red before harm ({label})", "share_red_before_harm", ">= 90%"),
        (f"median red lead, days, no red = 0 ({label})", "median_red_lead_days", ">= 120"),
        (
            f"amber at or before the first missed opportunity ({label})",
            "share_amber_by_first_missed",
            ">= 70%",
        ),
    ]
    out = []
    for name, key, target in rows:
        value = measured.get(key)
        base = single.get(key)
        out.append(
            {
                "name": name,
                "target": target,
                "median": value,
                "baseline": f"{base} (best single agency)" if base is not None else "-",
                "ratio": round(value / base, 2) if value and base else "-",
                "passed": value is not None and value >= TARGETS[key],
            }
        )
    return out


def markdown(result: dict[str, Any]) -> str:
    corpus = result.get("corpus", "evaluation/reviews")
    lines = [
        f"{len(result['children'])} children from published reviews ({corpus}/), policy "
        f"`{result['policy_version']}` (amber {result['thresholds']['amber']:g}, red "
        f"{result['thresholds']['red']:g}); {result['linked_one_person']} of {len(result['children'])} "
        f"children's records linked into one person; {result['rejected_lines']} rejected lines. "
        "Dates known only to the month or year sit at the end of that period, so leads are lower bounds.",
        "",
        "| child | harm | first amber | first red | red lead, days | first missed opportunity | amber by it? "
        "| best single agency: first red (agency) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in result["children"]:
        missed = r["first_missed"]["date"] if r["first_missed"] else "-"
        single = r["best_single_agency"]
        lines.append(
            f"| {r['slug']} | {_harm(r)} | {r['first_amber'] or 'never'} | "
            f"{r['first_red'] or 'never'} | "
            f"{r['red_lead_days']} | {missed} | {'yes' if r['amber_by_first_missed'] else 'no'} | "
            f"{single['first_red'] or 'never'} ({single['agency'] or '-'}) |"
        )
    lines += [
        "",
        "| measure | default policy | leave-one-out (threshold fit) | best single agency |",
        "|---|---|---|---|",
    ]
    loo = result["leave_one_out"]["aggregate"] if result["leave_one_out"] else {}
    for label, key in [
        ("red before harm", "share_red_before_harm"),
        ("median red lead, days", "median_red_lead_days"),
        ("amber before harm (children)", "amber_before_harm"),
        ("amber at or before first missed opportunity", "share_amber_by_first_missed"),
    ]:
        lines.append(
            f"| {label} | {result['default'].get(key)} | {loo.get(key, '-')} | "
            f"{result['best_single_agency'].get(key)} |"
        )
    if result["leave_one_out"]:
        fitted = result["leave_one_out"]["fitted_on_all"]
        lines += [
            "",
            f"Threshold fit on all children (never below the policy's): amber {fitted['amber']:g}, "
            f"red {fitted['red']:g}. Each child is scored with the thresholds fitted on the others.",
        ]
    return "\n".join(lines)


def _harm(row: dict[str, Any]) -> str:
    """The harm date, or its period when known only to the month or year (measured from the start)."""
    if row["harm_from"] == row["harm_date"]:
        return str(row["harm_date"])
    return f"{row['harm_from']} to {row['harm_date']}"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--policy", help="a policy file or folder (default: the shipped policy)")
    parser.add_argument("--no-fit", action="store_true", help="skip the leave-one-out threshold fit")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="accepted for the suite; the corpus is small")
    args = parser.parse_args(argv)
    result = run(quick=args.quick, policy_dir=args.policy, fit=not args.no_fit)
    print(json.dumps(result, indent=2, default=str) if args.json else markdown(result))


if __name__ == "__main__":
    main(sys.argv[1:])
