"""How the person page's household counts what is recorded about each adult (pure)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from alarmbell.presentation import Relative, layout_genogram, render_genogram
from alarmbell.web.pages.person import ChronologyRow
from alarmbell.web.pages.person_household import OUTLINE, counted, joined_dates, record_counts


def _row(
    kind: str, about: int | None, *, own: bool = False, day: int = 1, named: tuple[tuple[int, str], ...] = ()
) -> ChronologyRow:
    at = datetime(2011, 1, day, tzinfo=UTC)
    return ChronologyRow(
        anchor="", agency="police", agency_label="Police", source_id=f"{kind}-{day}", kind=kind,
        what=kind, text="",
        occurred_at=at, date_label=f"{day} Jan 2011", recorded_at=at, recorded_label="", own=own,
        about="", about_person_id=about, involvement="subject", evidence_for=(), named=named,
    )  # fmt: skip


def test_records_are_counted_in_words_a_practitioner_reads() -> None:
    assert counted(2, "gp_consultation") == "2 GP consultation records"
    assert counted(1, "maternity") == "1 maternity record"  # not "maternities"


def test_counts_are_per_adult_most_first_with_the_rest_summed() -> None:
    rows = [_row("domestic_incident", 7, day=d) for d in range(1, 4)]
    rows += [_row(k, 7) for k in ("arrest", "crime_report", "intelligence", "missing_person")]
    rows += [_row("domestic_incident", None, own=True), _row("new_adult_in_household", 7, day=9)]
    assert record_counts(rows) == {
        7: ["3 domestic incident records", "1 arrest record", "1 crime report record", "2 other records"]
    }
    assert joined_dates(rows) == {7: "9 Jan 2011"}


def test_people_a_record_names_as_perpetrator_or_victim_are_counted_so() -> None:
    """A partner named as perpetrator on the mother's incidents has no incidents of his own."""
    rows = [_row("domestic_incident", 2, day=d, named=((3, "perpetrator"), (2, "victim"))) for d in (1, 2)]
    counts = record_counts(rows)
    assert counts[3] == ["Named as perpetrator in 2 domestic incident records"]
    assert counts[2] == ["Named as victim in 2 domestic incident records", "2 domestic incident records"]


def test_a_narrow_diagram_has_room_for_its_whole_legend() -> None:
    """Seen in the walk: a child with only her mother drew the legend's second line ("Parents",
    "Partner") below the drawing's edge, cut in half."""
    child = ("Jade Mensa", "F", date(2001, 7, 13))
    mother = Relative(29, "Elizabeth Mensah", "mother", "F", None, True, ("9 GP consultation records",))
    svg = render_genogram(
        layout_genogram(child, [], [mother]), title="t", description="d", household=OUTLINE, sized=True
    )
    height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    legend = r'class="app-geno__legend" transform="translate\([\d.]+ ([\d.]+)\)"'
    lines = [float(y) for y in re.findall(legend, svg)]
    assert len(lines) > 1 and max(lines) + 5 <= height, (lines, height)
