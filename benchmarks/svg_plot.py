"""A small hand-written SVG scatter plot for the benchmark pages (no plotting library needed).

Each series is one method, drawn with its own colour and marker; its points (one per seed) are
joined by a thin line so the spread between seeds shows. An optional target region (x at most
`target[0]`, y at least `target[1]`) is shaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 760, 470
LEFT, RIGHT, TOP, BOTTOM = 70, 230, 40, 60
#: Colour-blind-safe palette (Okabe-Ito) and one marker shape per series.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
MARKERS = ("circle", "square", "diamond", "triangle", "cross", "circle")


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[float, float]]


def _nice_step(span: float) -> float:
    raw = span / 6
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _marker(kind: str, x: float, y: float, colour: str, filled: bool) -> str:
    fill = colour if filled else "white"
    style = f'fill="{fill}" stroke="{colour}" stroke-width="2"'
    if kind == "square":
        return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" {style}/>'
    if kind == "diamond":
        points = f"M{x:.1f},{y - 7:.1f} L{x + 7:.1f},{y:.1f} L{x:.1f},{y + 7:.1f} L{x - 7:.1f},{y:.1f} Z"
        return f'<path d="{points}" {style}/>'
    if kind == "triangle":
        points = f"M{x:.1f},{y - 7:.1f} L{x + 7:.1f},{y + 5:.1f} L{x - 7:.1f},{y + 5:.1f} Z"
        return f'<path d="{points}" {style}/>'
    if kind == "cross":
        return (
            f'<path d="M{x - 6:.1f},{y - 6:.1f} L{x + 6:.1f},{y + 6:.1f} M{x - 6:.1f},{y + 6:.1f} '
            f'L{x + 6:.1f},{y - 6:.1f}" stroke="{colour}" stroke-width="{3 if filled else 1.5}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" {style}/>'


def _opening(title: str) -> list[str]:
    """The SVG element, its accessible title, a white background and the visible title."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]


def _frame(x_label: str, y_label: str) -> list[str]:
    """The plot area's border and the two axis labels."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    return [
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#333"/>',
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 18}" text-anchor="middle">{escape(x_label)}</text>',
        f'<text transform="translate(18,{TOP + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>',
    ]


def scatter_svg(
    series: list[Series],
    *,
    x_label: str,
    y_label: str,
    title: str,
    target: tuple[float, float] | None = None,
    y_max: float = 100.0,
) -> str:
    """The plot as SVG text. The first point of each series is filled, later ones hollow."""
    xs = [x for s in series for x, _ in s.points] + ([target[0]] if target else [])
    x_step = _nice_step(max(xs) * 1.1 or 1)
    x_max = x_step * math.ceil(max(xs) * 1.1 / x_step) if max(xs) > 0 else 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + plot_w * x / x_max

    def py(y: float) -> float:
        return TOP + plot_h * (1 - y / y_max)

    out = _opening(title)
    if target is not None:
        tx, ty = px(min(target[0], x_max)), py(target[1])
        out += [
            f'<rect x="{LEFT}" y="{TOP}" width="{tx - LEFT:.1f}" height="{ty - TOP:.1f}" fill="#d9f0d9"/>',
            f'<text x="{LEFT + 6}" y="{TOP + 16}" fill="#2d6a2d">target: red &#8804; {target[0]:g}, '
            f"sensitivity &#8805; {target[1]:g}%</text>",
        ]
    x = 0.0
    while x <= x_max + 1e-9:
        out.append(
            f'<line x1="{px(x):.1f}" y1="{TOP}" x2="{px(x):.1f}" y2="{TOP + plot_h}" stroke="#e5e5e5"/>'
        )
        out.append(f'<text x="{px(x):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{x:g}</text>')
        x += x_step
    for y in range(0, int(y_max) + 1, 10):
        out.append(
            f'<line x1="{LEFT}" y1="{py(y):.1f}" x2="{LEFT + plot_w}" y2="{py(y):.1f}" stroke="#e5e5e5"/>'
        )
        out.append(f'<text x="{LEFT - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y}</text>')
    out += _frame(x_label, y_label)
    for i, s in enumerate(series):
        colour, marker = COLOURS[i % len(COLOURS)], MARKERS[i % len(MARKERS)]
        if len(s.points) > 1:
            path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in s.points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1"/>')
        for j, (x, y) in enumerate(s.points):
            out.append(_marker(marker, px(x), py(y), colour, filled=j == 0))
        ly = TOP + 14 + 24 * i
        lx = LEFT + plot_w + 18
        out.append(_marker(marker, lx, ly - 4, colour, filled=True))
        out.append(f'<text x="{lx + 14}" y="{ly}">{escape(s.name)}</text>')
    ly = TOP + 14 + 24 * len(series) + 10
    out.append(
        f'<text x="{LEFT + plot_w + 18}" y="{ly}" fill="#555">filled: first seed; hollow: second</text>'
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _decades(low: float, high: float) -> list[float]:
    """Powers of ten from just below `low` to just above `high`."""
    return [10.0**k for k in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)]


def loglog_svg(series: list[Series], *, x_label: str, y_label: str, title: str) -> str:
    """Lines on log-log axes, one per series (a cost curve: a straight line of slope 1 is linear)."""
    xs = [x for s in series for x, _ in s.points]
    ys = [y for s in series for _, y in s.points]
    x_ticks, y_ticks = _decades(min(xs), max(xs)), _decades(min(ys), max(ys))
    lx0, lx1 = math.log10(x_ticks[0]), math.log10(x_ticks[-1])
    ly0, ly1 = math.log10(y_ticks[0]), math.log10(y_ticks[-1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + plot_w * (math.log10(x) - lx0) / (lx1 - lx0)

    def py(y: float) -> float:
        return TOP + plot_h * (1 - (math.log10(y) - ly0) / (ly1 - ly0))

    out = _opening(title)
    for x in x_ticks:
        grid = f'x1="{px(x):.1f}" y1="{TOP}" x2="{px(x):.1f}" y2="{TOP + plot_h}"'
        out.append(f'<line {grid} stroke="#e5e5e5"/>')
        out.append(f'<text x="{px(x):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{x:,.0f}</text>')
    for y in y_ticks:
        grid = f'x1="{LEFT}" y1="{py(y):.1f}" x2="{LEFT + plot_w}" y2="{py(y):.1f}"'
        out.append(f'<line {grid} stroke="#e5e5e5"/>')
        out.append(f'<text x="{LEFT - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y:g}</text>')
    out += _frame(x_label, y_label)
    for i, s in enumerate(series):
        colour, marker = COLOURS[i % len(COLOURS)], MARKERS[i % len(MARKERS)]
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in s.points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [_marker(marker, px(x), py(y), colour, filled=True) for x, y in s.points]
        ly, lx = TOP + 14 + 24 * i, LEFT + plot_w + 18
        out.append(_marker(marker, lx, ly - 4, colour, filled=True))
        out.append(f'<text x="{lx + 14}" y="{ly}">{escape(s.name)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
