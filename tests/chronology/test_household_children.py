"""A child's chronology knows the other children of the household, for the policy (issue 12).

A sister's injury reaches the baby's chronology whichever way the agencies recorded it: on an
event that names the mother too (marked in place), or on the sister's record alone (kept apart
from the entries a practitioner reads). A child recorded only as the mother's child is a
household child too, and one born the same day is a twin. The batch path (`rescore`) builds the
same chronology.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from alarmbell.alerts.rescore import load_relations, share_chronologies, shares
from alarmbell.chronology import build_chronology
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.identity import link_people, person_ids_for_records
from alarmbell.ingest.service import ingest_file
from alarmbell.policy import alert_timeline, default_policy
from alarmbell.storage.db import session_scope
from tests.helpers import event, person, relationship, write_jsonl

H = "health"


def _household(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "household.jsonl",
        [
            person("HP1", H, given_name="Noah", family_name="Reed", dob="2020-01-10", role_hint="child"),
            person("HP2", H, given_name="Dana", family_name="Reed", dob="1991-05-06", role_hint="adult"),
            person("HP3", H, given_name="Maya", family_name="Reed", dob="2017-04-02", role_hint="child"),
            person("HP4", H, given_name="Isla", family_name="Reed", dob="2020-01-10", role_hint="child"),
            relationship("R1", "HP2", "HP1", "mother", H),
            relationship("R2", "HP3", "HP1", "sibling", H),
            relationship("R3", "HP2", "HP4", "mother", H),
            event("E1", ["HP1"], H, kind="health_visitor_contact", occurred_at="2020-01-24"),
            event(
                "E2",
                ["HP3"],
                H,
                others=["HP2"],
                kind="ed_attendance",
                occurred_at="2020-03-02",
                attrs={"injury": "bruise", "site": "left ear", "medical_opinion": "possible_nai"},
            ),
            event(
                "E3",
                ["HP3"],
                H,
                kind="ed_attendance",
                occurred_at="2020-04-01",
                attrs={"injury": "fracture", "site": "wrist", "mobile": True},
            ),
            event(
                "E4",
                ["HP4"],
                H,
                kind="health_visitor_contact",
                occurred_at="2020-02-20",
                attrs={"injury": "bruise", "site": "cheek", "mobile": False},
            ),
        ],
    )


def test_the_babys_chronology_holds_the_other_childrens_events_for_the_policy(
    engine: Engine, tmp_path: Path
) -> None:
    ingest_file(engine=engine, path=_household(tmp_path))
    with session_scope(engine) as session:
        link_people(session)
        ids = person_ids_for_records(session, [(H, "HP1"), (H, "HP3"), (H, "HP4")])
        baby, sister, twin = ids[(H, "HP1")], ids[(H, "HP3")], ids[(H, "HP4")]
        chronology = build_chronology(session, baby)
        assert chronology is not None
        assert {m.person_id: m.relation for m in chronology.other_children} == {
            sister: "sibling",
            twin: "twin",
        }
        shared = next(e for e in chronology.entries if e.source_id == "E2")
        assert shared.relation == "mother" and shared.other_child == sister
        assert {e.source_id for e in chronology.entries} == {"E1", "E2"}, "the view stays the baby's"
        assert {(e.source_id, e.other_child) for e in chronology.other_child_entries} == {
            ("E3", sister),
            ("E4", twin),
        }
        people, relations = load_relations(session)
        batch = [
            c
            for share in shares(people, relations, 2)
            for _, chronologies in share_chronologies(session.connection(), share)
            for c in chronologies
            if c.person_id == baby
        ]
        assert batch == [chronology]
    alerts = alert_timeline(default_policy(), chronology)
    assert alerts[-1].level is AlertLevel.RED
    fired = {f.indicator_id: f.explanation for f in alerts[-1].findings}
    assert "Noah's twin Isla (1 month old then)" in fired["twin_of_injured_child"]
    assert (
        "Noah's sibling Maya (2 years old then) on 2 Mar 2020"
        in fired["household_child_non_accidental_injury"]
    )
