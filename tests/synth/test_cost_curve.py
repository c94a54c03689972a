"""The cost curve of benchmarks/population_paths.py: slopes and memory ratios it states, and its chart."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import population_paths  # noqa: E402
from svg_plot import Series, loglog_svg  # noqa: E402


def _rows(seconds_of: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "path": name,
            "events": events,
            "seconds": grow(events),
            "cpu_seconds": 2 * grow(events),
            "peak_rss_mb": 100.0 + events / 1000,
        }
        for name, grow in seconds_of.items()
        for events in (1_000, 10_000, 100_000)
    ]


def test_slope_is_one_for_linear_growth_and_two_for_quadratic() -> None:
    rows = _rows(
        {
            "ingest": lambda n: n / 500,
            "link": lambda n: (n / 1000) ** 2,
            "rescore": lambda _: 3.0,
            "replay": lambda n: n / 100,
        }
    )
    slopes = population_paths.summarise(rows)
    assert slopes["ingest"]["slope"] == 1.0
    assert slopes["link"]["slope"] == 2.0
    assert slopes["rescore"]["slope"] == 0.0
    assert slopes["link"]["cpu_slope"] == 2.0
    assert slopes["replay"]["memory_ratio"] == round(200 / 110, 2)


def test_chart_has_one_line_per_path_on_decade_axes() -> None:
    series = [
        Series("ingest", [(1_000, 0.5), (10_000, 4.0), (100_000, 41.0)]),
        Series("link", [(1_000, 2), (10_000, 30)]),
    ]
    svg = loglog_svg(series, x_label="events", y_label="seconds", title="cost")
    assert svg.count("<polyline") == 2
    for tick in (">1,000<", ">10,000<", ">100,000<", ">0.1<", ">100<"):
        assert tick in svg
    assert ">ingest<" in svg and ">link<" in svg
