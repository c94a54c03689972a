"""The demo looks like a MASH on a working day: its synthetic families are current, the demo case
stays the historic review it was published as.

Seen in a browser walk: the synthetic families were generated for 2007-2011, so nearly every
demo child was an adult today ("Jade Mensa (age 25)"), unanswered alarms said "Waited 15 years",
and a concern recorded today about a demo child raised nothing. No exact dates are asserted:
the synthetic window depends on the day the demo is built.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alarmbell.alerts import alerted_people
from alarmbell.demo import build_demo
from alarmbell.identity import view
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import EventRecordRow, TriageItem

pytestmark = pytest.mark.slow  # builds the demo: generation, linkage, early warning (about 40 s)


@dataclass(frozen=True)
class Built:
    session: Session
    today: date


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    settings = Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    build_demo(settings, children=600)  # the default: what `alarmbell demo` shows
    engine = make_engine(settings)
    with session_scope(engine) as session:
        yield Built(session, datetime.now(UTC).date())
    engine.dispose()


def is_demo_case(source_id: str) -> bool:
    """The published case's records are the `-demo-` ones (coventry-2012.jsonl)."""
    return "-demo-" in source_id


def age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def test_most_synthetic_children_with_alerts_are_children_today(built: Built) -> None:
    ages = []
    for alerted in alerted_people(built.session, limit=1000):
        person = view(built.session, alerted.person_id)
        assert person is not None
        if person.dob is not None and not any(is_demo_case(source) for _, source in person.records):
            ages.append(age(person.dob, built.today))
    assert len(ages) >= 10, "the synthetic families raise alerts"
    under_18 = sum(1 for years in ages if years < 18)
    assert under_18 / len(ages) >= 0.8, f"{under_18} of {len(ages)} alerted synthetic people are under 18"


def test_the_newest_synthetic_record_is_recent_and_none_is_in_the_future(built: Built) -> None:
    synthetic = ~EventRecordRow.source_id.contains("-demo-")
    newest = built.session.scalar(select(func.max(EventRecordRow.recorded_at)).where(synthetic))
    assert newest is not None
    now = datetime.now(UTC)
    assert now - timedelta(days=365) < newest <= now


def test_the_demo_case_keeps_its_published_dates(built: Built) -> None:
    demo_case = EventRecordRow.source_id.contains("-demo-")
    first, last = built.session.execute(
        select(func.min(EventRecordRow.occurred_at), func.max(EventRecordRow.occurred_at)).where(demo_case)
    ).one()
    assert (first.date(), last.date()) == (date(2006, 12, 31), date(2012, 2, 29))


def test_the_fortnights_work_names_current_children_not_the_historic_review(built: Built) -> None:
    """The triage scenario is the last fortnight's work: its red alerts name children alerted in
    the last two years, not the published case's (alerted by 2012, now the reviewer's)."""
    named = {
        person_id
        for person_id in built.session.scalars(
            select(TriageItem.person_id).where(TriageItem.source_key.like("scenario:%"))
        )
        if person_id is not None
    }
    assert len(named) >= 5, "the scenario names the store's children"
    for person_id in named:
        person = view(built.session, person_id)
        assert person is not None
        assert not any(is_demo_case(source) for _, source in person.records), person.display_name
