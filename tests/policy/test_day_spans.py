"""`policy.day_spans`: the set operations the rescore pre-pass runs on days, against plain sets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from alarmbell.policy import day_spans

SPANS = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12), st.integers(1, 3)), max_size=8)


def _days(spans: day_spans.Days) -> set[int]:
    return {day for first, last in spans for day in range(first, last + 1)}


def _weighed(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    return [(start, start + length, weight) for start, length, weight in spans]


@given(SPANS, st.integers(1, 6))
def test_covered_is_the_days_the_spans_weigh_enough_on(spans: list[tuple[int, int, int]], least: int) -> None:
    weighed = _weighed(spans)
    expected = {
        day
        for day in range(0, 60)
        if sum(weight for first, last, weight in weighed if first <= day <= last) >= least
    }
    found = day_spans.covered(weighed, least)
    assert _days(found) == expected
    assert all(a[1] + 1 < b[0] for a, b in zip(found, found[1:], strict=False)), "sorted, apart"


@given(st.lists(SPANS, min_size=1, max_size=3))
def test_union_and_intersection_are_those_of_the_day_sets(sets: list[list[tuple[int, int, int]]]) -> None:
    as_spans = [day_spans.covered(_weighed(spans), 1) for spans in sets]
    plain = [_days(spans) for spans in as_spans]
    assert _days(day_spans.union(as_spans)) == set().union(*plain)
    assert _days(day_spans.intersection(as_spans)) == set.intersection(*plain)
    assert all(day_spans.holds_on(spans, day) for spans in as_spans for day in _days(spans))
