"""The queue's order: harm first, rising with time waited against the item's own clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from alarmbell.triage.scoring import Bands, mash_level_for_harm, priority, rank, waiting_factor

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    id: int
    harm_days: float
    opened_at: datetime
    due_at: datetime


def test_waiting_factor_is_one_at_opening_and_two_when_due() -> None:
    due = T0 + timedelta(hours=4)
    assert waiting_factor(T0, due, T0) == 1.0
    assert waiting_factor(T0, due, due) == 2.0
    assert waiting_factor(T0, due, T0 + timedelta(hours=40)) == 11.0
    assert waiting_factor(T0, due, T0 - timedelta(hours=1)) == 1.0


def test_a_fresh_red_alert_outranks_a_bigamy_file_that_is_days_overdue() -> None:
    bigamy = Item(1, 10.0, T0, T0 + timedelta(hours=72))
    now = T0 + timedelta(days=12)
    red = Item(2, 365.0, now, now + timedelta(hours=4))
    assert [i.id for i in rank([bigamy, red], now)] == [2, 1]
    assert priority(10.0, bigamy.opened_at, bigamy.due_at, now) == 10.0 * 5


def test_nothing_waits_for_ever() -> None:
    """A low-harm item left long enough overtakes a fresh high-harm one: harm dominates, but no starvation."""
    now = T0 + timedelta(days=600)  # 200 of its 3-day timescales: 2 x 201 > 365
    old_theft = Item(1, 2.0, T0, T0 + timedelta(hours=72))
    fresh_red = Item(2, 365.0, now, now + timedelta(hours=4))
    assert rank([fresh_red, old_theft], now)[0].id == 1


def test_ties_go_to_the_earlier_due_time_then_the_older_item() -> None:
    a = Item(5, 30.0, T0, T0 + timedelta(hours=24))
    b = Item(3, 30.0, T0, T0 + timedelta(hours=24))
    c = Item(4, 30.0, T0 - timedelta(hours=24), T0)
    assert [i.id for i in rank([a, b, c], T0 - timedelta(hours=24))] == [4, 3, 5]


def test_bands_put_bigamy_in_low_and_red_alerts_in_high() -> None:
    bands = Bands(low=10, high=365)
    assert bands.band(10) == "low" and bands.band(10.5) == "medium" and bands.band(365) == "high"
    assert mash_level_for_harm(2555, bands) == "red"
    assert mash_level_for_harm(10, bands) == "green"
