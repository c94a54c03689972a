"""The review report as HTML (the web page and a standalone document), Markdown and PDF.

One set of Jinja2 templates: `review_body.html` holds the report and is included both by
`review.html` (the web page, inside the app's layout, styled by /static stylesheets under the
strict CSP) and by `review_document.html` (a self-contained document with its CSS inlined,
which is also what WeasyPrint turns into the PDF). SVG figures carry their own stylesheet in
the document, because a PDF renderer styles an inline SVG only from inside it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import jinja2
from markupsafe import Markup

from alarmbell.domain.chronology import ChronologyEntry
from alarmbell.domain.injuries import concern_details
from alarmbell.domain.timeparse import local_moment
from alarmbell.domain.wording import event_date
from alarmbell.presentation import (
    GENOGRAM_PRINT,
    GENOGRAM_WEB,
    Geometry,
    Relative,
    layout_genogram,
    render_genogram,
)
from alarmbell.review.build import about as entry_about
from alarmbell.review.model import FamilyView, Knowledge, KnowledgeRow, ReviewReport, Timer
from alarmbell.review.phrases import agency_name, day, period, short_day
from alarmbell.review.signals import describe, kind_words

if TYPE_CHECKING:
    from weasyprint.document import Document

WEB: Final = Path(str(resources.files("alarmbell"))) / "web"
TEMPLATES: Final = WEB / "templates"
STATIC: Final = WEB / "static"
#: Agency colours for figures in the PDF (the web page takes them from alarmbell.css).
LANE_COLOURS: Final[dict[str, str]] = {
    "police": "#1d70b8",
    "health": "#00796b",
    "education": "#4c2c92",
    "children_social_care": "#c0276d",
    "housing": "#8f5f1c",
    "probation": "#5e6f26",
    "other": "#505a5f",
}
CHRONOLOGY_TEXT: Final = 400
#: The protective marking (UK Government Security Classifications) of every review: it names
#: children and what agencies recorded about them. Shown at the top and bottom of every PDF page,
#: on the cover, and above and below the report on the web page and in the standalone HTML.
PROTECTIVE_MARKING: Final = "OFFICIAL-SENSITIVE"
#: A PDF lists every event of a chronology up to this long; beyond it, the lane chart shows them
#: all and the HTML and Markdown versions list them (a 1,000-row table is 35 pages to lay out).
PDF_CHRONOLOGY_ROWS: Final = 250
#: Beyond this many rows the PDF's knowledge matrix groups events by month, agency and kind.
PDF_MATRIX_ROWS: Final = 120
#: Beyond this many timers the PDF lists only those not met, and counts the rest.
PDF_TIMERS: Final = 30
#: Lines per list in each missed opportunity of a PDF with more than `PDF_MISSED_IN_FULL` of
#: them (the HTML shows all the builder kept).
PDF_LIST_LINES: Final = 2
PDF_MISSED_IN_FULL: Final = 15
#: The rules of a missed opportunity that is only an alert with no decision in time: beyond
#: `PDF_MISSED_IN_FULL`, a PDF lists these as rows of one table.
ALERT_ONLY: Final = ("alert_not_acted_on",)


@dataclass(frozen=True, slots=True)
class ChronologyLine:
    anchor: str
    when: str
    recorded: str
    agency: str
    agency_label: str
    what: str
    text: str
    about: str
    own: bool
    #: Body sites and injuries, action taken, who was informed, author (domain/injuries.py).
    details: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """As the app's (autoescape, strict undefined), plus the report's filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install_filters(env)
    return env


def install_filters(env: jinja2.Environment) -> None:
    """The filters review templates use; the web app adds them to its own environment."""
    env.filters.update(day=day, short_day=short_day, agency=agency_name, kind=kind_words, period=period)


def context(report: ReviewReport, *, for_pdf: bool = False) -> dict[str, Any]:
    """Everything the templates need, built once per report."""
    first = report.first_name
    names = {m.person_id: m.display_name for m in report.chronology.household}
    return {
        "report": report,
        "first_name": first,
        "as_of_label": day(report.as_of) if report.as_of else None,
        "as_of_iso": report.as_of.date().isoformat() if report.as_of else "",
        "generated_label": generated_label(report.generated_at),
        "span": _span(report),
        "genogram_svg": Markup(genogram_svg(report, for_pdf=for_pdf)),  # noqa: S704 - escaped in genogram.py
        "timeline_svg": Markup(timeline_svg(report, for_pdf=for_pdf)),  # noqa: S704 - escaped in timeline_svg.py
        "chronology": _chronology(report, first, names, for_pdf=for_pdf),
        "chronology_omitted": for_pdf and len(report.chronology.entries) > PDF_CHRONOLOGY_ROWS,
        "matrix_rows": _matrix_rows(report, for_pdf=for_pdf),
        "timers": _timers(report, for_pdf=for_pdf),
        "timers_met": sum(t.status == "met" for t in report.timers),
        "list_cap": PDF_LIST_LINES if for_pdf and len(report.missed) > PDF_MISSED_IN_FULL else 1000,
        "missed_rows": _missed_rows(report, for_pdf=for_pdf),
        "agency_labels": {a: agency_name(a) for a in report.matrix.agencies},
        "policy_versions": sorted({a.alert.policy_version[:12] for a in report.alerts}),
        "for_pdf": for_pdf,
        "marking": PROTECTIVE_MARKING,
    }


def render_html(report: ReviewReport, *, for_pdf: bool = False) -> str:
    """A self-contained HTML document: the CLI's `--format html` and the PDF's source."""
    css = (STATIC / "review-print.css").read_text(encoding="utf-8")
    values = {**context(report, for_pdf=for_pdf), "css": Markup(css)}  # noqa: S704 - our own file
    return environment().get_template("review_document.html").render(values)


def render_pdf(report: ReviewReport) -> bytes:
    """The report as PDF, from the standalone HTML, by WeasyPrint (Pango, Debian fonts)."""
    pdf: bytes = pdf_document(report).write_pdf()
    return pdf


def pdf_document(report: ReviewReport) -> Document:
    """The PDF's laid-out pages: tests read its boxes to check that nothing overflows its cell."""
    from weasyprint import HTML

    return HTML(string=render_html(report, for_pdf=True), base_url=str(STATIC)).render()


def _chronology(
    report: ReviewReport, first: str, names: dict[int, str], *, for_pdf: bool
) -> list[ChronologyLine]:
    entries = report.chronology.entries
    if for_pdf and len(entries) > PDF_CHRONOLOGY_ROWS:
        return []
    return [_line(e, first, names) for e in entries]


def _missed_rows(report: ReviewReport, *, for_pdf: bool) -> dict[str, int]:
    """anchor -> number of each missed opportunity a long PDF gives as a table row, not a card: the
    alerts not acted on in time, which differ only in date, level and delay (the HTML shows cards)."""
    if not for_pdf or len(report.missed) <= PDF_MISSED_IN_FULL:
        return {}
    return {m.anchor: n for n, m in enumerate(report.missed, start=1) if m.rules == ALERT_ONLY}


def _timers(report: ReviewReport, *, for_pdf: bool) -> tuple[Timer, ...]:
    if for_pdf and len(report.timers) > PDF_TIMERS:
        return tuple(t for t in report.timers if t.status != "met")[:PDF_TIMERS]
    return report.timers


def _matrix_rows(report: ReviewReport, *, for_pdf: bool) -> tuple[KnowledgeRow, ...]:
    """Every row on the web; in a long PDF, rows grouped by quarter, or by year if still long."""
    rows = report.matrix.rows
    if not for_pdf or len(rows) <= PDF_MATRIX_ROWS:
        return rows
    by_quarter = grouped(rows, lambda r: (r.occurred_at.year, (r.occurred_at.month - 1) // 3))
    return (
        by_quarter
        if len(by_quarter) <= PDF_MATRIX_ROWS // 2
        else grouped(rows, lambda r: (r.occurred_at.year, 0))
    )


def grouped(
    rows: tuple[KnowledgeRow, ...], period_of: Callable[[KnowledgeRow], tuple[int, int]]
) -> tuple[KnowledgeRow, ...]:
    """One row per period, recording agency, category and subject, with each agency's earliest knowledge."""
    groups: dict[tuple[tuple[int, int], str, str, str], list[KnowledgeRow]] = {}
    for row in rows:
        groups.setdefault((period_of(row), row.agency, row.category, row.about), []).append(row)
    return tuple(_grouped(found) for found in groups.values())


def _grouped(rows: list[KnowledgeRow]) -> KnowledgeRow:
    first = rows[0]
    if len(rows) == 1:
        return first
    known = []
    for i, cell in enumerate(first.known):
        cells = [r.known[i] for r in rows if r.known[i].since is not None]
        earliest = min(cells, key=lambda k: k.since or datetime.max.replace(tzinfo=UTC), default=None)
        if earliest is None:
            known.append(Knowledge(cell.agency, None, ""))
            continue
        count = f" ({len(cells)} of {len(rows)})" if len(cells) < len(rows) else ""
        known.append(Knowledge(cell.agency, earliest.since, earliest.how + count))
    summary = f"{len(rows)} × {first.summary} ({period(rows[0].occurred_at, rows[-1].occurred_at)})"
    return replace(first, summary=summary, known=tuple(known))


def _span(report: ReviewReport) -> str:
    entries = report.chronology.entries
    if not entries:
        return "no events recorded"
    return f"{day(entries[0].occurred_at)} to {day(entries[-1].occurred_at)}"


def _line(entry: ChronologyEntry, first: str, names: dict[int, str]) -> ChronologyLine:
    text = (entry.text or "").strip()
    if len(text) > CHRONOLOGY_TEXT:
        text = text[: CHRONOLOGY_TEXT - 1].rstrip() + "…"
    return ChronologyLine(
        anchor=anchor(entry.agency, entry.source_id),
        when=event_date(entry.occurred_at, entry.date_precision),
        recorded=short_day(entry.recorded_at),
        agency=entry.agency,
        agency_label=agency_name(entry.agency),
        what=describe(entry)[:1].upper() + describe(entry)[1:],
        text=text,
        about=entry_about(entry, first, names),
        own=entry.is_own,
        details=concern_details(entry.attrs, entry.author),
    )


def generated_label(moment: datetime) -> str:
    """`4 December 2026 at 20:27 GMT`: when the report was made, on the clock its readers keep."""
    local = local_moment(moment)
    return f"{day(local)} at {local:%H:%M} {'BST' if local.utcoffset() else 'GMT'}"


def anchor(agency: str, source_id: str) -> str:
    return "rv-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in f"{agency}-{source_id}")


# -- figures -------------------------------------------------------------------------------------


def genogram_svg(report: ReviewReport, *, for_pdf: bool = False) -> str:
    """The family diagram; in a PDF, drawn at print size (`PRINT`: text of 9 pt and more)."""
    lines = ["Subject of this review"] + ([f"born {day(report.dob)}"] if report.dob else [])
    geometry = GENOGRAM_PRINT if for_pdf else GENOGRAM_WEB
    relatives = [relative_of(view) for view in report.family]
    layout = layout_genogram((report.name, report.sex, report.dob), lines, relatives, geometry)
    home = [v.member.name for v in report.family if v.in_household]
    svg = render_genogram(
        layout,
        title=f"{report.name}'s family and household",
        description=f"{len(report.family)} related people; in the household: "
        + (", ".join(home) or "none recorded")
        + ".",
        # Its own size, one unit to the CSS pixel: a PDF shrinks it only if wider than the page; the
        # web page scales it to the column, except on a phone, where it keeps its size and scrolls
        # sideways in its box (review.css) rather than shrinking its labels to 4 px.
        sized=True,
    )
    if not for_pdf:
        return svg
    return _with_style(svg, genogram_css(geometry), f"{report.name}'s family and household")


def relative_of(view: FamilyView) -> Relative:
    member = view.member
    return Relative(
        member.person_id, member.name, member.relation, member.sex, member.dob, view.in_household, view.notes
    )


def timeline_svg(report: ReviewReport, *, for_pdf: bool = False) -> str:
    """The lane-per-agency chronology, drawn by the person page's own timeline code."""
    from alarmbell.presentation import AlertLine, Mark, layout_timeline, mark_title, render_svg

    first = report.first_name
    names = {m.person_id: m.display_name for m in report.chronology.household}
    marks = [
        Mark(
            e.occurred_at,
            e.agency,
            e.is_own,
            _mark_title(e, first, names, mark_title),
            f"#{anchor(e.agency, e.source_id)}",
        )
        for e in report.chronology.entries
    ]
    lines = [
        AlertLine(
            a.alert.raised_at, a.alert.level, f"{a.alert.level.capitalize()} {short_day(a.alert.raised_at)}"
        )
        for a in report.alerts
    ]
    svg = render_svg(
        layout_timeline(marks, lines),
        title=f"Timeline of events for {report.name}, by agency",
        description=f"{len(marks)} events, one lane per agency, and {len(lines)} alerts.",
        own_label=f"{first}'s own events",
    )
    if not for_pdf:
        return svg
    # A PDF image has no tooltips or links: dropping them leaves the renderer a third as much to parse.
    bare = _MARK_EXTRAS.sub("", svg)
    return _with_style(bare, _timeline_css(), f"Timeline of events for {report.name}, by agency")


_MARK_EXTRAS: Final = re.compile(r"<title>[^<]*</title>|<a href=\"[^\"]*\">|</a>")


def _mark_title(entry: ChronologyEntry, first: str, names: dict[int, str], title: Any) -> str:
    text: str = title(
        entry.occurred_at, entry.agency, kind_words(entry.kind), entry_about(entry, first, names), entry.text
    )
    return text


def _with_style(svg: str, css: str, alt: str) -> str:
    """The SVG, with its stylesheet inside, as an <img> data URI: a PDF renderer then styles it
    from within and draws it as one image, instead of cascading the page's CSS over every mark."""
    head, _, rest = svg.partition(">")
    data = base64.b64encode(f"{head}><style>{css}</style>{rest}".encode()).decode("ascii")
    return f'<img class="app-rv-svg" alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}">'


def genogram_css(g: Geometry) -> str:
    """The diagram's styles inside its SVG, with the geometry's font sizes."""
    return f"""
text {{ font-family: 'DejaVu Sans', sans-serif; fill: #0b0c0c; font-size: {g.font:g}px; }}
.app-geno__name {{ font-weight: bold; font-size: {g.name_font:g}px; }}
.app-geno__note {{ fill: #383f43; font-size: {g.font:g}px; }}
.app-geno__symbol {{ fill: #ffffff; stroke: #0b0c0c; stroke-width: 2; }}
.app-geno__person--subject .app-geno__symbol {{ fill: #fff7d6; stroke-width: 2.5; }}
.app-geno__inner {{ fill: none; stroke: #0b0c0c; stroke-width: 1.5; }}
.app-geno__person--away .app-geno__symbol {{ stroke: #6f777b; }}
.app-geno__link, .app-geno__line {{ fill: none; stroke: #0b0c0c; stroke-width: 1.6; }}
.app-geno__link--partner {{ stroke-dasharray: 6 4; }}
.app-geno__household {{ fill: #f3f2f1; fill-opacity: 0.55; stroke: #1d70b8; stroke-width: 1.6;
  stroke-dasharray: 7 5; }}
.app-geno__household-label {{ fill: #1d70b8; font-weight: bold; font-size: {g.font:g}px; }}
.app-geno__legend text {{ font-size: {g.font:g}px; fill: #383f43; }}
"""


def _timeline_css() -> str:
    """The timeline's web styles with each CSS variable replaced by its value (no var() in SVG)."""
    rules = [
        "text { font-family: 'DejaVu Sans', sans-serif; fill: #0b0c0c; font-size: 12px; }",
        ".app-tl__lane-band { fill-opacity: 0.07; } .app-tl__lane-band--1 { fill-opacity: 0.13; }",
        ".app-tl__lane-label { font-size: 15px; font-weight: bold; } .app-tl__lane-count { fill: #505a5f; }",
        ".app-tl__axis { stroke: #0b0c0c; stroke-width: 1; }",
        ".app-tl__grid { stroke: #505a5f; stroke-opacity: 0.35; stroke-dasharray: 2 3; }",
        ".app-tl__year { font-size: 13px; font-weight: bold; }",
        ".app-tl__alert--red .app-tl__alert-line { stroke: #d4351c; stroke-width: 2.5; }",
        ".app-tl__key-line.app-tl__alert--red { stroke: #d4351c; stroke-width: 2.5; }",
        ".app-tl__alert--amber .app-tl__alert-line { stroke: #f47738; stroke-width: 2.5; }",
        ".app-tl__key-line.app-tl__alert--amber { stroke: #f47738; stroke-width: 2.5; }",
        ".app-tl__alert--red .app-tl__alert-label { fill: #d4351c; font-weight: bold; }",
        ".app-tl__alert--amber .app-tl__alert-label { fill: #a94c00; font-weight: bold; }",
        ".app-tl__mark--household { fill: #ffffff; stroke-width: 2.25; }",
        ".app-tl__key { stroke: #0b0c0c; stroke-width: 2; } .app-tl__key--own { fill: #0b0c0c; }",
        ".app-tl__key--household { fill: #ffffff; }",
    ]
    for agency, colour in LANE_COLOURS.items():
        lane = f".app-lane--{agency}"
        rules.append(f"{lane} .app-tl__lane-band, {lane} .app-tl__lane-stripe {{ fill: {colour}; }}")
        rules.append(f"{lane} .app-tl__lane-label {{ fill: {colour}; }}")
        rules.append(f"{lane} .app-tl__mark--own {{ fill: {colour}; stroke: #ffffff; stroke-width: 1.5; }}")
        rules.append(f"{lane} .app-tl__mark--household {{ stroke: {colour}; }}")
    return "\n".join(rules)
