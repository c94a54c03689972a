"""Workload charts as SVG, drawn on the server: stacked bars by harm band, and the displacement chart.

No script and no inline style (the CSP forbids both): colours and sizes are SVG presentation
attributes, which the CSP does not govern. Every piece of text is escaped here. Harm bands keep
one colour everywhere: high harm red, medium orange, low blue (so low-harm hours stand out
against the red of the high-harm work that waited).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

BAND_COLOURS: dict[str, str] = {"high": "#d4351c", "medium": "#f47738", "low": "#1d70b8"}
#: Text drawn on each band's colour, at 4.5:1 or more (white on orange is only 2.8:1).
BAND_TEXT: dict[str, str] = {"high": "#ffffff", "medium": "#0b0c0c", "low": "#ffffff"}
BAND_LABELS: dict[str, str] = {"high": "High harm", "medium": "Medium harm", "low": "Low harm"}
INK, MUTED, GRID, SHADE = "#0b0c0c", "#505a5f", "#b1b4b6", "#fbe4e0"
BANDS_DRAWN: tuple[str, ...] = ("high", "medium", "low")


@dataclass(frozen=True, slots=True)
class StackedRow:
    label: str
    values: dict[str, float]


def _svg_open(width: int, height: int, title: str, ident: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-title" class="app-triage-chart" width="100%">',
        f'<title id="{ident}-title">{escape(title)}</title>',
    ]


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: int = 14,
    anchor: str = "start",
    bold: bool = False,
    fill: str = INK,
) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{weight}>'
        f"{escape(text)}</text>"
    )


def _legend(x: float, y: float, bands: Sequence[str], *, step: float = 150) -> list[str]:
    parts = []
    for band in bands:
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="14" height="14" fill="{BAND_COLOURS[band]}"/>'
        )
        parts.append(_text(x + 20, y, BAND_LABELS[band], size=13))
        x += step
    return parts


def _fmt(value: float, unit: str) -> str:
    return f"{value:g} {unit}"


#: Drawn this many units wide for a phone's column (360 px at 390), so it is shown at about
#: its own size there: the 900-unit charts scrolled sideways on a phone (session 17).
NARROW = 360


def stacked_bars(
    rows: Sequence[StackedRow], *, title: str, unit: str, ident: str, width: int = 900, narrow: bool = False
) -> str:
    """One horizontal bar per row (a team), split into harm bands, with each segment's value.

    `narrow`: for a phone, NARROW units wide, each team's name on its own line above its bar."""
    if narrow:
        width, label_w, row_h, top, label_dy = NARROW, 0, 56, 40, 22
    else:
        label_w, row_h, top, label_dy = 260, 40, 34, 0
    bar_h = 26
    plot = width - label_w - 90
    largest = max((sum(r.values.values()) for r in rows), default=0.0) or 1.0
    height = top + row_h * max(len(rows), 1) + 16
    parts = _svg_open(width, height, title, ident)
    parts += _legend(label_w, 18, BANDS_DRAWN, step=118 if narrow else 150)
    if not rows:
        parts.append(_text(label_w, top + 24, f"No {unit} recorded in this period.", fill=MUTED))
    for i, row in enumerate(rows):
        y = top + i * row_h + label_dy
        if narrow:
            parts.append(_text(0, y - 6, row.label))
        else:
            parts.append(_text(label_w - 10, y + bar_h - 8, row.label, anchor="end"))
        x = float(label_w)
        for band in BANDS_DRAWN:
            value = row.values.get(band, 0.0)
            if value <= 0:
                continue
            w = max(value / largest * plot, 2.0)
            tip = f"{row.label}: {_fmt(value, unit)} of {BAND_LABELS[band].lower()} work"
            parts.append(
                f'<g><title>{escape(tip)}</title><rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
                f'height="{bar_h}" fill="{BAND_COLOURS[band]}"/></g>'
            )
            if w > 34:
                parts.append(
                    _text(
                        x + w / 2, y + bar_h - 8, f"{value:g}", size=13, anchor="middle", fill=BAND_TEXT[band]
                    )
                )
            x += w
        parts.append(_text(x + 6, y + bar_h - 8, _fmt(sum(row.values.values()), unit), size=13, fill=MUTED))
    parts.append("</svg>")
    return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class DisplacementDay:
    day: date
    low_hours: float
    other_hours: float
    high_waiting: int
    displaced: bool


def displacement_chart(
    team: str, days: Sequence[DisplacementDay], *, ident: str, width: int = 900, narrow: bool = False
) -> str:
    """Two panels on one day axis: hours on low-harm work (blue) above, high-harm items waiting
    past due (red) below; displacement periods shaded (weekends inside one included), so the
    overlap is what the eye sees first.

    `narrow`: for a phone, NARROW units wide, shorter captions and fewer day labels."""
    if narrow:
        width = NARROW
    left, right, top = (40, 8, 40) if narrow else (70, 20, 40)
    words = _NARROW_WORDS if narrow else _WIDE_WORDS
    panel, gap = 120, 34
    n = max(len(days), 1)
    step = (width - left - right) / n
    bar = step * 0.64
    max_hours = max((d.low_hours + d.other_hours for d in days), default=0.0) or 1.0
    max_wait = max((d.high_waiting for d in days), default=0) or 1
    height = top + 2 * panel + gap + 44
    title = f"{team}: hours on low-harm work while high-harm items waited past due"
    parts = _svg_open(width, height, title, ident)
    parts.append(_text(left, 16, words["hours"], size=13, bold=True))
    low_base, wait_top = top + panel, top + panel + gap
    wait_base = wait_top + panel
    for i, d in enumerate(days):
        x = left + i * step
        if d.displaced:
            parts.append(
                f'<rect x="{x:.1f}" y="{top - 6}" width="{step:.1f}" height="{wait_base - top + 6}" '
                f'fill="{SHADE}"/>'
            )
    parts += _axis(left, width - right, low_base, wait_base)
    parts.append(_text(left, wait_top - 8, words["waiting"], size=13, bold=True))
    for i, d in enumerate(days):
        x = left + i * step + (step - bar) / 2
        parts += _day_bars(d, x, bar, low_base, panel, max_hours, wait_base, max_wait)
        if i % _label_every(len(days), narrow) == 0:
            parts.append(
                _text(x + bar / 2, wait_base + 16, f"{d.day.day} {d.day:%b}", size=11, anchor="middle")
            )
    parts.append(_text(left - 8, top + 10, f"{max_hours:g} h", size=11, anchor="end", fill=MUTED))
    parts.append(_text(left - 8, wait_top + 10, f"{max_wait}", size=11, anchor="end", fill=MUTED))
    parts.append(_text(left, height - 6, words["key"], size=12, fill=MUTED))
    parts.append("</svg>")
    return "\n".join(parts)


_WIDE_WORDS: dict[str, str] = {
    "hours": "Hours worked each day on low-harm items (other hours in grey)",
    "waiting": "High-harm items waiting past due that day",
    "key": "Shaded: displacement (low-harm hours while high-harm work waited past due)",
}
_NARROW_WORDS: dict[str, str] = {
    "hours": "Hours on low-harm items (others grey)",
    "waiting": "High-harm items waiting past due",
    "key": "Shaded: displacement",
}


def _label_every(days: int, narrow: bool) -> int:
    """Label every day while the labels fit, else every second (wide) or every nth (narrow)."""
    if narrow:
        return max(1, -(-days // 6))
    return 1 if days <= 16 else 2


def _axis(x1: float, x2: float, *baselines: float) -> list[str]:
    return [
        f'<line x1="{x1}" y1="{y:.1f}" x2="{x2}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
        for y in baselines
    ]


def _day_bars(
    d: DisplacementDay,
    x: float,
    bar: float,
    low_base: float,
    panel: float,
    max_hours: float,
    wait_base: float,
    max_wait: int,
) -> list[str]:
    parts = []
    low_h = d.low_hours / max_hours * (panel - 14)
    other_h = d.other_hours / max_hours * (panel - 14)
    tip = f"{_day(d.day)}: {d.low_hours:g} hours on low-harm work, {d.other_hours:g} on other work"
    parts.append(f"<g><title>{escape(tip)}</title>")
    if low_h:
        parts.append(
            f'<rect x="{x:.1f}" y="{low_base - low_h:.1f}" width="{bar:.1f}" height="{low_h:.1f}" '
            f'fill="{BAND_COLOURS["low"]}"/>'
        )
    if other_h:
        parts.append(
            f'<rect x="{x:.1f}" y="{low_base - low_h - other_h:.1f}" width="{bar:.1f}" '
            f'height="{other_h:.1f}" fill="{GRID}"/>'
        )
    parts.append("</g>")
    if d.high_waiting:
        h = d.high_waiting / max_wait * (panel - 14)
        tip = f"{_day(d.day)}: {d.high_waiting} high-harm items waiting past due"
        parts.append(
            f'<g><title>{escape(tip)}</title><rect x="{x:.1f}" y="{wait_base - h:.1f}" width="{bar:.1f}" '
            f'height="{h:.1f}" fill="{BAND_COLOURS["high"]}"/></g>'
        )
        parts.append(_text(x + bar / 2, wait_base - h - 4, str(d.high_waiting), size=11, anchor="middle"))
    return parts


def _day(day: date) -> str:
    """`Wed 2 Dec`, as the page's other dates, without a leading zero."""
    return f"{day:%a} {day.day} {day:%b}"
