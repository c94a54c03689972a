"""A store with a review group to look at: the demo case plus a second, synthetic Leo Brennan.

The second Leo is a health record with its own valid NHS number, grandmother and two events.
Leo's own records already hold a different NHS number (on his GP record), so the model would
join the new record to each of his four records but the NHS-number check stops it: four pairs,
five records, one group. Three of the pairs show only one NHS number, the case where the old
page said "different valid NHS numbers" with one number on screen.
"""

from __future__ import annotations

from pathlib import Path

from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from tests.helpers import event, person, relationship, write_jsonl
from tests.web.conftest import populate

SECOND_LEO_NHS = "4857773457"
LEO_NHS = "2945183218"  # on HEA-demo-P1, in the demo case

SECOND_LEO = [
    person(
        "HEA-demo-P9",
        agency="health",
        given_name="Leo",
        family_name="Brennan",
        dob="2007-07-15",
        sex="M",
        postcode="cv6 3ht",
        role_hint="child",
        nhs_number=SECOND_LEO_NHS,
    ),
    person(
        "HEA-demo-P10",
        agency="health",
        given_name="Dawn",
        family_name="Brennan",
        dob="1961-03-09",
        postcode="CV6 3HT",
        role_hint="adult",
    ),
    relationship("HEA-demo-R9", "HEA-demo-P10", "HEA-demo-P9", "grandparent", agency="health"),
    event(
        "HEA-demo-E901", ["HEA-demo-P9"], agency="health", kind="gp_consultation", occurred_at="2012-03-02"
    ),
    event("HEA-demo-E902", ["HEA-demo-P9"], agency="health", kind="ed_attendance", occurred_at="2012-05-20"),
]


def build_review_store(folder: Path) -> Settings:
    """The demo store (alerts raised), then the second Leo ingested and linked."""
    settings = Settings(database_url=f"sqlite:///{folder / 'alarmbell.db'}")
    populate(settings).engine.dispose()
    engine = make_engine(settings)
    ingest_file(engine=engine, path=write_jsonl(folder / "second-leo.jsonl", list(SECOND_LEO)))
    with session_scope(engine) as session:
        link_people(session)
    engine.dispose()
    return settings
