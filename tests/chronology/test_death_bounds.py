"""A recorded death (the CIN census's) bounds the child's timeline and replaces "age today"."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from alarmbell.identity import link_people, person_ids_for_records
from alarmbell.ingest.service import ingest_file
from alarmbell.storage.db import session_scope
from alarmbell.web.pages.person import build_person_page, timeline_layout
from tests.helpers import event, person, write_jsonl


def test_a_recorded_death_bounds_the_timeline_and_the_age(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "death.jsonl",
        [
            person("P1", agency="children_social_care", dob="2007-07-15", role_hint="child"),
            event("E1", ["P1"], agency="children_social_care", kind="referral", occurred_at="2011-05-02"),
            event(
                "E2",
                ["P1"],
                agency="children_social_care",
                kind="other",
                occurred_at="2012-03-03",
                attrs={"event": "death", "census_item": "PersonDeathDate"},
            ),
        ],
    )
    summary = ingest_file(engine=engine, path=path)
    assert summary.rejected == 0
    with session_scope(engine) as session:
        link_people(session)
        child = person_ids_for_records(session, [("children_social_care", "P1")])[
            ("children_social_care", "P1")
        ]
        page = build_person_page(session, child, now=datetime(2026, 12, 2, tzinfo=UTC), rule_titles={})
    assert page is not None
    assert page.summary.age_label == "4 when they died, 3 March 2012"
    layout = timeline_layout(page)
    assert layout.born_x is not None and layout.died_x is not None and layout.born_x < layout.died_x
    assert layout.died_label == "Died 3 Mar 2012"
