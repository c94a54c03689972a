"""Replay of a file equals evaluating it event by event through the normal intake path.

The definition: people and relationships arrive first and are linked once (as replay links once
for the batch); then the events arrive in the order they were recorded, one recorded moment at
a time, each arrival ingested with `ingest_lines` and followed by the refresh and routing every
intake ends with (`refresh_and_route`, clock at that moment). The alerts stored that way, with
their `raised_at`, and the work they opened, must be exactly what one `replay_file` of the whole
(shuffled) file reports. Random small households: a child, a mother, perhaps her partner, each
known to one to three agencies, with events drawn from the kinds the default policy reads.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from alarmbell.alerts.service import live_people
from alarmbell.identity import link_people, view
from alarmbell.ingest.service import ingest_lines
from alarmbell.policy import default_policy
from alarmbell.replay.service import replay_file
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import AlertRow
from alarmbell.triage import TriageConfig
from alarmbell.triage.alert_work import refresh_and_route
from tests.policy.test_batch_equivalence import PALETTE

POLICY = default_policy()
AGENCIES = ("police", "health", "education", "children_social_care")
START = date(2016, 1, 1)

#: (role in the file, given name, date of birth): one household's people.
PEOPLE = (("child", "Robin", "2012-05-04"), ("adult", "Alex", "1985-09-12"), ("adult", "Sam", "1983-02-27"))
RELATION_TO_CHILD = {1: "mother", 2: "mother_partner"}


@st.composite
def households(draw: st.DrawFn) -> list[dict[str, Any]]:
    """The lines of one household's file: person records, relationships and events."""
    people = draw(st.integers(2, 3))
    known = [
        draw(st.lists(st.sampled_from(AGENCIES), min_size=1, max_size=3, unique=True)) for _ in range(people)
    ]
    lines: list[dict[str, Any]] = []
    for index, agencies in enumerate(known):
        role, given, dob = PEOPLE[index]
        for agency in agencies:
            record = {"type": "person", "agency": agency, "source_id": f"{agency}-P{index}"}
            lines.append(
                record | {"given_name": given, "family_name": "Okafor", "dob": dob, "role_hint": role}
            )
    for index in range(1, people):
        shared = sorted(set(known[0]) & set(known[index]))
        if shared:
            agency = shared[0]
            lines.append(
                {
                    "type": "relationship",
                    "agency": agency,
                    "source_id": f"{agency}-R{index}",
                    "from": f"{agency}-P{index}",
                    "to": f"{agency}-P0",
                    "kind": RELATION_TO_CHILD[index],
                }
            )
    for number in range(draw(st.integers(1, 14))):
        lines.append(draw(events(number, known)))
    return lines


@st.composite
def events(draw: st.DrawFn, number: int, known: list[list[str]]) -> dict[str, Any]:
    subject = draw(st.integers(0, len(known) - 1))
    agency = draw(st.sampled_from(known[subject]))
    kind, attrs = draw(st.sampled_from(PALETTE))
    occurred = START + timedelta(days=draw(st.integers(0, 2 * 365)))
    recorded = occurred + timedelta(days=draw(st.sampled_from([0, 0, 1, 5, 30, 200])))
    return {
        "type": "event",
        "agency": agency,
        "source_id": f"{agency}-E{number}",
        "kind": kind,
        "occurred_at": occurred.isoformat(),
        "recorded_at": recorded.isoformat(),
        "subjects": [f"{agency}-P{subject}"],
        "attrs": dict(attrs),
    }


def _arrivals(lines: list[dict[str, Any]]) -> list[tuple[datetime, list[bytes]]]:
    """The event lines grouped by the moment they were recorded, earliest first."""
    found = sorted((line for line in lines if line["type"] == "event"), key=lambda line: line["recorded_at"])
    return [
        (datetime.fromisoformat(moment).replace(tzinfo=UTC), [orjson.dumps(line) for line in group])
        for moment, group in groupby(found, key=lambda line: line["recorded_at"])
    ]


def _event_by_event(lines: list[dict[str, Any]], db: Path) -> tuple[list[tuple[Any, ...]], int]:
    engine = make_engine(Settings(database_url=f"sqlite:///{db}"))
    first = [orjson.dumps(line) for line in lines if line["type"] != "event"]
    ingest_lines(engine=engine, source="people", lines=first)
    with session_scope(engine) as session:
        link_people(session)
    opened = 0
    for number, (moment, arrived) in enumerate(_arrivals(lines)):
        ingest_lines(engine=engine, source=f"arrival {number}", lines=arrived)
        with session_scope(engine) as session:
            done = refresh_and_route(session, policy=POLICY, config=TriageConfig(), now=moment)
            opened += len(done.routed.opened)
    with session_scope(engine) as session:
        records = {p: v.records for p in live_people(session) if (v := view(session, p)) is not None}
        stored = [
            (
                records[r.person_id],
                r.raised_at,
                r.level,
                tuple(r.rules),
                _evidence(r.evidence, records.__getitem__),
            )
            for r in session.scalars(select(AlertRow))
        ]
    engine.dispose()
    return sorted(stored, key=_order), opened


def _evidence(keys: Sequence[Any], records_of: Callable[[int], Any]) -> list[Any]:
    """Evidence keys, with the person ids in a derived fact's key named by those people's records.

    Person ids depend on the order records came in, which differs between the two paths.
    """
    named: list[Any] = []
    for agency, source_id in keys:
        if source_id.startswith("derived:"):
            kind, *people = source_id.split(":")[1:]
            named.append((agency, kind, *(records_of(int(p)) for p in people)))
        else:
            named.append((agency, source_id))
    return named


def _order(alert: tuple[Any, ...]) -> tuple[Any, ...]:
    """By moment, then person (named by their records: ids depend on the order records came in)."""
    return alert[1], alert[0], alert[2]


@pytest.mark.slow
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(households(), st.randoms(use_true_random=False))
def test_replay_equals_event_by_event_intake(
    tmp_path_factory: Any, lines: list[dict[str, Any]], shuffle: random.Random
) -> None:
    folder = tmp_path_factory.mktemp("replay_equivalence")
    expected, opened = _event_by_event(lines, folder / "intake.db")
    # The file as an agency might send it: its people first, then its events in any order.
    people = [line for line in lines if line["type"] != "event"]
    happened = [line for line in lines if line["type"] == "event"]
    shuffle.shuffle(people)
    shuffle.shuffle(happened)
    path = folder / "household.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(line) for line in people + happened) + b"\n")
    result = replay_file(path, policy=POLICY)
    replayed = [
        (
            result.records_of(a.person_id),
            a.raised_at,
            a.level.value,
            a.rules,
            _evidence(a.evidence, result.records_of),
        )
        for a in result.alerts
    ]
    assert sorted(replayed, key=_order) == expected
    assert result.work.opened == opened
