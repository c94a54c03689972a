"""Issue 19 defect 2: the store gives back every date ingest accepts, on SQLite and PostgreSQL.

The year 999 was accepted, written by SQLite as `999-06-01` (C's strftime does not pad) and then
could not be read, so chronology, rescore and SAR export crashed for the whole store. Now the
property is checked over the whole accepted range: a moment is accepted exactly when it falls
in 1900 to next year (in UTC), and an accepted one reads back unchanged.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from alarmbell.alerts.rescore import rescore
from alarmbell.chronology import build_chronology
from alarmbell.domain.plausible import EARLIEST_YEAR, latest_event_year
from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_lines
from alarmbell.policy import default_policy
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import EventRecordRow, PersonLink
from tests.helpers import event, person

FIRST = datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC)
END = datetime(latest_event_year() + 1, 1, 1, tzinfo=UTC)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12, minutes=-30))])
#: Local times a little beyond the range on both sides, so rejection at the edges is tested too.
MOMENTS = st.datetimes(
    min_value=datetime(EARLIEST_YEAR - 1, 12, 30), max_value=datetime(END.year, 1, 2), timezones=ZONES
) | st.sampled_from([FIRST, END - timedelta(microseconds=1)])
_ids = itertools.count()


def _ingest(engine: Engine, *records: dict[str, object]) -> tuple[int, list[str]]:
    messages: list[str] = []
    lines = [orjson.dumps(r) + b"\n" for r in records]
    summary = ingest_lines(engine=engine, source="hypothesis", lines=lines, report=messages.append)
    return summary.accepted, messages


def _stored(engine: Engine, source_id: str) -> datetime:
    with engine.connect() as connection:
        value = connection.execute(
            select(EventRecordRow.occurred_at).where(EventRecordRow.source_id == source_id)
        ).scalar_one()
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moment=MOMENTS)
def test_every_accepted_moment_reads_back_unchanged(engine: Engine, moment: datetime) -> None:
    source_id = f"E{next(_ids)}"
    accepted, messages = _ingest(engine, event(source_id, ["P0"], occurred_at=moment.isoformat()))
    plausible = FIRST <= moment < END
    assert accepted == int(plausible), messages
    if plausible:
        assert _stored(engine, source_id) == moment.astimezone(UTC)
    else:
        assert messages and "(expected a date from 1900-01-01 to" in messages[0]


def test_the_edges_of_the_range_survive_chronology_and_rescore(engine: Engine) -> None:
    """What crashed on a store holding the year 999: reading a child's chronology and rescoring."""
    edges = [FIRST, END - timedelta(microseconds=1)]
    records = [
        person("P1", dob="1900-01-01"),
        *(
            event(f"E{i}", ["P1"], kind="gp_consultation", occurred_at=e.isoformat())
            for i, e in enumerate(edges)
        ),
    ]
    accepted, messages = _ingest(engine, *records)
    assert (accepted, messages) == (3, [])
    with session_scope(engine) as session:
        link_people(session)
    with session_scope(engine) as session:
        person_id = session.scalars(select(PersonLink.person_id)).one()
        chronology = build_chronology(session, person_id)
        assert chronology is not None
        assert [entry.occurred_at for entry in chronology.entries] == edges
        rescore(session, policy=default_policy(), workers=1)
