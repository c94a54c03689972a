"""Each field's contribution to a pair's match weight, as a horizontal bar chart in SVG.

Drawn on the server (no script, no inline style: the CSP forbids both). Colours are SVG
presentation attributes, which the CSP does not govern; every piece of text is escaped here.
Bars grow right for evidence of one person (green) and left for evidence of two (red).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from alarmbell.presentation import percent

FOR, AGAINST, NEUTRAL, INK = "#00703c", "#d4351c", "#b1b4b6", "#0b0c0c"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    detail: str
    weight: float


@dataclass(frozen=True, slots=True)
class ChartGeometry:
    width: int = 760
    label_width: int = 300
    row: int = 30
    bar: int = 18
    pad: int = 40


def _scale(bars: Sequence[Bar]) -> float:
    largest = max((abs(b.weight) for b in bars), default=1.0)
    return max(largest, 1.0)


def render_weights_svg(
    bars: Sequence[Bar], *, total: float, probability: float, g: ChartGeometry = ChartGeometry()
) -> str:
    plot = g.width - g.label_width - 2 * g.pad
    zero = g.label_width + g.pad + plot / 2
    unit = (plot / 2) / _scale(bars)
    height = g.row * (len(bars) + 2)
    chance = percent(probability)
    title = f"Each field's weight in bits; in total {total:+.1f} bits, a match probability of {chance}"
    total_label = f"Total: {total:+.1f} bits ({chance})"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {g.width} {height}" role="img" '
        f'aria-labelledby="weights-title" class="app-weights" width="100%">',
        f'<title id="weights-title">{escape(title)}</title>',
        f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{g.row * len(bars):.1f}" '
        f'stroke="{INK}" stroke-width="1"/>',
    ]
    for i, bar in enumerate(bars):
        parts.append(_row(bar, i, zero, unit, g))
    y = g.row * len(bars) + g.row * 0.8
    parts.append(
        f'<text x="{g.label_width - 8}" y="{y:.1f}" text-anchor="end" font-size="15" font-weight="bold" '
        f'fill="{INK}">{escape(total_label)}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _row(bar: Bar, index: int, zero: float, unit: float, g: ChartGeometry) -> str:
    y = index * g.row + (g.row - g.bar) / 2
    length = abs(bar.weight) * unit
    x = zero if bar.weight >= 0 else zero - length
    colour = FOR if bar.weight > 0 else AGAINST if bar.weight < 0 else NEUTRAL
    value_x = zero + length + 4 if bar.weight >= 0 else zero - length - 4
    anchor = "start" if bar.weight >= 0 else "end"
    text_y = y + g.bar - 4
    label = f"{bar.label}: {bar.detail}"
    return (
        f"<g><title>{escape(label)} ({bar.weight:+.2f} bits)</title>"
        f'<text x="{g.label_width - 8}" y="{text_y:.1f}" text-anchor="end" font-size="14" fill="{INK}">'
        f"{escape(label)}</text>"
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(length, 1):.1f}" height="{g.bar}" fill="{colour}"/>'
        f'<text x="{value_x:.1f}" y="{text_y:.1f}" text-anchor="{anchor}" font-size="13" fill="{INK}">'
        f"{bar.weight:+.1f}</text></g>"
    )
