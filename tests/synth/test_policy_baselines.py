"""The simple comparison rules of benchmarks/policy_baselines.py, on a small written population."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from tests.synth.conftest import Population

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import policy_baselines  # noqa: E402
from svg_plot import Series, scatter_svg  # noqa: E402


def _lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_rules_flag_what_they_say(small_population: Population) -> None:
    out = small_population.out_dir
    flags = policy_baselines.rule_alerts(out)
    truth = [t for t in _lines(out / "truth.jsonl") if t["type"] == "truth_person"]
    owner = {(a, s): t["person"] for t in truth for a, s in t["records"]}
    csc = [e for e in _lines(out / "children_social_care.jsonl") if e["type"] == "event"]
    plans = Counter(
        owner[("children_social_care", e["subjects"][0])] for e in csc if e["kind"] == "cp_plan_start"
    )
    referrals = Counter(
        owner[("children_social_care", s)] for e in csc if e["kind"] == "referral" for s in e["subjects"]
    )
    assert {c: len(d) for c, d in flags["CP-IS-style flag"].items()} == dict(plans)
    assert set(flags["3 or more referrals"]) == {c for c, n in referrals.items() if n >= 3}
    high = [e for e in _lines(out / "police.jsonl") if (e.get("attrs") or {}).get("dash_risk") == "high"]
    assert bool(high) == bool(flags["DASH-high"])
    household = {t["person"]: t["household"] for t in truth}
    homes = {household[owner[("police", s)]] for e in high for s in e["subjects"]}
    assert {household[c] for c in flags["DASH-high"]} <= homes
    assert all(len(days) == 1 for days in flags["DASH-high"].values())


def test_rule_measures_count_alerts_inside_the_window_and_leads_before_harm() -> None:
    info = {"start_year": 2019, "years": 1, "child_years": 10_000}
    alerts = {"a": [date(2018, 6, 1)], "b": [date(2019, 3, 1), date(2019, 9, 1)], "c": [date(2019, 5, 1)]}
    harms = [
        {"child": "a", "harm_date": "2019-06-01", "silent": False},
        {"child": "b", "harm_date": "2019-04-01", "silent": False},
        {"child": "c", "harm_date": "2019-04-01", "silent": True},
    ]
    m = policy_baselines.rule_measures(alerts, harms, info)
    assert m["red_per_10k"] == 3.0
    assert m["alerted"] == 2 and m["share_red_before_harm"] == round(2 / 3, 3)
    assert m["median_lead_days"] == (365 + 31) / 2


def test_scatter_svg_draws_every_series_and_the_target() -> None:
    svg = scatter_svg(
        [Series("our policy", [(40.0, 55.0), (45.0, 60.0)]), Series("DASH-high", [(20.0, 10.0)])],
        x_label="red",
        y_label="sensitivity",
        title="t",
        target=(50.0, 90.0),
    )
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "our policy" in svg and "DASH-high" in svg and "target: red" in svg
    assert svg.count("<circle") >= 3  # two points and a legend marker
