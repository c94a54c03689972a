"""The timeline's span (issue 14, item 6): birth bounds it, far-off outliers do not squash it,
an alert before birth says so, and no two alert labels are drawn over each other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alarmbell.presentation.timeline_svg import (
    AlertLine,
    Mark,
    dense_span,
    label_width,
    layout_timeline,
    render_svg,
)


def _at(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def _marks(moments: list[datetime]) -> list[Mark]:
    return [Mark(when=m, agency="police", own=True, title=f"{m:%Y-%m-%d}") for m in moments]


CASE = [_at(2007, 4, 9) + timedelta(days=45 * i) for i in range(40)]  # 2007 to 2012


def test_one_far_event_is_left_out_unless_asked_for() -> None:
    moments = [*CASE, _at(2026, 3, 1)]
    low, high = dense_span(moments)
    assert low == CASE[0] and high == CASE[-1]
    clipped = layout_timeline(_marks(moments), clip_outliers=True)
    assert clipped.outliers == 1 and clipped.end < _at(2013)
    whole = layout_timeline(_marks(moments))
    assert whole.outliers == 0 and whole.end > _at(2026)


def test_a_record_without_a_long_gap_is_never_clipped() -> None:
    assert dense_span(CASE) == (None, None)
    evenly = [_at(2000) + timedelta(days=400 * i) for i in range(20)]
    assert dense_span(evenly) == (None, None)
    # Many events after a gap are a second episode of the case, not outliers.
    two_episodes = CASE + [_at(2020) + timedelta(days=30 * i) for i in range(10)]
    assert dense_span(two_episodes) == (None, None)


def test_birth_bounds_the_axis_and_a_pre_birth_alert_is_marked() -> None:
    born = _at(2007, 7, 15)
    pre_birth = AlertLine(_at(2007, 4, 9), "amber", "Amber 9 Apr 2007, before birth")
    layout = layout_timeline(_marks(CASE), [pre_birth], born=born)
    assert layout.born_x is not None and layout.start <= born
    svg = render_svg(layout, title="t", description="d", own_label="own")
    assert "Born 15 Jul 2007" in svg and "before birth" in svg
    later = layout_timeline(_marks([_at(2010), _at(2011)]), born=_at(2009, 6, 1))
    assert later.start <= _at(2009, 6, 1), "the axis starts at birth, not at the first record"


def test_no_two_alert_labels_overlap() -> None:
    alerts = [
        AlertLine(_at(2011, 1, 1) + timedelta(days=3 * i), "red", f"Red {i} Jan 2011") for i in range(12)
    ]
    layout = layout_timeline(_marks(CASE), alerts)
    drawn = [a for a in layout.alerts if a.labelled]
    assert 0 < len(drawn) < len(alerts), "crowded labels are left out, their lines kept"
    boxes = []
    for alert in drawn:
        width = label_width(alert.line.label)
        left = alert.x + 4 if alert.label_anchor == "start" else alert.x - 4 - width
        boxes.append((alert.label_y, left, left + width))
    for i, (y, a0, a1) in enumerate(boxes):
        for y2, b0, b1 in boxes[i + 1 :]:
            assert y != y2 or a1 + 8 <= b0 or b1 + 8 <= a0, (boxes[i], (y2, b0, b1))
    assert len(layout.alerts) == len(alerts)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_chart_labels_meet_contrast_on_every_band() -> None:
    from alarmbell.web.pages.triage_charts_svg import BAND_COLOURS, BAND_TEXT

    for band, fill in BAND_COLOURS.items():
        assert contrast(BAND_TEXT[band], fill) >= 4.5, band


def test_red_and_amber_tags_differ_in_more_than_hue() -> None:
    import re
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "src/alarmbell/web/static/alarmbell.css").read_text()
    colours = dict(re.findall(r"--app-alert-([a-z-]+): (#[0-9a-f]{6});", css))
    red_fill, amber_fill = colours["red"], colours["amber-background"]
    red_rule = re.search(r"\.app-alert-tag--red \{([^}]*)\}", css)
    amber_rule = re.search(r"\.app-alert-tag--amber \{([^}]*)\}", css)
    assert red_rule and "background-color: var(--app-alert-red);" in red_rule.group(1)
    assert amber_rule and "background-color: var(--app-alert-amber-background);" in amber_rule.group(1)
    assert contrast(red_fill, amber_fill) >= 3, "red and amber tags are told apart by lightness too"
    assert contrast("#ffffff", red_fill) >= 4.5
    assert contrast(colours["amber-text"], amber_fill) >= 4.5
