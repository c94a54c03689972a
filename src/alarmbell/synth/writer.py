"""Streaming output: households in fixed chunks, rendered in worker processes, written in order.

Chunks are deterministic (fixed size, household-seeded), so the files are byte-identical
whatever the number of workers. Memory stays flat: only a few chunks are in flight at once.
Within a chunk each file carries persons, then relationships, then events by date; persons
and relationships are shuffled with a chunk-seeded generator so line order does not give
away which records belong to one household.
"""

from __future__ import annotations

import multiprocessing
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final

from alarmbell.synth.ids import MAX_HOUSEHOLDS, SYNTH_AGENCIES, IdScheme
from alarmbell.synth.render import render_household

CHUNK_HOUSEHOLDS: Final[int] = 500
TRUTH: Final[str] = "truth"
#: Children per household at the start, before births (shares; assumption close to ONS
#: Families and Households: 1 child 44%, 2 child 40%, 3+ 16% of families with dependent children).
CHILDREN_PER_HOUSEHOLD: Final[tuple[tuple[int, float], ...]] = (
    (1, 0.44),
    (2, 0.40),
    (3, 0.12),
    (4, 0.04),
)


@dataclass(frozen=True, slots=True)
class ChunkTask:
    seed: int
    number: int
    first_household: int
    sizes: tuple[int, ...]
    start: int
    end: int
    trajectories: str = "published"


@dataclass(slots=True)
class ChunkResult:
    """Bytes for each output file and counts for the summary."""

    data: dict[str, bytes]
    children: int = 0
    adults: int = 0
    households: int = 0
    child_days: int = 0
    records: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    harm: dict[str, int] = field(default_factory=dict)


def household_sizes(seed: int, children: int) -> Iterator[int]:
    """Children per household until the total is reached (the last household is cut to fit)."""
    rng = random.Random(f"{seed}:sizes")
    left = children
    while left > 0:
        u, n = rng.random(), CHILDREN_PER_HOUSEHOLD[-1][0]
        for size, share in CHILDREN_PER_HOUSEHOLD:
            u -= share
            if u < 0:
                n = size
                break
        n = min(n, left)
        left -= n
        yield n


def chunk_tasks(
    seed: int, children: int, start: int, end: int, trajectories: str = "published"
) -> Iterator[ChunkTask]:
    sizes: list[int] = []
    first, number = 0, 0
    for n in household_sizes(seed, children):
        sizes.append(n)
        if len(sizes) == CHUNK_HOUSEHOLDS:
            yield ChunkTask(seed, number, first, tuple(sizes), start, end, trajectories)
            first, number, sizes = first + len(sizes), number + 1, []
    if sizes:
        yield ChunkTask(seed, number, first, tuple(sizes), start, end, trajectories)
    if first + len(sizes) > MAX_HOUSEHOLDS:
        raise ValueError(f"at most {MAX_HOUSEHOLDS} households are supported")


def render_chunk(task: ChunkTask) -> ChunkResult:
    """Render every household of a chunk and lay the lines out per file."""
    scheme = IdScheme.from_seed(task.seed)
    persons: dict[str, list[bytes]] = {a: [] for a in SYNTH_AGENCIES}
    rels: dict[str, list[bytes]] = {a: [] for a in SYNTH_AGENCIES}
    events: dict[str, list[tuple[int, bytes]]] = {a: [] for a in SYNTH_AGENCIES}
    truth: list[bytes] = []
    result = ChunkResult({})
    for offset, n in enumerate(task.sizes):
        out = render_household(
            task.seed, scheme, task.first_household + offset, n, task.start, task.end, task.trajectories
        )
        for agency, lines in out.agencies.items():
            persons[agency].extend(lines.persons)
            rels[agency].extend(lines.relationships)
            events[agency].extend(lines.events)
        truth.extend(out.truth)
        result.children += out.children
        result.adults += out.adults
        result.child_days += out.child_days
        if out.harm:
            result.harm[out.harm] = result.harm.get(out.harm, 0) + 1
    result.households = len(task.sizes)
    rng = random.Random(f"{task.seed}:chunk:{task.number}")
    for agency in SYNTH_AGENCIES:
        rng.shuffle(persons[agency])
        rng.shuffle(rels[agency])
        events[agency].sort(key=lambda e: e[0])
        result.records[agency] = len(persons[agency])
        result.relationships[agency] = len(rels[agency])
        result.events[agency] = len(events[agency])
        result.data[agency] = b"".join(
            [*persons[agency], *rels[agency], *(line for _, line in events[agency])]
        )
    result.data[TRUTH] = b"".join(truth)
    return result


def _results(tasks: Iterator[ChunkTask], workers: int) -> Iterator[ChunkResult]:
    if workers <= 1:
        yield from map(render_chunk, tasks)
        return
    # fork where the platform has it: spawn would re-run the caller's main module.
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ctx.Pool(workers) as pool:
        yield from pool.imap(render_chunk, tasks, chunksize=1)


def write_all(
    tasks: Iterator[ChunkTask],
    paths: dict[str, Path],
    workers: int,
    on_chunk: Callable[[ChunkResult], None],
) -> None:
    """Write chunks to their files in order; `on_chunk` sees each result for counting."""
    handles: dict[str, IO[bytes]] = {}
    try:
        for name, path in paths.items():
            handles[name] = path.open("wb", buffering=1 << 20)
        for result in _results(tasks, workers):
            for name, data in result.data.items():
                handles[name].write(data)
            on_chunk(result)
    finally:
        for handle in handles.values():
            handle.close()
