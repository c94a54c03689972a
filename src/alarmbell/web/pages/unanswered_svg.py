"""Counts as horizontal bars, drawn on the server for the unanswered-alarms report.

No script and no inline style (the CSP forbids both); every piece of text is escaped here. Bars
are dark blue with their value in dark ink beside them, so every label meets WCAG contrast.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

BAR, INK, MUTED = "#1d70b8", "#0b0c0c", "#505a5f"


def count_bars(rows: Sequence[tuple[str, int]], *, title: str, ident: str, width: int = 480) -> str:
    """One bar per (label, count), longest scaled to the plot's width.

    Drawn narrow (480 units) and no wider than 600 px on the page (pages.css): at 760 units a
    390 px phone shrank the labels to about 6 px; now they are about 11 px there and 19 px at most.
    """
    label_w, row_h, bar_h, top = 170, 30, 20, 10
    plot = width - label_w - 70
    largest = max((count for _, count in rows), default=0) or 1
    height = top + row_h * max(len(rows), 1) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-title" class="app-triage-chart app-count-bars" width="100%">',
        f'<title id="{ident}-title">{escape(title)}</title>',
    ]
    if not rows:
        parts.append(_text(label_w, top + 18, "None.", MUTED))
    for i, (label, count) in enumerate(rows):
        y = top + i * row_h
        w = max(count / largest * plot, 2.0)
        parts.append(_text(label_w - 10, y + bar_h - 5, label, INK, anchor="end"))
        parts.append(
            f'<g><title>{escape(f"{label}: {count}")}</title><rect x="{label_w}" y="{y}" '
            f'width="{w:.1f}" height="{bar_h}" fill="{BAR}"/></g>'
        )
        parts.append(_text(label_w + w + 6, y + bar_h - 5, str(count), INK))
    parts.append("</svg>")
    return "\n".join(parts)


def _text(x: float, y: float, text: str, fill: str, *, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="15" text-anchor="{anchor}" fill="{fill}">'
        f"{escape(text)}</text>"
    )
