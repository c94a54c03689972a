"""Replay an exchange-format file in an ephemeral in-memory store.

Identities are linked over the whole file first (the replay asks what the policy would have
said had the records been joined up); events then enter the policy in recorded_at order, so
an alert is reported at the moment the information behind it had been recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alarmbell.alerts.service import live_people
from alarmbell.chronology import build_chronology
from alarmbell.domain.alerts import RaisedAlert
from alarmbell.identity import link_people, view
from alarmbell.ingest.service import IngestSummary, Reporter, ingest_file
from alarmbell.policy.engine import alert_timeline
from alarmbell.policy.model import Policy
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope


@dataclass(frozen=True)
class ReplayPerson:
    person: int
    records: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ReplayResult:
    ingest: IngestSummary
    people: tuple[ReplayPerson, ...]
    alerts: tuple[RaisedAlert, ...]
    policy_version: str

    def records_of(self, person_id: int) -> tuple[tuple[str, str], ...]:
        for person in self.people:
            if person.person == person_id:
                return person.records
        return ()

    def to_json(self) -> dict[str, Any]:
        return {
            "people": [{"person": p.person, "records": [list(k) for k in p.records]} for p in self.people],
            "alerts": [self.alert_json(a) for a in self.alerts],
        }

    def alert_json(self, alert: RaisedAlert) -> dict[str, Any]:
        return {
            "person": alert.person_id,
            "records": [list(k) for k in self.records_of(alert.person_id)],
            "level": alert.level.value,
            "raised_at": alert.raised_at.date().isoformat(),
            "rules": list(alert.rules),
            "evidence": [list(k) for k in alert.evidence],
            "explanation": alert.explanation,
        }


def replay_file(path: Path, *, policy: Policy, report: Reporter | None = None) -> ReplayResult:
    engine = make_engine(Settings(database_url="sqlite://"))
    try:
        summary = ingest_file(engine=engine, path=path, report=report)
        with session_scope(engine) as session:
            link_people(session)
        with session_scope(engine) as session:
            people: list[ReplayPerson] = []
            alerts: list[RaisedAlert] = []
            for person_id in live_people(session):
                person = view(session, person_id)
                if person is None:
                    continue
                people.append(ReplayPerson(person_id, person.records))
                chronology = build_chronology(session, person_id)
                if chronology is not None:
                    alerts.extend(alert_timeline(policy, chronology))
    finally:
        engine.dispose()
    alerts.sort(key=lambda a: (a.raised_at, a.person_id, a.level.rank))
    return ReplayResult(summary, tuple(people), tuple(alerts), policy.version)
