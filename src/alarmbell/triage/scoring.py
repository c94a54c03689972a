"""How the queue is ordered: harm first, then how long an item has waited against its own clock.

Pure functions (mypy strict). The formula, and why it orders by harm rather than by ease, is in
docs/triage.md:

    priority = harm_days x (1 + waited / timescale)

`harm_days` is the Cambridge Crime Harm Index value of the offence, or the configured harm
equivalent of a child's alert level; `waited` is the time since the item opened and `timescale`
the time it was given (opened to due). A fresh item scores its harm; an item at its due time
scores twice its harm; an item ten timescales late scores eleven times. Harm dominates: a fresh
red alert (365) outranks a bigamy file (10) until the file is 35 timescales overdue, but nothing
waits for ever. Nothing in the formula rewards an item for being quick to close.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol, TypeVar

HarmBand = Literal["low", "medium", "high"]
HARM_BANDS: tuple[HarmBand, ...] = ("low", "medium", "high")
MIN_TIMESCALE = timedelta(minutes=1)
MIN_TIMESCALE_S = MIN_TIMESCALE.total_seconds()


class Rankable(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def harm_days(self) -> float: ...

    @property
    def opened_at(self) -> datetime: ...

    @property
    def due_at(self) -> datetime: ...


R = TypeVar("R", bound=Rankable)


@dataclass(frozen=True, slots=True)
class Bands:
    """Harm thresholds in days: low is at or below `low`, high is at or above `high`."""

    low: float = 10.0
    high: float = 365.0

    def band(self, harm_days: float) -> HarmBand:
        if harm_days <= self.low:
            return "low"
        if harm_days >= self.high:
            return "high"
        return "medium"


def waiting_factor(opened: datetime, due: datetime, now: datetime) -> float:
    """1 when the item opens, 2 at its due time, and on from there (never below 1)."""
    return waiting_factor_s(opened.timestamp(), due.timestamp(), now.timestamp())


def waiting_factor_s(opened: float, due: float, now: float) -> float:
    """The same on POSIX seconds: the queue ranks every open item, so this is its hot loop."""
    return 1.0 + max(now - opened, 0.0) / max(due - opened, MIN_TIMESCALE_S)


def priority(harm_days: float, opened: datetime, due: datetime, now: datetime) -> float:
    return harm_days * waiting_factor(opened, due, now)


def sort_key(item: Rankable, now: datetime) -> tuple[float, float, int]:
    """Highest priority first; then the earlier due time; then the older id (a stable order)."""
    return key_s(
        item.id, item.harm_days, item.opened_at.timestamp(), item.due_at.timestamp(), now.timestamp()
    )


def key_s(item_id: int, harm_days: float, opened: float, due: float, now: float) -> tuple[float, float, int]:
    return (-harm_days * waiting_factor_s(opened, due, now), due, item_id)


def rank(items: Iterable[R], now: datetime) -> list[R]:
    return sorted(items, key=lambda item: sort_key(item, now))


def top(
    rows: Iterable[tuple[int, float, float, float]], now: datetime, count: int
) -> list[tuple[float, float, int]]:
    """The `count` highest-priority rows, as sort keys, best first.

    Rows are (id, harm days, opened, due) with times in POSIX seconds. A partial sort: the
    queue page shows 50 of perhaps 10,000 items (benchmarks/triage_queue.py).
    """
    moment = now.timestamp()
    return heapq.nsmallest(count, (key_s(i, harm, opened, due, moment) for i, harm, opened, due in rows))


def alert_harm(level: str, equivalents: Mapping[str, float]) -> float:
    """A child's alert in harm days: a configured equivalent per level (docs/triage.md)."""
    return equivalents[level]


def overdue_by(due: datetime, now: datetime) -> timedelta:
    return max(now - due, timedelta(0))


def mash_level_for_harm(harm_days: float, bands: Bands) -> str:
    """A police investigation's first response is rated like a MASH contact of its harm band."""
    return {"high": "red", "medium": "amber", "low": "green"}[bands.band(harm_days)]
