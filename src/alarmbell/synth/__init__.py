"""Seeded synthetic multi-agency population in the agency exchange format v1.

`generate` writes one JSONL file per agency (police, health, education, children's social
care) and a `truth.jsonl` linking every record to the true person and listing the seeded harm
trajectories. The same seed always gives byte-identical files. Everything here is invented.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from alarmbell.synth.ids import SYNTH_AGENCIES
from alarmbell.synth.rates import RATES, Rate
from alarmbell.synth.trajectory_sources import PUBLISHED, TRAJECTORY_SOURCES, checked_source
from alarmbell.synth.writer import TRUTH, ChunkResult, chunk_tasks, write_all

__all__ = ["RATES", "TRAJECTORY_SOURCES", "Rate", "SynthSummary", "generate"]

#: Below this many children a process pool costs more than it saves.
_POOL_THRESHOLD = 20_000


@dataclass(frozen=True, slots=True)
class SynthSummary:
    """What `generate` wrote: counts per agency and the file paths."""

    children: int
    adults: int
    households: int
    child_years: float
    records: Mapping[str, int]
    relationships: Mapping[str, int]
    events: Mapping[str, int]
    harm_trajectories: int
    harm_by_trajectory: Mapping[str, int]
    paths: Mapping[str, Path] = field(default_factory=dict)

    @property
    def total_events(self) -> int:
        return sum(self.events.values())


@dataclass(slots=True)
class _Tally:
    children: int = 0
    adults: int = 0
    households: int = 0
    child_days: int = 0
    records: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    harm: dict[str, int] = field(default_factory=dict)

    def add(self, r: ChunkResult) -> None:
        self.children += r.children
        self.adults += r.adults
        self.households += r.households
        self.child_days += r.child_days
        for mine, theirs in (
            (self.records, r.records),
            (self.relationships, r.relationships),
            (self.events, r.events),
            (self.harm, r.harm),
        ):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v


def _window(start_year: int, years: int, until: date | None) -> tuple[int, int]:
    """The window [start, end) as ordinals: whole years from 1 January, or the years before `until`."""
    if until is None:
        return date(start_year, 1, 1).toordinal(), date(start_year + years, 1, 1).toordinal()
    leap_day = (until.month, until.day) == (2, 29)
    first = until.replace(year=until.year - years, day=28 if leap_day else until.day)
    return first.toordinal(), until.toordinal()


def generate(
    *,
    children: int,
    years: int,
    seed: int,
    out_dir: Path,
    start_year: int = 2019,
    until: date | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    trajectories: str = PUBLISHED,
) -> SynthSummary:
    """Write the population for `children` children over `years` years from 1 January.

    `until`, when given, ends the window the day before it instead (the `years` years before
    `until`; `start_year` is then unused), so a population can be current: the demo's families
    end around today rather than in a fixed past year.

    `progress(n)` receives the number of children finished since the previous call.
    `workers` defaults to one process for small populations and the CPU count otherwise;
    the output does not depend on it. `trajectories` says where harm trajectories come from:
    `published` (published rates, the default), `reviews` (templates from the train half of
    the review corpus) or `reviews-held-out` (the other half); see docs/synthetic.md.
    """
    if children < 1 or years < 1:
        raise ValueError("children and years must be at least 1")
    checked_source(trajectories)
    start, end = _window(start_year, years, until)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / f"{name}.jsonl" for name in (*SYNTH_AGENCIES, TRUTH)}
    if workers is None:
        workers = 1 if children < _POOL_THRESHOLD else max(1, os.cpu_count() or 1)
    tally = _Tally()

    def on_chunk(result: ChunkResult) -> None:
        tally.add(result)
        if progress is not None:
            progress(result.children)

    write_all(chunk_tasks(seed, children, start, end, trajectories), paths, workers, on_chunk)
    return SynthSummary(
        children=tally.children,
        adults=tally.adults,
        households=tally.households,
        child_years=round(tally.child_days / 365.25, 2),
        records=tally.records,
        relationships=tally.relationships,
        events=tally.events,
        harm_trajectories=sum(tally.harm.values()),
        harm_by_trajectory=tally.harm,
        paths=paths,
    )
