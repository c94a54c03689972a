"""The review PDF as a reader sees it: the protective marking at the top and bottom of every page,
nothing in the knowledge matrix drawn over the next column, and family-diagram text large enough
to read on paper. The demo case (Leo Brennan) has the longest chronology of the fixtures."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf._page import PageObject

from alarmbell.review import ReviewReport
from alarmbell.review.render import PROTECTIVE_MARKING, pdf_document, render_html
from tests.web.conftest import DemoStore

from .test_demo import report_for

#: Layout rounding: WeasyPrint positions are floats in CSS px.
EPSILON = 0.5


@pytest.fixture(scope="module")
def report(review_store: DemoStore) -> ReviewReport:
    return report_for(review_store)


@pytest.fixture(scope="module")
def document(report: ReviewReport) -> Any:
    return pdf_document(report)


@pytest.fixture(scope="module")
def pdf_pages(document: Any) -> list[PageObject]:
    return list(PdfReader(io.BytesIO(document.write_pdf())).pages)


def marking_heights(page: PageObject) -> list[float]:
    """The height above the page's foot (pt) of each line of text that is the protective marking."""
    found: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if text.strip() == PROTECTIVE_MARKING:
            found.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    return found


def test_every_page_is_marked_at_its_top_and_its_foot(pdf_pages: list[PageObject]) -> None:
    assert len(pdf_pages) > 3
    for number, page in enumerate(pdf_pages, start=1):
        height = float(page.mediabox.height)
        heights = marking_heights(page)
        assert any(y > height * 0.92 for y in heights), f"page {number}: no marking at the top {heights}"
        assert any(y < height * 0.08 for y in heights), f"page {number}: no marking at the foot {heights}"


def test_the_cover_carries_the_marking_too(pdf_pages: list[PageObject]) -> None:
    height = float(pdf_pages[0].mediabox.height)
    inside = [y for y in marking_heights(pdf_pages[0]) if height * 0.08 < y < height * 0.92]
    assert inside, "the cover block names the marking"


def boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def classes(box: Any) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def matrix_cells(document: Any) -> Iterator[Any]:
    for page in document.pages:
        for table in boxes(page._page_box):
            if type(table).__name__ == "TableBox" and "app-rv-matrix" in classes(table):
                for box in boxes(table):
                    if type(box).__name__ == "TableCellBox" and box.element_tag == "td":
                        yield box


def test_nothing_in_the_knowledge_matrix_runs_into_the_next_column(document: Any) -> None:
    """Every badge and every line of text ends inside its own cell (on main, 'R' badges of long
    dates were drawn over the next agency's column)."""
    cells = list(matrix_cells(document))
    badges = 0
    for cell in cells:
        right = cell.content_box_x() + cell.width + cell.padding_right
        for inner in boxes(cell):
            if inner is cell or not hasattr(inner, "margin_width"):
                continue
            badges += "app-rv-key" in classes(inner)
            end = inner.position_x + inner.margin_width()
            assert end <= right + EPSILON, (
                f"{type(inner).__name__} {getattr(inner, 'text', '')!r} in a <{inner.element_tag}> "
                f"ends at {end:.1f}px, beyond its cell's edge at {right:.1f}px"
            )
    assert len(cells) > 100 and badges > 50


def test_the_family_diagram_text_is_at_least_9_points_on_paper(document: Any) -> None:
    """The diagram is an image: its text size on paper is the SVG's font size times the image's
    scale (drawn width over the SVG's own width); on main it was 6.2 pt."""
    images = [
        box
        for page in document.pages
        for box in boxes(page._page_box)
        if type(box).__name__.endswith("ReplacedBox")
        and "Leo Brennan's family" in (box.element.get("alt") or "")
    ]
    assert len(images) == 1
    image = images[0]
    svg = base64.b64decode(image.element.get("src").split(",", 1)[1]).decode()
    view_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))  # type: ignore[union-attr]
    sizes = [float(size) for size in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert sizes and "<text" in svg
    points = min(sizes) * (image.width / view_width) * 0.75
    assert points >= 9, f"smallest text {points:.1f} pt"


def test_the_html_report_is_marked_above_and_below(report: ReviewReport) -> None:
    html = render_html(report)
    assert html.count(f">{PROTECTIVE_MARKING}</p>") == 3, "top banner, cover, bottom banner"
    body = html[html.index("<body") :]
    assert body.index(PROTECTIVE_MARKING) < body.index("1. Summary") < body.rindex(PROTECTIVE_MARKING)


def test_a_long_pdf_lists_the_alerts_not_acted_on_as_rows_of_one_table(report: ReviewReport) -> None:
    """Beyond 15 missed opportunities, those that are only alerts with no decision in time differ
    only in date, level and delay: the PDF gives them as numbered rows, the HTML as cards. (Leo's
    alerts reached alarmbell when his history was loaded, so none counts against the MASH; a
    child whose items were decided late, one after another, has several: thirteen are added here.)"""
    ours = replace(
        report.missed[0],
        rules=("alert_not_acted_on",),
        title="alarmbell's red alert of 31 January 2011 was not acted on in time",
    )
    extra = tuple(replace(ours, title=f"{ours.title} ({n})") for n in range(13))
    missed = tuple(replace(m, anchor=f"missed-{n}") for n, m in enumerate((*report.missed, *extra), start=1))
    report = replace(report, missed=missed)
    alert_only = [n for n, m in enumerate(report.missed, start=1) if m.rules == ("alert_not_acted_on",)]
    assert len(report.missed) > 15 and len(alert_only) > 10
    pdf_html = render_html(report, for_pdf=True)
    assert pdf_html.count('<article class="app-rv-missed"') == len(report.missed) - len(alert_only)
    assert f"Alerts not acted on in time ({len(alert_only)})" in pdf_html
    for number in alert_only:
        assert f'<tr id="missed-{number}"><td>{number}</td>' in pdf_html
    web_html = render_html(report)
    assert web_html.count('<article class="app-rv-missed"') == len(report.missed)
    assert "Alerts not acted on in time" not in web_html
