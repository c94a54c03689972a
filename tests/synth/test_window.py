"""`generate(until=...)`: a population whose window ends on a given day (the demo's ends about
today), not on 1 January of a fixed year."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import orjson

from alarmbell.synth import generate


def event_days(folder: Path, field: str) -> list[date]:
    days = []
    for path in folder.glob("*.jsonl"):
        if path.name == "truth.jsonl":
            continue
        for line in path.read_bytes().splitlines():
            record = orjson.loads(line)
            if record.get("type") == "event" and record.get(field):
                days.append(date.fromisoformat(record[field][:10]))
    return days


def test_the_window_ends_the_day_before_until_and_starts_years_before(tmp_path: Path) -> None:
    until = date(2028, 2, 29)  # a leap day: five years before it there is none
    generate(children=60, years=5, seed=7, out_dir=tmp_path, until=until)
    occurred = event_days(tmp_path, "occurred_at")
    recorded = event_days(tmp_path, "recorded_at")
    start = date(2023, 2, 28)
    before = [day for day in occurred if day < start]
    assert len(before) <= len(occurred) // 100, "a few histories reach back before the window"
    assert any(start <= day < start + timedelta(days=90) for day in occurred), "it starts five years before"
    assert max(occurred) < until
    assert max(occurred) >= until - timedelta(days=90), "the newest events are near the end"
    assert max(recorded) < until + timedelta(days=7), "recorded at most a week after the event"


def test_without_until_the_window_is_whole_years_from_1_january(tmp_path: Path) -> None:
    generate(children=60, years=2, seed=7, out_dir=tmp_path, start_year=2019)
    occurred = event_days(tmp_path, "occurred_at")
    assert max(occurred) < date(2021, 1, 1) and max(occurred).year == 2020
