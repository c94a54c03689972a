"""The timeline's geometry and its SVG, without a database."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from alarmbell.presentation.timeline_svg import (
    AlertLine,
    Geometry,
    Mark,
    label_width,
    lane_agencies,
    layout_timeline,
    mark_title,
    render_svg,
    stack_rows,
    time_domain,
    x_for,
    years_between,
)

SVG = "{http://www.w3.org/2000/svg}"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def mark(when: str, agency: str = "police", own: bool = True, title: str = "t") -> Mark:
    return Mark(when=at(when), agency=agency, own=own, title=title, href=f"#e-{when}")


def render(marks: list[Mark], alerts: list[AlertLine] | None = None) -> str:
    layout = layout_timeline(marks, alerts or [])
    return render_svg(layout, title="Timeline", description="Events", own_label="Own events")


def test_the_four_core_lanes_come_first_then_others_present_in_vocabulary_order() -> None:
    assert lane_agencies([]) == ("police", "health", "education", "children_social_care")
    assert lane_agencies(["other", "housing", "police", "zoo"]) == (
        "police", "health", "education", "children_social_care", "housing", "other", "zoo",
    )  # fmt: skip


def test_time_domain_pads_three_percent_each_side() -> None:
    start, end = time_domain([at("2010-01-01"), at("2020-01-01")])
    span = at("2020-01-01") - at("2010-01-01")
    assert start == at("2010-01-01") - span * 0.03
    assert end == at("2020-01-01") + span * 0.03


def test_time_domain_of_one_moment_is_at_least_thirty_days_wide() -> None:
    start, end = time_domain([at("2010-05-01")])
    assert (end - start).days >= 30


def test_x_for_maps_the_domain_onto_the_plot() -> None:
    start, end = at("2010-01-01"), at("2012-01-01")
    assert x_for(start, start, end, 100, 300) == 100
    assert x_for(end, start, end, 100, 300) == 300
    assert x_for(at("2011-01-01"), start, end, 100, 300) == 200  # 2010 and 2011: 365 days each


def test_years_between_lists_new_years_inside_the_span() -> None:
    assert years_between(at("2006-12-01"), at("2009-06-01")) == [2007, 2008, 2009]
    assert years_between(at("2007-01-01"), at("2007-12-31")) == [2007]


def test_stack_rows_puts_close_marks_on_new_rows_and_reuses_free_rows() -> None:
    assert stack_rows([0, 5, 8, 30], min_gap=10, max_rows=6) == [0, 1, 2, 0]
    assert stack_rows([0, 20, 40], min_gap=10, max_rows=6) == [0, 0, 0]


def test_stack_rows_never_exceeds_max_rows() -> None:
    rows = stack_rows([0.0] * 10, min_gap=10, max_rows=3)
    assert max(rows) == 2


def test_layout_puts_each_mark_inside_its_agency_lane_and_the_plot() -> None:
    marks = [mark("2007-03-01", "police"), mark("2009-06-01", "health", own=False),
             mark("2011-01-31", "education"), mark("2011-01-31", "education"),
             mark("2012-02-29", "children_social_care"), mark("2010-01-01", "housing")]  # fmt: skip
    layout = layout_timeline(marks)
    lanes = {lane.agency: lane for lane in layout.lanes}
    assert list(lanes) == ["police", "health", "education", "children_social_care", "housing"]
    for placed in layout.marks:
        lane = lanes[placed.mark.agency]
        assert lane.top < placed.y < lane.top + lane.height
        assert layout.plot_left <= placed.x <= layout.plot_right
    same_day = [p for p in layout.marks if p.mark.agency == "education"]
    assert same_day[0].x == same_day[1].x and same_day[0].y != same_day[1].y


def test_lanes_do_not_overlap_and_grow_for_stacked_marks() -> None:
    crowded = [mark("2011-01-31", "health") for _ in range(5)] + [mark("2005-01-01")]
    layout = layout_timeline(crowded)
    for upper, lower in zip(layout.lanes, layout.lanes[1:], strict=False):
        assert upper.top + upper.height == lower.top
    health = next(lane for lane in layout.lanes if lane.agency == "health")
    police = next(lane for lane in layout.lanes if lane.agency == "police")
    assert health.height > police.height == Geometry().lane_min_height


def test_year_ticks_sit_on_new_year() -> None:
    layout = layout_timeline([mark("2006-12-31"), mark("2012-02-29")])
    assert [t.year for t in layout.ticks] == [2007, 2008, 2009, 2010, 2011, 2012]
    xs = [t.x for t in layout.ticks]
    assert xs == sorted(xs)


def test_alert_labels_avoid_running_off_the_plot_or_across_the_next_line() -> None:
    marks = [mark("2006-12-31"), mark("2012-02-29")]
    alerts = [AlertLine(at("2010-07-31"), "red", "Red 31 Jul 2010"),
              AlertLine(at("2011-01-31"), "red", "Red 31 Jan 2011"),
              AlertLine(at("2012-02-29"), "red", "Red 29 Feb 2012")]  # fmt: skip
    placed = layout_timeline(marks, alerts).alerts
    assert [p.label_anchor for p in placed] == ["end", "start", "end"]


def test_svg_is_well_formed_with_a_titled_link_per_event_and_a_line_per_alert() -> None:
    marks = [mark("2007-03-01", title="1 Mar 2007, Police: Domestic incident (Leo)"),
             mark("2008-03-01", "health", own=False)]  # fmt: skip
    alerts = [AlertLine(at("2007-06-01"), "amber", "Amber 1 Jun 2007", "#alert-1")]
    root = ET.fromstring(render(marks, alerts))
    events = root.findall(f".//{SVG}g[@class='app-tl__event app-lane--police']")
    assert len(events) == 1
    link = events[0].find(f"{SVG}a")
    assert link is not None and link.get("href") == "#e-2007-03-01"
    assert link.findtext(f"{SVG}title") == "1 Mar 2007, Police: Domestic incident (Leo)"
    assert root.findall(f".//{SVG}circle[@class='app-tl__mark app-tl__mark--household']")
    assert len(root.findall(f".//{SVG}line[@class='app-tl__alert-line']")) == 1
    assert root.get("aria-labelledby") == "app-tl-title app-tl-desc"


def test_svg_escapes_every_piece_of_text() -> None:
    evil = '<script>alert("x")</script> & "quotes"'
    marks = [Mark(at("2010-01-01"), "police", True, evil, href='#"><script>')]
    svg = render_svg(layout_timeline(marks), title=evil, description=evil, own_label=evil)
    assert "<script>" not in svg
    root = ET.fromstring(svg)
    assert root.findtext(f"{SVG}title") == evil
    assert root.find(f".//{SVG}a").get("href") == '#"><script>'  # type: ignore[union-attr]


def test_mark_title_names_date_agency_kind_whose_and_shortens_text() -> None:
    title = mark_title(at("2011-01-31"), "health", "Injury presentation", "Leo", "x" * 300)
    assert title.startswith("31 Jan 2011, Health: Injury presentation (Leo). xxx")
    assert title.endswith("…") and len(title) < 200


def _year_labels(svg: str) -> list[tuple[int, float]]:
    root = ET.fromstring(svg)
    return [
        (int(str(t.text)), float(t.attrib["x"]))
        for t in root.iter(f"{SVG}text")
        if t.attrib.get("class") == "app-tl__year"
    ]


def test_year_labels_of_a_long_record_do_not_run_together() -> None:
    """Seen in session 16's walk: a school's view of a child born in 1994 with a concern in 2026
    labelled all thirty years, 29px apart, and the axis read "2007200820092010"."""
    labels = _year_labels(render([mark("1998-06-01"), mark("2026-12-03")]))
    years = [year for year, _ in labels]
    gaps = [b - a for (_, a), (_, b) in zip(labels, labels[1:], strict=False)]
    assert len(labels) >= 5 and min(gaps) >= label_width("2000") + 10, labels
    stride = years[1] - years[0]
    assert stride > 1 and all(year % stride == 0 for year in years), years  # round years


def test_every_year_is_labelled_when_there_is_room() -> None:
    labels = _year_labels(render([mark("2007-06-01"), mark("2012-03-01")]))
    assert [year for year, _ in labels] == [2008, 2009, 2010, 2011, 2012]
