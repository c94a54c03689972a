"""Building work items from the store: alerts, referrals, police investigations with their offence,
and the statutory steps, each with a team, a clock and a harm with its source."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import TriageItem
from alarmbell.triage import refresh_items
from alarmbell.triage.timescales import (
    assessment_due,
    initial_conference_due,
    referral_decision_due,
    review_conference_due,
)
from tests.helpers import event, person, write_jsonl

from .conftest import CONFIG

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _store(engine: Engine, tmp_path: Path) -> None:
    rows = [
        person("P-CHILD", agency="police", given_name="Ava", family_name="Bell", dob="2019-03-02"),
        person("P-ADULT", agency="police", given_name="Tom", family_name="Bell", dob="1980-01-01"),
        event(
            "CR-1",
            ["P-ADULT"],
            kind="crime_report",
            occurred_at="2026-05-04T10:00:00+01:00",
            attrs={"offence": "bigamy"},
            author="DC Morgan",
        ),
        event(
            "CR-2",
            ["P-CHILD"],
            kind="crime_report",
            occurred_at="2026-05-05T10:00:00+01:00",
            attrs={"offence": "actual bodily harm"},
        ),
        event(
            "AR-1",
            ["P-ADULT"],
            kind="arrest",
            occurred_at="2026-05-06T10:00:00+01:00",
            attrs={"offence": "hare coursing"},
        ),
        person(
            "C-CHILD", agency="children_social_care", given_name="Ava", family_name="Bell", dob="2019-03-02"
        ),
        event(
            "REF-1",
            ["C-CHILD"],
            agency="children_social_care",
            kind="referral",
            occurred_at="2026-04-02T15:00:00+01:00",
            attrs={"from_agency": "Hillside Primary", "outcome": "assessment"},
        ),
        event(
            "SD-1",
            ["C-CHILD"],
            agency="children_social_care",
            kind="strategy_discussion",
            occurred_at="2026-04-30T09:00:00+01:00",
        ),
        event(
            "CP-1",
            ["C-CHILD"],
            agency="children_social_care",
            kind="cp_conference",
            occurred_at="2026-02-25T10:00:00+00:00",
        ),
        event(
            "CP-2",
            ["C-CHILD"],
            agency="children_social_care",
            kind="cp_conference",
            occurred_at="2026-05-20T10:00:00+01:00",
        ),
    ]
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "records.jsonl", rows))
    with session_scope(engine) as session:
        link_people(session)


def _items(engine: Engine) -> dict[str, TriageItem]:
    with session_scope(engine) as session:
        return {row.source_key: row for row in session.scalars(select(TriageItem))}


def test_refresh_builds_every_kind_of_item_once(engine: Engine, tmp_path: Path) -> None:
    _store(engine, tmp_path)
    with session_scope(engine) as session:
        summary = refresh_items(session, config=CONFIG, now=NOW)
    assert dict(summary.created) == {
        "investigation": 3,
        "referral_decision": 1,
        "assessment": 1,
        "initial_conference": 1,
        "review_conference": 2,
    }
    with session_scope(engine) as session:
        assert refresh_items(session, config=CONFIG, now=NOW).total == 0
    items = _items(engine)

    bigamy = items["event:police:CR-1"]
    assert (bigamy.offence, bigamy.harm_days, bigamy.harm_basis) == ("bigamy", 10, "subgroup fallback")
    assert "miscellaneous crimes against society" in bigamy.harm_source
    assert bigamy.team == "Police investigations" and bigamy.timescale == "mash_green"
    assert bigamy.referrer == "DC Morgan"

    abh = items["event:police:CR-2"]
    assert (abh.harm_days, abh.team, abh.timescale) == (365, "Police child protection unit", "mash_red")

    unknown = items["event:police:AR-1"]
    assert unknown.harm_basis == "unknown offence"

    referral = items["event:children_social_care:REF-1"]
    received = datetime(2026, 4, 2, 14, 0, tzinfo=UTC)
    assert referral.due_at == referral_decision_due(received)
    assert referral.referrer == "Hillside Primary" and referral.team == "MASH"
    assert items["assessment:children_social_care:REF-1"].due_at == assessment_due(received)

    conference = items["conference:children_social_care:SD-1"]
    assert conference.due_at == initial_conference_due(datetime(2026, 4, 30, 8, 0, tzinfo=UTC))
    assert conference.harm_days == CONFIG.alert_harm_days["red"]

    first = items["review:children_social_care:CP-1"]
    later = items["review:children_social_care:CP-2"]
    assert first.timescale == "first_review" and later.timescale == "later_review"
    assert first.due_at == review_conference_due(datetime(2026, 2, 25, 10, 0, tzinfo=UTC), first=True)


def test_refresh_since_skips_older_records(engine: Engine, tmp_path: Path) -> None:
    _store(engine, tmp_path)
    with session_scope(engine) as session:
        summary = refresh_items(session, config=CONFIG, now=NOW, since=datetime(2026, 5, 5, tzinfo=UTC))
    assert dict(summary.created) == {"investigation": 2, "review_conference": 1}
