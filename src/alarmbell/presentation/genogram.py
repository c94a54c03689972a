"""The child and family as a genogram-style diagram: server-side SVG, no script.

Generations are rows: grandparents, then parents and partners, then the child and siblings.
Squares are males, circles females, diamonds unknown; the child under review has a double
outline. A solid line joins a parent to the child's mother (or other parent); a dashed line
joins a partner. A dashed outline encloses the household (build.py decides who is in it).
Two pure steps as in the timeline: `layout_genogram` places people, `render_genogram` draws.
Colours come from CSS classes (`app-geno__*`) so the page's stylesheet and the PDF's agree.
The review report and the person page both draw with it, each from its own `Relative`s: the
review decides the household by postcode and recency, the person page by the recorded
relationships the viewer may see; a `Relative` with an `href` is drawn as a link to that page.
Sizes come from a `Geometry`: the web page scales the drawing to its column (`WEB`), while the PDF
draws it at one unit to one CSS pixel (`PRINT`), so that its text is at least 9 pt on paper.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Final

TOP: Final = 34
_GENERATION: Final[dict[str, int]] = {"grandparent": 0, "sibling": 2}
_ADULT_ORDER: Final = ("father", "mother", "step_parent", "mother_partner", "father_partner", "carer")
PARTNER_KINDS: Final = frozenset({"mother_partner", "father_partner", "step_parent"})
RELATION_LABELS: Final[dict[str, str]] = {
    "mother": "Mother",
    "father": "Father",
    "mother_partner": "Mother's partner",
    "father_partner": "Father's partner",
    "step_parent": "Step-parent",
    "carer": "Carer",
    "sibling": "Sibling",
    "grandparent": "Grandparent",
    "household_member": "Household member",
    "other": "Other relation",
}


@dataclass(frozen=True, slots=True)
class Geometry:
    """Sizes in SVG units (font sizes are the stylesheet's, in the same units)."""

    column: float = 200
    row: float = 146
    #: How far below a symbol's centre the row's text ends and the partner lines run.
    text_depth: float = 74
    symbol: float = 34
    margin: float = 24
    #: The step between lines of a person's notes, and characters per line.
    line: float = 13
    wrap: int = 25
    lines: int = 6
    #: Characters per line of a name (0: names are never wrapped).
    name_wrap: int = 0
    font: float = 10.5
    name_font: float = 12.5
    legend: float = 40

    @property
    def scale(self) -> float:
        """The legend's size relative to the web drawing's."""
        return self.font / 10.5


#: The web page: the drawing is scaled to the page's column, text sized by pages.css.
WEB: Final = Geometry()
#: The PDF: drawn at 1 unit = 1 CSS px = 0.75 pt, up to 665 px (the A4 text width): four people
#: to a row fit, with notes at 12 px (9 pt) and names at 13 px, wrapped to their column.
PRINT: Final = Geometry(
    column=155, row=226, text_depth=152, symbol=26, margin=12, line=14.5, wrap=16, lines=10,
    name_wrap=12, font=12, name_font=13, legend=66,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Relative:
    """A person related to the child, as the diagram needs them; `notes` are drawn under the name."""

    person_id: int
    name: str
    relation: str
    sex: str | None
    dob: date | None
    in_household: bool
    notes: tuple[str, ...]
    #: Their own page, when the viewer may open it (None: drawn without a link).
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Node:
    person_id: int
    name: str
    relation: str
    sex: str | None
    subject: bool
    in_household: bool
    lines: tuple[str, ...]
    x: float
    y: float
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A line from a parent or partner to the anchor parent, drawn below the adults' row."""

    x1: float
    x2: float
    y: float
    top: float
    partner: bool


@dataclass(frozen=True, slots=True)
class GenogramLayout:
    width: float
    height: float
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]
    sibship: tuple[float, float, float, float, float] | None
    household: tuple[tuple[float, float], ...]
    geometry: Geometry = WEB


def generation(relation: str) -> int:
    """0 grandparents, 1 parents and other adults, 2 the child's generation."""
    if relation.startswith("child_of_"):
        return 3
    return _GENERATION.get(relation, 1)


def layout_genogram(
    child: tuple[str, str | None, date | None],
    child_lines: Sequence[str],
    family: Sequence[Relative],
    geometry: Geometry = WEB,
) -> GenogramLayout:
    """Place everyone: `child` is the subject's (name, sex, date of birth)."""
    g = geometry
    name, sex, dob = child
    rows: dict[int, list[tuple[Relative | None, str]]] = {0: [], 1: [], 2: [], 3: []}
    for view in family:
        rows[generation(view.relation)].append((view, view.relation))
    rows[1].sort(key=lambda item: _adult_key(item[0]))
    rows[2].append((None, "subject"))
    rows[2].sort(key=lambda item: (item[0].dob if item[0] else dob) or date.max)
    used = [g for g in sorted(rows) if rows[g]]
    width = 2 * g.margin + max(len(rows[gen]) for gen in used) * g.column
    nodes: list[Node] = []
    for index, gen in enumerate(used):
        nodes += _row_nodes(rows[gen], index, width, (name, sex), child_lines, g)
    height = TOP + (len(used) - 1) * g.row + g.symbol / 2 + g.text_depth + 18 + g.legend
    return GenogramLayout(
        width, height, tuple(nodes), _links(nodes, g), _sibship(nodes, g), _household(nodes, g), g
    )


def _adult_key(view: Relative | None) -> tuple[int, int, int]:
    if view is None:
        return (0, 0, 0)
    relation = view.relation
    order = _ADULT_ORDER.index(relation) if relation in _ADULT_ORDER else len(_ADULT_ORDER)
    return (int(view.in_household), order, view.person_id)


def _row_nodes(
    row: list[tuple[Relative | None, str]],
    index: int,
    width: float,
    child: tuple[str, str | None],
    child_lines: Sequence[str],
    g: Geometry,
) -> list[Node]:
    left = (width - len(row) * g.column) / 2 + g.symbol / 2 + 6
    y = TOP + index * g.row + g.symbol / 2
    out = []
    for i, (view, relation) in enumerate(row):
        x = left + i * g.column
        if view is None:
            out.append(Node(0, child[0], "subject", child[1], True, True, tuple(child_lines), x, y))
            continue
        lines = (RELATION_LABELS.get(relation, relation.replace("_", " ").capitalize()), *view.notes)
        out.append(
            Node(
                view.person_id,
                view.name,
                relation,
                view.sex,
                False,
                view.in_household,
                lines,
                x,
                y,
                view.href,
            )
        )
    return out


def _anchor(nodes: Sequence[Node]) -> Node | None:
    """The parent the others are joined to: the mother, else the father, else the first adult."""
    adults = [n for n in nodes if generation(n.relation) == 1]
    for relation in ("mother", "father"):
        for node in adults:
            if node.relation == relation:
                return node
    return adults[0] if adults else None


def _links(nodes: Sequence[Node], g: Geometry) -> tuple[Link, ...]:
    """Each parent or partner joined to the anchor parent by a line below the row's text."""
    anchor = _anchor(nodes)
    if anchor is None:
        return ()
    kinds = ("father", *PARTNER_KINDS)
    others = [n for n in nodes if n is not anchor and n.relation in kinds and n.relation != anchor.relation]
    links = []
    for step, node in enumerate(sorted(others, key=lambda n: abs(n.x - anchor.x))):
        y = anchor.y + g.text_depth + step * 6
        links.append(Link(anchor.x, node.x, y, anchor.y + g.symbol / 2, node.relation in PARTNER_KINDS))
    return tuple(links)


def _sibship(nodes: Sequence[Node], g: Geometry) -> tuple[float, float, float, float, float] | None:
    """(x from, x to, y of the line, x of the parent, y of the parent's symbol bottom)."""
    anchor = _anchor(nodes)
    children = [n for n in nodes if generation(n.relation) == 2 or n.subject]
    if anchor is None or not children:
        return None
    y = children[0].y - g.symbol / 2 - 16
    xs = [n.x for n in children] + [anchor.x]
    return (min(xs), max(xs), y, anchor.x, anchor.y + g.symbol / 2)


def _household(nodes: Sequence[Node], g: Geometry) -> tuple[tuple[float, float], ...]:
    """An outline around the household: a box per row, joined into one orthogonal polygon."""
    spans = []
    for y in sorted({n.y for n in nodes}):
        xs = [n.x for n in nodes if n.y == y and n.in_household]
        if xs:
            spans.append(
                (
                    min(xs) - g.symbol / 2 - 8,
                    max(xs) + g.column - g.symbol / 2 - 14,
                    y - g.symbol / 2 - 10,
                    y + g.text_depth + 10,
                )
            )
    if not spans:
        return ()
    mids = [(a[3] + b[2]) / 2 for a, b in zip(spans, spans[1:], strict=False)]
    tops = [spans[0][2], *mids]
    bottoms = [*mids, spans[-1][3]]
    right: list[tuple[float, float]] = []
    left: list[tuple[float, float]] = []
    for (x1, x2, _, _), top, bottom in zip(spans, tops, bottoms, strict=True):
        right += [(x2, top), (x2, bottom)]
        left += [(x1, bottom), (x1, top)]
    return tuple(right + _reverse_pairs(left))


def _reverse_pairs(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The left side, walked from the bottom row back up to the top."""
    pairs = [points[i : i + 2] for i in range(0, len(points), 2)]
    return [p for pair in reversed(pairs) for p in pair]


# -- rendering -----------------------------------------------------------------------------------


#: What the review's dashed outline means (build.py decides the household so).
REVIEW_HOUSEHOLD: Final = "Household (same postcode, in records within 12 months)"


def render_genogram(
    layout: GenogramLayout,
    *,
    title: str,
    description: str,
    household: str = REVIEW_HOUSEHOLD,
    sized: bool = False,
) -> str:
    """SVG markup; every piece of text is escaped here. `household` says what the outline means;
    `sized` gives the drawing its own width and height (one unit to the pixel) to be drawn at,
    rather than only a viewBox to be scaled to its column."""
    legend, lines = _render_legend(layout, household)
    # A narrow drawing (a child and one parent) wraps its legend onto more lines: room for them.
    height = layout.height + (lines - 1) * layout.geometry.font * 1.9
    size = f'width="{_n(layout.width)}" height="{_n(height)}" ' if sized else ""
    # An image's content is presentational to assistive technology, so links inside one are
    # unreachable; a drawing with links to people's pages is a labelled group instead.
    role = "group" if any(node.href for node in layout.nodes) else "img"
    parts = [
        f'<svg class="app-geno__svg" {size}xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {_n(layout.width)} {_n(height)}" role="{role}" '
        'aria-labelledby="app-geno-title app-geno-desc">',
        f'<title id="app-geno-title">{_t(title)}</title>',
        f'<desc id="app-geno-desc">{_t(description)}</desc>',
        *_render_household(layout),
        *_render_links(layout),
        *(_render_node(node, layout.geometry) for node in layout.nodes),
        *legend,
        "</svg>",
    ]
    return "\n".join(parts)


def _render_household(layout: GenogramLayout) -> list[str]:
    if not layout.household:
        return []
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in layout.household)
    x, y = layout.household[0]
    return [
        f'<polygon class="app-geno__household" points="{points}"/>',
        f'<text class="app-geno__household-label" x="{_n(x)}" y="{_n(y - 5)}" '
        'text-anchor="end">Household</text>',
    ]


def _render_links(layout: GenogramLayout) -> list[str]:
    out = []
    for link in layout.links:
        kind = "partner" if link.partner else "parent"
        out.append(
            f'<polyline class="app-geno__link app-geno__link--{kind}" points="{_n(link.x1)},{_n(link.top)} '
            f'{_n(link.x1)},{_n(link.y)} {_n(link.x2)},{_n(link.y)} {_n(link.x2)},{_n(link.top)}"/>'
        )
    if layout.sibship is not None:
        x1, x2, y, px, py = layout.sibship
        out.append(f'<line class="app-geno__line" x1="{_n(px)}" y1="{_n(py)}" x2="{_n(px)}" y2="{_n(y)}"/>')
        out.append(f'<line class="app-geno__line" x1="{_n(x1)}" y1="{_n(y)}" x2="{_n(x2)}" y2="{_n(y)}"/>')
        for node in layout.nodes:
            if generation(node.relation) == 2 or node.subject:
                out.append(
                    f'<line class="app-geno__line" x1="{_n(node.x)}" y1="{_n(y)}" x2="{_n(node.x)}" '
                    f'y2="{_n(node.y - layout.geometry.symbol / 2)}"/>'
                )
    return out


def _render_node(node: Node, g: Geometry) -> str:
    classes = "app-geno__person" + (" app-geno__person--subject" if node.subject else "")
    classes += " app-geno__person--household" if node.in_household else " app-geno__person--away"
    x, y = node.x + g.symbol / 2 + 8, node.y - g.symbol / 2 + 11
    parts = [f'<g class="{classes}">', _symbol(node, g)]
    names = textwrap.wrap(node.name, width=g.name_wrap) if g.name_wrap else [node.name]
    for i, name in enumerate(names[:2]):
        y += (g.name_font + 1.5) if i else 0
        parts.append(f'<text class="app-geno__name" x="{_n(x)}" y="{_n(y)}">{_t(name)}</text>')
    for line in _wrapped(node.lines, g.wrap, g.lines + 1 - min(len(names), 2)):
        y += g.line
        parts.append(f'<text class="app-geno__note" x="{_n(x)}" y="{_n(y)}">{_t(line)}</text>')
    parts.append("</g>")
    if node.href is None:
        return "".join(parts)
    return f'<a class="app-geno__link-to" href="{escape(node.href)}">{"".join(parts)}</a>'


def _wrapped(lines: Sequence[str], width: int, limit: int) -> list[str]:
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, width=width) or [""]
    return out[:limit]


def _symbol(node: Node, g: Geometry) -> str:
    x, y, h = node.x, node.y, g.symbol / 2
    if node.sex == "M":
        shape = _square("app-geno__symbol", x - h, y - h, g.symbol)
        inner = _square("app-geno__inner", x - h + 4, y - h + 4, g.symbol - 8)
    elif node.sex == "F":
        shape = f'<circle class="app-geno__symbol" cx="{_n(x)}" cy="{_n(y)}" r="{_n(h)}"/>'
        inner = f'<circle class="app-geno__inner" cx="{_n(x)}" cy="{_n(y)}" r="{_n(h - 4)}"/>'
    else:
        points = f"{_n(x)},{_n(y - h)} {_n(x + h)},{_n(y)} {_n(x)},{_n(y + h)} {_n(x - h)},{_n(y)}"
        shape = f'<polygon class="app-geno__symbol" points="{points}"/>'
        inner = ""
    return shape + (inner if node.subject else "")


def _square(css: str, x: float, y: float, size: float) -> str:
    return f'<rect class="{css}" x="{_n(x)}" y="{_n(y)}" width="{_n(size)}" height="{_n(size)}"/>'


#: The legend's keys: (where the key starts in the web drawing, where its label starts, key, label).
_LEGEND: Final = (
    (0, 18, '<rect class="app-geno__symbol" x="{0}" y="-11" width="12" height="12"/>', "Male"),
    (64, 82, '<circle class="app-geno__symbol" cx="{6}" cy="-5" r="6"/>', "Female"),
    (140, 176, '<line class="app-geno__link app-geno__link--parent" x1="{0}" y1="-5" x2="{30}" y2="-5"/>',
     "Parents"),
    (236, 272, '<line class="app-geno__link app-geno__link--partner" x1="{0}" y1="-5" x2="{30}" y2="-5"/>',
     "Partner"),
    (332, 362, '<rect class="app-geno__household" x="{0}" y="-12" width="24" height="14"/>', ""),
)  # fmt: skip


def _render_legend(layout: GenogramLayout, household: str) -> tuple[list[str], int]:
    """One line of keys; a key that would run past the drawing's edge starts another line.
    Returns the markup and how many lines it takes."""
    g = layout.geometry
    room = layout.width - 2 * g.margin
    y = layout.height - g.legend + 24 * g.scale
    shift, lines = 0.0, 1
    out = [f'<g class="app-geno__legend" transform="translate({_n(g.margin)} {_n(y)})">']
    for start, text_at, key, key_label in _LEGEND:
        label = key_label or household
        x = start * g.scale - shift
        if x > 0 and x + (text_at - start) * g.scale + len(label) * g.font * 0.6 > room:
            shift, y, lines = start * g.scale, y + g.font * 1.9, lines + 1
            out += ["</g>", f'<g class="app-geno__legend" transform="translate({_n(g.margin)} {_n(y)})">']
            x = 0.0
        out.append(_legend_key(key, x))
        out.append(f'<text x="{_n(x + (text_at - start) * g.scale)}" y="0">{_t(label)}</text>')
    return [*out, "</g>"], lines


def _legend_key(template: str, x: float) -> str:
    """The key's markup with each {offset} placed relative to `x`."""
    return re.sub(r"\{(\d+)\}", lambda m: _n(x + int(m.group(1))), template)


def _t(text: str) -> str:
    return escape(text, quote=False)


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
