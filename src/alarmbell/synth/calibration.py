"""Measure a generated population against the calibrated rates, from the files alone.

Reads the written JSONL (not generator internals), so it checks what consumers will see.
Used by the calibration tests and to produce the table in docs/synthetic.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from alarmbell.synth.households import ADULT_AGE_DAYS
from alarmbell.synth.school import age_on

_UNDER_5 = 1826


@dataclass(frozen=True, slots=True)
class Measured:
    """A measured rate beside its target (same unit)."""

    name: str
    measured: float
    target: float

    @property
    def ratio(self) -> float:
        return self.measured / self.target if self.target else float("nan")


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as handle:
        for raw in handle:
            yield orjson.loads(raw)


def _day(text: str) -> int:
    return date.fromisoformat(text[:10]).toordinal()


def _truth(out_dir: Path) -> tuple[dict[str, int], dict[tuple[str, str], str], int]:
    """True child dobs, (agency, source_id) -> true person, and the number of harm lines."""
    dobs: dict[str, int] = {}
    owner: dict[tuple[str, str], str] = {}
    harms = 0
    for rec in _lines(out_dir / "truth.jsonl"):
        if rec["type"] == "harm":
            harms += 1
            continue
        if rec["role"] == "child":
            dobs[rec["person"]] = _day(rec["dob"])
        for agency, source_id in rec["records"]:
            owner[(agency, source_id)] = rec["person"]
    return dobs, owner, harms


def measure(out_dir: Path, *, start_year: int, years: int) -> dict[str, Measured]:
    """The target rates, measured on the files in `out_dir`."""
    from alarmbell.synth.rates import rate

    start = date(start_year, 1, 1).toordinal()
    end = date(start_year + years, 1, 1).toordinal()
    dobs, owner, harms = _truth(out_dir)
    child_days = sum(max(0, min(end, d + ADULT_AGE_DAYS) - max(start, d)) for d in dobs.values())
    under5_days = sum(max(0, min(end, d + _UNDER_5) - max(start, d)) for d in dobs.values())
    csc = _social_care(out_dir, start, end)
    ed = _ed_under_5(out_dir, owner, dobs, start, end)
    persistent, pupil_years = _absence(out_dir, owner, dobs, start_year, years)
    child_years = child_days / 365.25
    return {
        m.name: m
        for m in (
            Measured("referral", csc["referral"] / child_years * 10_000, rate("referral")),
            Measured("section_47", csc["section_47"] / child_years * 10_000, rate("section_47")),
            Measured("cp_plan_start", csc["cp_plan_start"] / child_years * 10_000, rate("cp_plan_start")),
            Measured("cp_plan_stock", csc["plan_days"] / child_days * 10_000, rate("cp_plan_stock")),
            Measured("ed_0_4", ed / (under5_days / 365.25) * 1000, rate("ed_0_4")),
            Measured("persistent_absence", persistent / max(1, pupil_years), rate("persistent_absence")),
            Measured("harm_share", harms / max(1, len(dobs)), rate("harm_share")),
        )
    }


def _social_care(out_dir: Path, start: int, end: int) -> dict[str, int]:
    counts = {"referral": 0, "section_47": 0, "cp_plan_start": 0, "plan_days": 0}
    starts: dict[str, list[int]] = {}
    ends: dict[str, list[int]] = {}
    for rec in _lines(out_dir / "children_social_care.jsonl"):
        if rec["type"] != "event":
            continue
        kind, day = rec["kind"], _day(rec["occurred_at"])
        if kind in counts and start <= day < end:
            counts[kind] += 1
        if kind == "cp_plan_start":
            starts.setdefault(rec["subjects"][0], []).append(day)
        elif kind == "cp_plan_end":
            ends.setdefault(rec["subjects"][0], []).append(day)
    for child, began in starts.items():
        finished = sorted(ends.get(child, []))
        for b in sorted(began):
            e = next((x for x in finished if x >= b), end)
            counts["plan_days"] += max(0, min(e, end) - max(b, start))
    return counts


def _ed_under_5(
    out_dir: Path, owner: dict[tuple[str, str], str], dobs: dict[str, int], start: int, end: int
) -> int:
    n = 0
    for rec in _lines(out_dir / "health.jsonl"):
        if rec["type"] != "event" or rec["kind"] != "ed_attendance":
            continue
        day = _day(rec["occurred_at"])
        dob = dobs.get(owner.get(("health", rec["subjects"][0]), ""))
        if dob is not None and start <= day < end and day - dob < _UNDER_5:
            n += 1
    return n


def _absence(
    out_dir: Path,
    owner: dict[tuple[str, str], str],
    dobs: dict[str, int],
    start_year: int,
    years: int,
) -> tuple[int, int]:
    """(pupil-years with 10%+ absence, eligible pupil-years aged 5-15 on 31 August before)."""
    eligible: set[tuple[str, int]] = set()
    for person, dob in dobs.items():
        for y in range(start_year, start_year + years):
            if 5 <= age_on(dob, date(y - 1, 8, 31).toordinal()) <= 15:
                eligible.add((person, y))
    persistent: set[tuple[str, int]] = set()
    for rec in _lines(out_dir / "education.jsonl"):
        if rec["type"] != "event" or rec["kind"] != "attendance_concern":
            continue
        key = (owner.get(("education", rec["subjects"][0]), ""), int(rec["occurred_at"][:4]))
        if key in eligible and rec["attrs"]["absence_pct"] >= 10:
            persistent.add(key)
    return len(persistent), len(eligible)
