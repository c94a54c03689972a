"""The chronology as a picture: one lane per agency, one mark per event, alerts as vertical lines.

Two pure steps, so the geometry can be tested without parsing SVG: `layout_timeline` turns marks
and alert lines into coordinates, `render_svg` turns a layout into SVG text. Every piece of text
is escaped here; colours come from CSS classes (`app-lane--<agency>`, `app-tl__alert--<level>`)
so the palette lives in one stylesheet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape

from alarmbell.domain.vocabulary import AGENCIES
from alarmbell.presentation.formatting import agency_label, short_date

#: Lanes drawn even when an agency has no events: the four agencies every MASH hears from.
CORE_AGENCIES: tuple[str, ...] = ("police", "health", "education", "children_social_care")

_XFunction = Callable[[datetime], float]


@dataclass(frozen=True, slots=True)
class Mark:
    """One event to draw. `own` is False for a household adult's event."""

    when: datetime
    agency: str
    own: bool
    title: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class AlertLine:
    when: datetime
    level: str
    label: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Geometry:
    """Sizes in SVG user units; the SVG scales to its container's width."""

    width: int = 1140
    label_width: int = 200
    right_pad: int = 24
    alert_band: int = 46
    alert_label_row: int = 17
    lane_min_height: int = 52
    lane_pad: int = 12
    row_step: int = 13
    max_rows: int = 6
    mark_radius: float = 5.5
    min_gap: float = 12.0
    axis_height: int = 34
    legend_height: int = 34


@dataclass(frozen=True, slots=True)
class Lane:
    agency: str
    label: str
    events: int
    top: float
    height: float

    @property
    def middle(self) -> float:
        return self.top + self.height / 2


@dataclass(frozen=True, slots=True)
class PlacedMark:
    mark: Mark
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class PlacedAlert:
    line: AlertLine
    x: float
    label_y: float
    label_anchor: str
    #: False when no label row was free: the line keeps its tooltip and the alert list below.
    labelled: bool = True


@dataclass(frozen=True, slots=True)
class Tick:
    year: int
    x: float


@dataclass(frozen=True, slots=True)
class TimelineLayout:
    geometry: Geometry
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    start: datetime
    end: datetime
    lanes: tuple[Lane, ...]
    marks: tuple[PlacedMark, ...]
    alerts: tuple[PlacedAlert, ...]
    ticks: tuple[Tick, ...]
    #: The child's birth, drawn as a line bounding their life, when it falls in the span.
    born_x: float | None = None
    born_label: str = ""
    #: The child's death, when recorded (a CIN census death date): the other bound of their life.
    died_x: float | None = None
    died_label: str = ""
    #: Events and alerts left out because they lie far outside the span that holds nearly all.
    outliers: int = 0


# ---------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------


def layout_timeline(
    marks: Sequence[Mark],
    alerts: Sequence[AlertLine] = (),
    geometry: Geometry | None = None,
    *,
    born: datetime | None = None,
    died: datetime | None = None,
    clip_outliers: bool = False,
    present_only: bool = False,
) -> TimelineLayout:
    """Coordinates for every lane, mark, alert line and year tick.

    `present_only` draws lanes only for agencies with marks, for a viewer shown their own
    agency's records only: a lane of another agency would read "0 events" when that agency's
    records are there but hidden from them (docs/security.md: what is hidden is never "none").

    `born` bounds the axis on the left (a child's life starts the picture; a pre-birth concern
    still shows before it). With `clip_outliers`, a few events far from all the others (a 2026
    letter on a 2007-2012 case) are left out so they do not squash the rest; `outliers` says how many.
    """
    g = geometry or Geometry()
    moments = [m.when for m in marks] + [a.when for a in alerts]
    low, high = dense_span(moments) if clip_outliers else (None, None)
    kept_marks = [m for m in marks if _inside(m.when, low, high)]
    kept_alerts = [a for a in alerts if _inside(a.when, low, high)]
    outliers = len(marks) - len(kept_marks) + len(alerts) - len(kept_alerts)
    domain = [m.when for m in kept_marks] + [a.when for a in kept_alerts]
    if born is not None and domain and born <= max(domain):
        domain.append(born)
    if died is not None and domain:
        domain.append(died)
    start, end = time_domain(domain)
    left, right = float(g.label_width), float(g.width - g.right_pad)

    def x_of(moment: datetime) -> float:
        return x_for(moment, start, end, left, right)

    lanes, placed = _lanes_and_marks(kept_marks, x_of, g, present_only=present_only and bool(kept_marks))
    bottom = lanes[-1].top + lanes[-1].height
    born_x = x_of(born) if born is not None and start <= born <= end else None
    died_x = x_of(died) if died is not None and start <= died <= end else None
    return TimelineLayout(
        born_x=born_x,
        born_label=f"Born {short_date(born)}" if born_x is not None and born is not None else "",
        died_x=died_x,
        died_label=f"Died {short_date(died)}" if died_x is not None and died is not None else "",
        outliers=outliers,
        geometry=g,
        height=bottom + g.axis_height + g.legend_height,
        plot_left=left,
        plot_right=right,
        plot_top=float(g.alert_band),
        plot_bottom=bottom,
        start=start,
        end=end,
        lanes=lanes,
        marks=placed,
        alerts=_place_alerts(kept_alerts, x_of, g, right),
        ticks=tuple(Tick(year, x_of(_new_year(year))) for year in years_between(start, end)),
    )


def lane_agencies(agencies: Iterable[str]) -> tuple[str, ...]:
    """The four core agencies always, then any others present, in the vocabulary's order."""
    present = set(agencies) | set(CORE_AGENCIES)
    known = [a for a in AGENCIES if a in present]
    return tuple(known + sorted(present - set(AGENCIES)))


#: An end of the record is an outlier when a gap this share of the whole span or more separates it
#: from the rest, and it holds at most this share of the moments (and no more than MAX_OUTLIERS).
OUTLIER_GAP_SHARE = 0.4
OUTLIER_SHARE = 0.05
MAX_OUTLIERS = 3


def dense_span(moments: Sequence[datetime]) -> tuple[datetime | None, datetime | None]:
    """The first and last moment of the span that holds nearly all of them (None: no clipping).

    Only a few moments at either end, cut off by a long gap, are left out: a record's history is
    never clipped in its middle, and a record with no such gap is drawn whole.
    """
    ordered = sorted(moments)
    if len(ordered) < 8:
        return None, None
    low, high = 0, len(ordered) - 1
    limit = min(MAX_OUTLIERS, max(1, int(len(ordered) * OUTLIER_SHARE)))
    for _ in range(2):
        whole = (ordered[high] - ordered[low]).total_seconds()
        if whole <= 0:
            break
        gaps = [(i, (ordered[i + 1] - ordered[i]).total_seconds()) for i in range(low, high)]
        i, gap = max(gaps, key=lambda item: item[1])
        if gap < OUTLIER_GAP_SHARE * whole:
            break
        if high - i <= limit:
            high = i
        elif i + 1 - low <= limit:
            low = i + 1
        else:
            break
    if low == 0 and high == len(ordered) - 1:
        return None, None
    return ordered[low], ordered[high]


def _inside(moment: datetime, low: datetime | None, high: datetime | None) -> bool:
    return (low is None or moment >= low) and (high is None or moment <= high)


def time_domain(moments: Sequence[datetime]) -> tuple[datetime, datetime]:
    """The span drawn: first to last moment, padded 3% each side (at least 30 days wide)."""
    if not moments:
        now = datetime.now(UTC)
        return now - timedelta(days=365), now
    first, last = min(moments), max(moments)
    span = max(last - first, timedelta(days=30))
    pad = span * 0.03
    return first - pad, first + span + pad


def x_for(moment: datetime, start: datetime, end: datetime, left: float, right: float) -> float:
    fraction = (moment - start) / (end - start)
    return round(left + fraction * (right - left), 2)


def years_between(start: datetime, end: datetime) -> list[int]:
    """Years whose 1 January falls inside the span."""
    return [year for year in range(start.year, end.year + 1) if start <= _new_year(year) <= end]


def stack_rows(xs: Sequence[float], min_gap: float, max_rows: int) -> list[int]:
    """A row for each x (sorted ascending) so marks closer than `min_gap` do not overlap.

    Greedy: the lowest row whose last mark is far enough left; if every row is taken, the row
    whose last mark is furthest left (marks then overlap, but stay in the lane).
    """
    last: list[float] = []
    rows: list[int] = []
    for x in xs:
        free = [i for i, previous in enumerate(last) if x - previous >= min_gap]
        if free:
            row = free[0]
        elif len(last) < max_rows:
            row = len(last)
            last.append(x)
        else:
            row = min(range(len(last)), key=lambda i: last[i])
        last[row] = x
        rows.append(row)
    return rows


def _new_year(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=UTC)


def _lanes_and_marks(
    marks: Sequence[Mark], x_of: _XFunction, g: Geometry, *, present_only: bool = False
) -> tuple[tuple[Lane, ...], tuple[PlacedMark, ...]]:
    lanes: list[Lane] = []
    placed: list[PlacedMark] = []
    top = float(g.alert_band)
    present = {m.agency for m in marks}
    for agency in lane_agencies(present):
        if present_only and agency not in present:
            continue
        mine = sorted((m for m in marks if m.agency == agency), key=lambda m: m.when)
        xs = [x_of(m.when) for m in mine]
        rows = stack_rows(xs, g.min_gap, g.max_rows)
        count = max(rows, default=0) + 1
        height = max(float(g.lane_min_height), 2 * g.lane_pad + count * g.row_step)
        first_y = top + height / 2 - (count - 1) * g.row_step / 2
        placed += [PlacedMark(m, x, first_y + r * g.row_step) for m, x, r in zip(mine, xs, rows, strict=True)]
        lanes.append(Lane(agency, agency_label(agency), len(mine), top, height))
        top += height
    return tuple(lanes), tuple(placed)


def _place_alerts(
    alerts: Sequence[AlertLine], x_of: _XFunction, g: Geometry, right: float
) -> tuple[PlacedAlert, ...]:
    """Labels sit in the band above the lanes, on the lower row unless they would collide."""
    ordered = sorted(alerts, key=lambda a: a.when)
    xs = [x_of(a.when) for a in ordered]
    placed: list[PlacedAlert] = []
    row_ends: list[float] = [float("-inf"), float("-inf")]
    for i, line in enumerate(ordered):
        x, width = xs[i], label_width(line.label)
        anchor = _label_anchor(x, width, xs[i + 1] if i + 1 < len(xs) else None, g, right)
        begin = x + 4 if anchor == "start" else x - width - 4
        free = [row for row in (1, 0) if begin > row_ends[row] + 8]
        row = free[0] if free else 1
        if free:
            row_ends[row] = begin + width
        label_y = g.alert_band - 8 - (1 - row) * g.alert_label_row
        placed.append(PlacedAlert(line, x, label_y, anchor, labelled=bool(free)))
    return tuple(placed)


def _label_anchor(x: float, width: float, next_x: float | None, g: Geometry, right: float) -> str:
    """Right of the line, unless that runs off the plot or across the next alert's line."""
    fits_right = x + 4 + width <= right
    crossed = next_x is not None and next_x <= x + 8 + width
    fits_left = x - 4 - width >= g.label_width
    return "end" if fits_left and (not fits_right or crossed) else "start"


def label_width(text: str) -> float:
    """A generous estimate of rendered width at the labels' 12px (no font metrics on the server)."""
    return len(text) * 12.0 * 0.58


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def render_svg(layout: TimelineLayout, *, title: str, description: str, own_label: str) -> str:
    """SVG markup for a layout. All text (titles, labels) is escaped here."""
    g = layout.geometry
    parts = [
        f'<svg class="app-tl__svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {g.width} '
        f'{_n(layout.height)}" role="group" aria-labelledby="app-tl-title app-tl-desc">',
        f'<title id="app-tl-title">{_t(title)}</title>',
        f'<desc id="app-tl-desc">{_t(description)}</desc>',
        *_render_lanes(layout),
        *_render_ticks(layout),
        *_render_birth(layout),
        *_render_alerts(layout),
        *_render_marks(layout),
        *_render_legend(layout, own_label),
        "</svg>",
    ]
    return "\n".join(parts)


def _render_lanes(layout: TimelineLayout) -> list[str]:
    out: list[str] = []
    for i, lane in enumerate(layout.lanes):
        events = "1 event" if lane.events == 1 else f"{lane.events} events"
        out += [
            f'<g class="app-tl__lane app-lane--{_a(lane.agency)}">',
            f'<rect class="app-tl__lane-band app-tl__lane-band--{i % 2}" x="0" y="{_n(lane.top)}" '
            f'width="{_n(layout.plot_right)}" height="{_n(lane.height)}"/>',
            f'<rect class="app-tl__lane-stripe" x="0" y="{_n(lane.top)}" width="6" '
            f'height="{_n(lane.height)}"/>',
            f'<text class="app-tl__lane-label" x="16" y="{_n(lane.middle - 3)}">{_t(lane.label)}</text>',
            f'<text class="app-tl__lane-count" x="16" y="{_n(lane.middle + 14)}">{_t(events)}</text>',
            "</g>",
        ]
    return out


#: Year labels are at least this far apart: a four-digit year at 12px and a space. Thirty years
#: on a desktop's plot are under 30px apart, and every one labelled ran together ("20072008").
YEAR_LABEL_SPACING = label_width("2000") + 10
YEAR_STRIDES = (1, 2, 5, 10, 20, 50, 100)


def year_stride(ticks: Sequence[Tick]) -> int:
    """Label every year, or every 2nd, 5th, 10th, ...: the most that fit without touching."""
    if len(ticks) < 2:
        return 1
    per_year = ticks[1].x - ticks[0].x
    return next((n for n in YEAR_STRIDES if per_year * n >= YEAR_LABEL_SPACING), YEAR_STRIDES[-1])


def _render_ticks(layout: TimelineLayout) -> list[str]:
    axis_y = layout.plot_bottom
    out = [
        f'<line class="app-tl__axis" x1="{_n(layout.plot_left)}" y1="{_n(axis_y)}" '
        f'x2="{_n(layout.plot_right)}" y2="{_n(axis_y)}"/>'
    ]
    life = [
        (x, label)
        for x, label in ((layout.born_x, layout.born_label), (layout.died_x, layout.died_label))
        if x is not None
    ]
    stride = year_stride(layout.ticks)
    for tick in layout.ticks:
        out.append(
            f'<line class="app-tl__grid" x1="{_n(tick.x)}" y1="{_n(layout.plot_top)}" '
            f'x2="{_n(tick.x)}" y2="{_n(axis_y + 6)}"/>'
        )
        # "Born ..." and "Died ..." take the axis there: a year label that would touch them is left out.
        clear = all(abs(tick.x - x) > label_width(label) / 2 + 24 for x, label in life)
        if tick.year % stride == 0 and clear:
            out.append(
                f'<text class="app-tl__year" x="{_n(tick.x)}" y="{_n(axis_y + 22)}" '
                f'text-anchor="middle">{tick.year}</text>'
            )
    return out


def _render_alerts(layout: TimelineLayout) -> list[str]:
    """Lines first, then labels, so no line is drawn across another alert's label."""
    lines: list[str] = []
    labels: list[str] = []
    for alert in layout.alerts:
        level = _a(alert.line.level)
        title = f"<title>{_t('Alert raised: ' + alert.line.label)}</title>"
        label_x = alert.x + 4 if alert.label_anchor == "start" else alert.x - 4
        line = (
            f'<line class="app-tl__alert-line" x1="{_n(alert.x)}" y1="{_n(alert.label_y - 12)}" '
            f'x2="{_n(alert.x)}" y2="{_n(layout.plot_bottom)}"/>'
        )
        text = (
            f'<text class="app-tl__alert-label" x="{_n(label_x)}" y="{_n(alert.label_y)}" '
            f'text-anchor="{alert.label_anchor}">{_t(alert.line.label)}</text>'
        )
        group = f'<g class="app-tl__alert app-tl__alert--{level}">'
        lines.append(f"{group}{_link(alert.line.href, title + line)}</g>")
        if alert.labelled:
            labels.append(f"{group}{_link(alert.line.href, title + text)}</g>")
    return lines + labels


def _render_birth(layout: TimelineLayout) -> list[str]:
    """Birth and death, when known, as solid lines with their dates on the axis."""
    out: list[str] = []
    for x_at, label in ((layout.born_x, layout.born_label), (layout.died_x, layout.died_label)):
        if x_at is None:
            continue
        x = _n(x_at)
        out += [
            '<g class="app-tl__life">',
            f'<line class="app-tl__life-line" x1="{x}" y1="{_n(layout.plot_top)}" x2="{x}" '
            f'y2="{_n(layout.plot_bottom + 6)}"/>',
            f'<text class="app-tl__life-label" x="{x}" y="{_n(layout.plot_bottom + 22)}" '
            f'text-anchor="middle">{_t(label)}</text>',
            "</g>",
        ]
    return out


def _render_marks(layout: TimelineLayout) -> list[str]:
    r = layout.geometry.mark_radius
    out: list[str] = []
    for placed in layout.marks:
        mark = placed.mark
        kind = "own" if mark.own else "household"
        circle = (
            f'<circle class="app-tl__mark app-tl__mark--{kind}" cx="{_n(placed.x)}" '
            f'cy="{_n(placed.y)}" r="{_n(r if mark.own else r - 0.75)}"/>'
        )
        body = f"<title>{_t(mark.title)}</title>{circle}"
        out.append(f'<g class="app-tl__event app-lane--{_a(mark.agency)}">{_link(mark.href, body)}</g>')
    return out


def _render_legend(layout: TimelineLayout, own_label: str) -> list[str]:
    y = layout.plot_bottom + layout.geometry.axis_height + 16
    x = layout.plot_left
    return [
        f'<g class="app-tl__legend" transform="translate({_n(x)} {_n(y)})">',
        '<circle class="app-tl__key app-tl__key--own" cx="6" cy="-4" r="5.5"/>',
        f'<text x="18" y="0">{_t(own_label)}</text>',
        '<circle class="app-tl__key app-tl__key--household" cx="226" cy="-4" r="4.75"/>',
        '<text x="238" y="0">Events of adults in the household</text>',
        '<line class="app-tl__key-line app-tl__alert--red" x1="476" y1="-13" x2="476" y2="5"/>',
        '<line class="app-tl__key-line app-tl__alert--amber" x1="484" y1="-13" x2="484" y2="5"/>',
        '<text x="496" y="0">Alert raised (red, amber)</text>',
        "</g>",
    ]


def _link(href: str | None, body: str) -> str:
    return f'<a href="{_a(href)}">{body}</a>' if href else body


def _t(text: str) -> str:
    return escape(text, quote=False)


def _a(value: str) -> str:
    return escape(value, quote=True)


def _n(value: float) -> str:
    """Numbers without float noise: 12.0 -> 12, 12.345 -> 12.35."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def mark_title(
    when: datetime, agency: str, kind: str, about: str, text: str | None, date_label: str | None = None
) -> str:
    """The accessible name of a mark: date (as precisely as it is known), agency, kind, whose, text."""
    short = "" if not text else (text if len(text) <= 140 else text[:139].rstrip() + "…")
    head = f"{date_label or short_date(when)}, {agency_label(agency)}: {kind} ({about})"
    return f"{head}. {short}" if short else head
