"""Replay an exchange-format file in an ephemeral in-memory store.

Identities are linked over the whole file first (the replay asks what the policy would have
said had the records been joined up); events then enter the policy in recorded_at order, so
an alert is reported at the moment the information behind it had been recorded.

`replay_by_agency` also replays each agency's lines alone, in its own store: what that agency
would have raised from its own records, which is the baseline joining up is measured against.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from alarmbell.alerts.rescore import rescore
from alarmbell.domain.alerts import RaisedAlert, finding_to_json
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.identity import all_views, link_people
from alarmbell.ingest import IngestSummary, Reporter, ingest_file, ingest_lines
from alarmbell.policy import Policy
from alarmbell.replay.json_text import Items
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import AlertRow
from alarmbell.triage import TriageConfig, route_alerts


@dataclass(frozen=True)
class ReplayPerson:
    person: int
    records: tuple[tuple[str, str], ...]
    name: str = ""


@dataclass(frozen=True)
class ReplayWork:
    """The work items the replayed alerts opened, and the later alerts added to them."""

    opened: int = 0
    updated: int = 0


@dataclass(frozen=True)
class ReplayResult:
    ingest: IngestSummary
    people: tuple[ReplayPerson, ...]
    alerts: tuple[RaisedAlert, ...]
    policy_version: str
    work: ReplayWork = ReplayWork()

    def records_of(self, person_id: int) -> tuple[tuple[str, str], ...]:
        return self._records_by_person.get(person_id, ())

    @cached_property
    def _records_by_person(self) -> dict[int, tuple[tuple[str, str], ...]]:
        """Looked up once per alert: a scan of every person each time made the output quadratic."""
        return {person.person: person.records for person in self.people}

    def to_json(self) -> dict[str, Any]:
        return {
            "people": [self.person_json(p) for p in self.people],
            "alerts": [self.alert_json(a) for a in self.alerts],
            "work": self.work_json(),
        }

    def json_items(self) -> dict[str, Any]:
        """`to_json` with its people and alerts made one at a time as the text is written
        (`json_text.write_json`): the text is the same, and no list of them is ever held."""
        return {
            "people": Items(map(self.person_json, self.people)),
            "alerts": Items(map(self.alert_json, self.alerts)),
            "work": self.work_json(),
        }

    @staticmethod
    def person_json(person: ReplayPerson) -> dict[str, Any]:
        return {"person": person.person, "records": [list(k) for k in person.records]}

    def work_json(self) -> dict[str, int]:
        return {"items_opened": self.work.opened, "alerts_added_as_new_evidence": self.work.updated}

    def alert_json(self, alert: RaisedAlert) -> dict[str, Any]:
        return {
            "person": alert.person_id,
            "records": [list(k) for k in self.records_of(alert.person_id)],
            "level": alert.level.value,
            "raised_at": alert.raised_at.date().isoformat(),
            "rules": list(alert.rules),
            "evidence": [list(k) for k in alert.evidence],
            "explanation": alert.explanation,
            "findings": [finding_to_json(f) for f in alert.findings],
            "new_evidence": list(alert.new_evidence),
        }

    def first(self, level: AlertLevel, records: set[tuple[str, str]] | None = None) -> date | None:
        """The first day this level (or higher) was raised, for people holding any of `records`."""
        days = [
            a.raised_at.date()
            for a in self.alerts
            if a.level.rank >= level.rank and (records is None or records & set(self.records_of(a.person_id)))
        ]
        return min(days) if days else None


@dataclass(frozen=True)
class AgencyReplay:
    """The joined-up replay and, per agency, the replay of that agency's lines alone."""

    joined: ReplayResult
    by_agency: dict[str, ReplayResult]

    def to_json(self) -> dict[str, Any]:
        out = self.joined.to_json()
        out["by_agency"] = {
            agency: {"alerts": [result.alert_json(a) for a in result.alerts]}
            for agency, result in sorted(self.by_agency.items())
        }
        return out

    def json_items(self) -> dict[str, Any]:
        """`to_json` as `ReplayResult.json_items` gives it: the same text, an item at a time."""
        out = self.joined.json_items()
        out["by_agency"] = {
            agency: {"alerts": Items(map(result.alert_json, result.alerts))}
            for agency, result in sorted(self.by_agency.items())
        }
        return out


@dataclass(frozen=True)
class ReplayHooks:
    """What a long replay tells its caller: each stage's name, then the evaluation's progress."""

    stage: Callable[[str], None] | None = None
    total: Callable[[int], None] | None = None
    advance: Callable[[int], None] | None = None
    workers: int = 1


def replay_file(
    path: Path,
    *,
    policy: Policy,
    report: Reporter | None = None,
    hooks: ReplayHooks | None = None,
    unique_id_agencies: Iterable[str] = (),
) -> ReplayResult:
    """`unique_id_agencies` (setting ALARMBELL_UNIQUE_ID_AGENCIES): linked as a store would link them."""
    load = partial(_ingest_file, path=path, report=report)
    return _replay(load, policy, hooks, unique_id_agencies=unique_id_agencies)


def replay_by_agency(
    path: Path,
    *,
    policy: Policy,
    report: Reporter | None = None,
    hooks: ReplayHooks | None = None,
    unique_id_agencies: Iterable[str] = (),
) -> AgencyReplay:
    """The joined-up replay plus one replay per agency from that agency's lines alone.

    Splitting needs the exchange format (each line names its agency); a file in an agency's own
    format holds one agency only, so its single replay is that agency's.
    """
    unique = tuple(unique_id_agencies)
    joined = replay_file(path, policy=policy, report=report, hooks=hooks, unique_id_agencies=unique)
    lines = _lines_by_agency(path)
    if lines is None:
        agencies = sorted({a for p in joined.people for a, _ in p.records})
        return AgencyReplay(joined, {agencies[0]: joined} if len(agencies) == 1 else {})
    by_agency = {
        agency: _replay(
            partial(_ingest_lines, source=f"{path}#{agency}", lines=own),
            policy,
            hooks,
            unique_id_agencies=unique,
        )
        for agency, own in sorted(lines.items())
    }
    return AgencyReplay(joined, by_agency)


def _ingest_file(engine: Engine, *, path: Path, report: Reporter | None) -> IngestSummary:
    return ingest_file(engine=engine, path=path, report=report)


def _ingest_lines(engine: Engine, *, source: str, lines: list[bytes]) -> IngestSummary:
    return ingest_lines(engine=engine, source=source, lines=lines)


def _lines_by_agency(path: Path) -> dict[str, list[bytes]] | None:
    """Exchange-format lines grouped by their `agency`; None if the file is another format."""
    if path.suffix.lower() not in (".jsonl", ".ndjson"):
        return None
    grouped: dict[str, list[bytes]] = defaultdict(list)
    with path.open("rb") as handle:
        for raw in handle:
            try:
                line = orjson.loads(raw)
            except orjson.JSONDecodeError:
                continue  # reported by the joined-up replay
            if isinstance(line, dict) and isinstance(line.get("agency"), str):
                grouped[line["agency"]].append(raw.rstrip(b"\r\n"))
    return dict(grouped)


#: Below this many people, worker processes cost more to start than they save.
PARALLEL_FROM_PEOPLE = 5000


def _replay(
    load: Callable[[Engine], IngestSummary],
    policy: Policy,
    hooks: ReplayHooks | None,
    *,
    unique_id_agencies: Iterable[str],
) -> ReplayResult:
    """Load, link once over the whole file, then evaluate every child as `rescore` does.

    Events entered in recorded_at order and evaluated one at a time give the same alerts:
    `alert_timeline` walks each chronology in that order, and rescore's batch chronologies equal
    `build_chronology`'s (tests/alerts/test_rescore.py, tests/replay/test_replay_scale.py). The
    throwaway store is a file in a temporary folder so that a large population can be evaluated
    by worker processes; it is deleted afterwards.
    """
    hooks = hooks or ReplayHooks()
    with tempfile.TemporaryDirectory(prefix="alarmbell-replay-") as folder:
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'replay.db'}")
        engine = make_engine(settings)
        try:
            _stage(hooks, "loading")
            summary = load(engine)
            _stage(hooks, "linking")
            with session_scope(engine) as session:
                link_people(session, unique_id_agencies=unique_id_agencies)
            _stage(hooks, "evaluating")
            with session_scope(engine) as session:
                views = all_views(session)
                workers = hooks.workers if len(views) >= PARALLEL_FROM_PEOPLE else 1
                evaluated = rescore(
                    session,
                    policy=policy,
                    settings=settings,
                    workers=workers,
                    progress=hooks.advance,
                    total=hooks.total,
                )
            _stage(hooks, "routing")
            with session_scope(engine) as session:
                work = _route_as_raised(session)
        finally:
            engine.dispose()
    people = [ReplayPerson(v.person_id, v.records, v.display_name) for v in views]
    alerts = sorted(evaluated.alerts, key=lambda a: (a.raised_at, a.person_id, a.level.rank))
    return ReplayResult(summary, tuple(people), tuple(alerts), policy.version, work)


def _route_as_raised(session: Session) -> ReplayWork:
    """Each stored alert becomes work in the throwaway store as it would have, when it was raised.

    Nobody decides anything in a replay, so a child's first amber or red opens one item and every
    later alert is added to it as new evidence: what the MASH queue would have held.
    """
    config = TriageConfig()
    opened = updated = 0
    for alert in session.scalars(select(AlertRow).order_by(AlertRow.raised_at, AlertRow.id)):
        routed = route_alerts(session, alerts=[alert], config=config, now=alert.raised_at)
        opened += len(routed.opened)
        updated += len(routed.updated)
    return ReplayWork(opened, updated)


def _stage(hooks: ReplayHooks, name: str) -> None:
    if hooks.stage:
        hooks.stage(name)


def comparison_lines(result: AgencyReplay) -> list[str]:
    """Per alerted child: first amber and red joined up, then what each agency alone raised.

    An agency's own records of the child are found by the source records the joined-up
    person holds, so "police alone" means the police replay's person(s) with those records.
    """
    lines: list[str] = []
    joined = result.joined
    alerted = sorted({a.person_id for a in joined.alerts})
    names = {p.person: p.name for p in joined.people}
    for person_id in alerted:
        records = set(joined.records_of(person_id))
        name = names.get(person_id, f"person {person_id}")
        lines.append(f"{name} (person {person_id}):")
        lines.append(_dates_line("joined up", joined, records))
        for agency, alone in sorted(result.by_agency.items()):
            own = {k for k in records if k[0] == agency}
            if own:
                lines.append(_dates_line(f"{agency} alone", alone, own))
    return lines


def _dates_line(label: str, result: ReplayResult, records: set[tuple[str, str]]) -> str:
    amber = result.first(AlertLevel.AMBER, records)
    red = result.first(AlertLevel.RED, records)
    return f"  {label:<28} first amber {_day(amber):<10}  first red {_day(red)}"


def _day(day: date | None) -> str:
    return day.isoformat() if day else "never"
