"""A date known only to its month or year is shown so, never as a made-up day (issue 14, item 2)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from alarmbell.identity import link_people, person_ids_for_records
from alarmbell.ingest.service import ingest_file
from alarmbell.storage.db import session_scope
from alarmbell.web.pages.person import build_person_page
from tests.helpers import event, person, write_jsonl


def test_month_and_year_dates_read_as_such_on_the_page_and_in_the_review(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "dates.jsonl",
        [
            person("P1"),
            event("E1", ["P1"], occurred_at="2019-01-31", date_precision="month"),
            event("E2", ["P1"], occurred_at="2019-12-31", date_precision="year"),
            event("E3", ["P1"], occurred_at="2020-01-05"),
        ],
    )
    result = ingest_file(engine=engine, path=path)
    assert (result.accepted, result.rejected) == (4, 0), result.messages
    with session_scope(engine) as session:
        link_people(session)
        child = person_ids_for_records(session, [("police", "P1")])[("police", "P1")]
        page = build_person_page(session, child, now=datetime.now(UTC), rule_titles={})
    assert page is not None
    labels = {row.source_id: row.date_label for row in page.chronology}
    assert labels == {"E1": "Jan 2019", "E2": "c. 2019", "E3": "5 Jan 2020"}


def test_an_unknown_precision_is_rejected_with_what_is_expected(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", [person("P1"), event("E1", ["P1"], date_precision="roughly")])
    messages: list[str] = []
    result = ingest_file(engine=engine, path=path, report=messages.append)
    assert result.rejected == 1
    assert any(
        ":2: date_precision: 'roughly' (expected one of day, month, year, period, illustrative" in m
        for m in messages
    ), messages
