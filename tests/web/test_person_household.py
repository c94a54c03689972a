"""How the person page's household counts what is recorded about each adult (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

from alarmbell.web.pages.person import ChronologyRow
from alarmbell.web.pages.person_household import counted, joined_dates, record_counts


def _row(kind: str, about: int | None, *, own: bool = False, day: int = 1) -> ChronologyRow:
    at = datetime(2011, 1, day, tzinfo=UTC)
    return ChronologyRow(
        anchor="", agency="police", agency_label="Police", source_id=f"{kind}-{day}", kind=kind,
        what=kind, text="",
        occurred_at=at, date_label=f"{day} Jan 2011", recorded_at=at, recorded_label="", own=own,
        about="", about_person_id=about, involvement="subject", evidence_for=(),
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
