"""Chronologies built by hand for policy tests, and Leo's chronology from the demo file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alarmbell.domain.chronology import Chronology, ChronologyEntry, HouseholdMember, Involvement
from alarmbell.domain.timeparse import parse_moment
from alarmbell.domain.vocabulary import EVENT_KINDS
from alarmbell.policy import Policy, default_policy

DEMO_IN_REPO = Path(__file__).resolve().parents[2] / "src" / "alarmbell" / "demo_data" / "coventry-2012.jsonl"

LEO_RECORDS = ("CHI-demo-P1", "EDU-demo-P1", "HEA-demo-P1", "POL-demo-P1")
LEO_ADULTS = {"P2": "mother", "P4": "mother_partner", "P5": "mother_partner", "P3": "father"}


def moment(text: str) -> datetime:
    result: datetime = parse_moment(text)
    return result


@dataclass
class ChronologyBuilder:
    """Adds entries one line at a time; `build()` sorts them as the chronology service does."""

    dob: date | None = date(2008, 1, 1)
    role: str = "child"
    name: str = "Sam Taylor"
    entries: list[ChronologyEntry] = field(default_factory=list)
    others: list[HouseholdMember] = field(default_factory=list)
    other_entries: list[ChronologyEntry] = field(default_factory=list)

    def own(
        self,
        kind: str,
        when: str,
        *,
        agency: str | None = None,
        recorded: str | None = None,
        involvement: Involvement = "subject",
        narrative: str | None = None,
        **attrs: Any,
    ) -> ChronologyBuilder:
        """The child's own event; `narrative` is its `text` (attrs are everything else)."""
        self._add(kind, when, agency, recorded, involvement, None, attrs)
        if narrative is not None:
            self.entries[-1] = replace(self.entries[-1], text=narrative)
        return self

    def household(
        self,
        kind: str,
        when: str,
        *,
        relation: str = "mother",
        agency: str | None = None,
        recorded: str | None = None,
        **attrs: Any,
    ) -> ChronologyBuilder:
        return self._add(kind, when, agency, recorded, "subject", relation, attrs)

    def household_party(
        self, kind: str, when: str, *, relation: str = "mother", agency: str | None = None, **attrs: Any
    ) -> ChronologyBuilder:
        """An event about someone else (a sibling) that names a household adult as a party."""
        return self._add(kind, when, agency, None, "other", relation, attrs)

    def other_child(self, name: str, dob: date | None, *, twin: bool = False) -> int:
        """Another child of the household (person id 10, 11...); returns its person id."""
        person_id = 10 + len(self.others)
        relation = "twin" if twin else "sibling"
        self.others.append(HouseholdMember(person_id, relation, name, "child", dob=dob))
        return person_id

    def childs(
        self, person_id: int, kind: str, when: str, *, agency: str | None = None, **attrs: Any
    ) -> ChronologyBuilder:
        """An event of another household child's that names no one else in the chronology."""
        member = next(m for m in self.others if m.person_id == person_id)
        default_agency = EVENT_KINDS[kind] if EVENT_KINDS[kind] != "any" else "other"
        self.other_entries.append(
            ChronologyEntry(
                agency=agency or default_agency,
                source_id=f"S{len(self.other_entries) + 1}",
                kind=kind,
                occurred_at=moment(when),
                recorded_at=moment(when),
                attrs=dict(attrs),
                text=None,
                involvement="subject",
                relation=member.relation,
                other_child=person_id,
            )
        )
        return self

    def _add(
        self,
        kind: str,
        when: str,
        agency: str | None,
        recorded: str | None,
        involvement: Involvement,
        relation: str | None,
        attrs: dict[str, Any],
    ) -> ChronologyBuilder:
        assert kind in EVENT_KINDS, kind
        default_agency = EVENT_KINDS[kind] if EVENT_KINDS[kind] != "any" else "other"
        entry = ChronologyEntry(
            agency=agency or default_agency,
            source_id=f"E{len(self.entries) + 1}",
            kind=kind,
            occurred_at=moment(when),
            recorded_at=moment(recorded or when),
            attrs=dict(attrs),
            text=None,
            involvement=involvement,
            relation=relation,
            adult_person_id=None if relation is None else 2,
        )
        self.entries.append(entry)
        return self

    def build(self) -> Chronology:
        ordered = sorted(self.entries, key=lambda e: (e.occurred_at, e.recorded_at, e.agency, e.source_id))
        return Chronology(
            person_id=1,
            display_name=self.name,
            role=self.role,
            dob=self.dob,
            records=(("children_social_care", "C1"),),
            entries=tuple(ordered),
            other_children=tuple(self.others),
            other_child_entries=tuple(sorted(self.other_entries, key=lambda e: (e.occurred_at, e.source_id))),
        )


@pytest.fixture(scope="session")
def policy() -> Policy:
    return default_policy()


def _demo_path() -> Path:
    assert DEMO_IN_REPO.exists(), "the demo case ships in src/alarmbell/demo_data"
    return DEMO_IN_REPO


def _relation(ids: list[str]) -> str | None:
    for source_id in ids:
        suffix = source_id.rsplit("-", 1)[-1]
        if suffix in LEO_ADULTS:
            return LEO_ADULTS[suffix]
    return None


def _demo_entry(line: dict[str, Any]) -> ChronologyEntry | None:
    """Leo's own events, then his mother's and her partners' events that do not name him."""
    subjects, others = line["subjects"], line.get("others", [])
    relation: str | None = None
    if any(s in LEO_RECORDS for s in subjects):
        involvement: Involvement = "subject"
    elif any(s in LEO_RECORDS for s in others):
        involvement = "other"
    elif (relation := _relation(subjects)) is not None:
        involvement = "subject"
    elif (relation := _relation(others)) is not None:
        involvement = "other"
    else:
        return None
    occurred = moment(line["occurred_at"])
    return ChronologyEntry(
        agency=line["agency"],
        source_id=line["source_id"],
        kind=line["kind"],
        occurred_at=occurred,
        recorded_at=moment(line["recorded_at"]) if "recorded_at" in line else occurred,
        attrs=line.get("attrs", {}),
        text=line.get("text"),
        involvement=involvement,
        relation=relation,
        adult_person_id=None if relation is None else 2,
    )


def leo_chronology() -> Chronology:
    lines = [json.loads(t) for t in _demo_path().read_text().splitlines() if t.strip()]
    entries = [e for line in lines if line["type"] == "event" if (e := _demo_entry(line))]
    entries.sort(key=lambda e: (e.occurred_at, e.recorded_at, e.agency, e.source_id))
    return Chronology(
        person_id=1,
        display_name="Leo Brennan",
        role="child",
        dob=date(2007, 7, 15),
        records=tuple(("x", r) for r in LEO_RECORDS),
        entries=tuple(entries),
    )


@pytest.fixture(scope="session")
def leo() -> Chronology:
    return leo_chronology()


def busy_chronology(n: int) -> Chronology:
    """A child's n events, every sixth day from 2001, cycling through kinds that feed indicators."""
    kinds: list[tuple[str, dict[str, Any]]] = [
        ("domestic_incident", {"children_present": True}),
        ("school_concern", {"category": "hunger"}),
        ("injury_presentation", {"injury": "bruise"}),
        ("gp_consultation", {}),
        ("missed_appointment", {"was_not_brought": True}),
        ("referral", {}),
        ("attendance_concern", {"absence_pct": 12}),
        ("case_closed", {}),
    ]
    builder = ChronologyBuilder(dob=moment("2000-01-01").date())
    start = moment("2001-01-01")
    for i in range(n):
        kind, attrs = kinds[(i * 7) % len(kinds)]
        when = (start + timedelta(days=i * 6)).date().isoformat()
        recorded = (start + timedelta(days=i * 6 + i % 3)).date().isoformat()
        if i % 5 == 0:
            builder.household(kind, when, recorded=recorded, **attrs)
        else:
            builder.own(kind, when, recorded=recorded, **attrs)
    return builder.build()
