"""Households over time: the adults around a child and the derived "new adult" facts."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from alarmbell.domain.vocabulary import EVENT_KINDS
from alarmbell.identity import link_people, person_ids_for_records
from alarmbell.identity.households import KIND, household_adults_over_time, new_adult_events
from alarmbell.ingest.service import ingest_file
from alarmbell.storage.db import session_scope


def test_mothers_partners_join_the_demo_household_parents_do_not(engine: Engine, demo_case: Path) -> None:
    ingest_file(engine=engine, path=demo_case)
    with session_scope(engine) as session:
        link_people(session)
        keys = [("police", "POL-demo-P1"), ("police", "POL-demo-P4"), ("police", "POL-demo-P5")]
        ids = person_ids_for_records(session, keys)
        leo = ids[("police", "POL-demo-P1")]
        adults = {a.person_id: a.relation for a in household_adults_over_time(session, leo)}
        events = new_adult_events(session, leo)
    assert KIND in EVENT_KINDS
    assert adults[ids[("police", "POL-demo-P4")]] == "mother_partner"
    joined = {e.adult_person_id for e in events}
    assert joined == {ids[("police", "POL-demo-P4")], ids[("police", "POL-demo-P5")]}
    assert all(e.kind == KIND and e.relation == "mother_partner" and e.text for e in events)
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
