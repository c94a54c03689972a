"""Unanswered alarms: the partnership's account of alerts nobody decided on in time.

Two lists, each broken down by agency, team and month:
- every amber or red alert with no decision within its timescale (decided late, or never);
- every alert closed without action (a "no further action" decision, or an override) that was
  followed within `FOLLOW_UP_DAYS` by harm to the child or a new red alert.

An alert counts as decided by its work item's decision (the item it opened, or the item it was
added to as new evidence) or by an override. Its timescale is the alert clock of triage (red one
working day, amber three, configurable), counted from the moment the records behind it had been
recorded: the question is whether anybody acted on what was known. An alert whose records
reached alarmbell only after that clock had run out (a late record, or history loaded when a
partnership goes live, as in the demo) is listed too, marked as such: its work item's own clock
started when alarmbell raised it (timescales.alert_clock), so the lateness is the records', not
the MASH's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from alarmbell.identity import merged_ids, survivors, view
from alarmbell.presentation import agency_label, short_date
from alarmbell.storage.tables import (
    AlertOverride,
    AlertRow,
    EventParty,
    EventRecordRow,
    PersonLink,
    PersonRecordRow,
    TriageEvent,
    TriageItem,
)
from alarmbell.triage.alert_work import ROUTED_LEVELS
from alarmbell.triage.config import TriageConfig
from alarmbell.triage.service import (
    DECISIONS,
    ESCALATION_LABELS,
    ESCALATION_STEPS,
    TEAM_MASH,
    TakenOnClock,
    describe,
    taken_on_clocks,
    waiting_closings,
)
from alarmbell.triage.timescales import alert_clock, alert_decision_due, local_date, past_due

FOLLOW_UP_DAYS: Final = 90
NO_ACTION: Final = frozenset({"no_further_action", "overridden"})
#: Injuries that count as harm after an alert was closed without action (NICE CG89 alerting
#: injuries; a medical opinion of non-accidental injury counts whatever the injury).
HARM_INJURIES: Final = frozenset({"fracture", "head_injury", "burn", "bite"})
HARM_KINDS: Final = frozenset(
    {"injury_presentation", "ed_attendance", "injury_observed", "paediatric_assessment"}
)


@dataclass(frozen=True, slots=True)
class AlarmOutcome:
    """One alert and what became of it."""

    alert_id: int
    person_id: int
    child: str
    level: str
    raised_at: datetime
    due_at: datetime
    agencies: tuple[str, ...]
    team: str
    held_by: str
    decided_at: datetime | None
    decision: str | None
    waited: timedelta
    arrived_late: bool = False
    followed_by: str | None = None

    @property
    def month(self) -> str:
        return local_date(self.raised_at).strftime("%Y-%m")

    @property
    def status(self) -> str:
        if self.decided_at is None:
            return "No decision"
        return "Decided late" if past_due(self.due_at, self.decided_at) else "Decided in time"

    @property
    def decision_label(self) -> str:
        if self.decision is None:
            return "None recorded"
        return "Overridden" if self.decision == "overridden" else DECISIONS.get(self.decision, self.decision)

    @property
    def waited_words(self) -> str:
        days = self.waited.days
        if days >= 730:
            return f"{days // 365} years"
        if days >= 60:
            return f"{days // 30} months"
        return describe(self.waited)

    @property
    def agency_names(self) -> str:
        return ", ".join(agency_label(a) for a in self.agencies) or "unknown"


@dataclass(frozen=True, slots=True)
class Breakdown:
    by_agency: dict[str, int] = field(default_factory=dict)
    by_team: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UnansweredReport:
    now: datetime
    alerts: int
    unanswered: tuple[AlarmOutcome, ...]
    closed_then_harm: tuple[AlarmOutcome, ...]
    unanswered_by: Breakdown
    closed_by: Breakdown

    def people(self) -> list[int]:
        """The children the report's rows name, for the audit entry of a showing (never the counts)."""
        return sorted({o.person_id for o in (*self.unanswered, *self.closed_then_harm)})


@dataclass(frozen=True, slots=True)
class _Decision:
    at: datetime
    decision: str
    by: str
    team: str


def unanswered_alarms(
    session: Session, *, config: TriageConfig, now: datetime, person_id: int | None = None
) -> UnansweredReport:
    """The report over every amber and red alert (or one person's), as things stood at `now`.

    An alert raised under an id since merged into another is reported as the survivor's (the
    merged-away id has no page: its row linked to a page that was gone), and one person's report
    includes theirs."""
    merged = survivors(session)
    query = select(AlertRow).where(AlertRow.level.in_(ROUTED_LEVELS), AlertRow.raised_at <= now)
    if person_id is not None:
        query = query.where(AlertRow.person_id.in_(merged_ids(session, person_id)))
    alerts = list(session.scalars(query.order_by(AlertRow.raised_at, AlertRow.id)))
    items, covered = _covered(session)
    decisions = _decisions(session, [a.id for a in alerts], now, items, covered)
    told = _told_by_item(session, config, now)
    takers = _takers(items, covered, now, told)
    names: dict[int, str] = {}
    outcomes = [
        _outcome(session, a, decisions.get(a.id), config, now, names, merged, takers.get(a.id))
        for a in alerts
    ]
    late = tuple(o for o in outcomes if o.status != "Decided in time" and past_due(o.due_at, now))
    reds = defaultdict(list)
    for alert in alerts:
        if alert.level == "red":
            reds[merged.get(alert.person_id, alert.person_id)].append(alert.raised_at)
    closed = tuple(
        _followed(session, o, reds[o.person_id], now)
        for o in outcomes
        if o.decision in NO_ACTION and o.decided_at is not None
    )
    closed_then_harm = tuple(o for o in closed if o.followed_by)
    return UnansweredReport(
        now, len(alerts), late, closed_then_harm, _breakdown(late), _breakdown(closed_then_harm)
    )


def _outcome(
    session: Session,
    alert: AlertRow,
    decided: _Decision | None,
    config: TriageConfig,
    now: datetime,
    names: dict[int, str],
    merged: dict[int, int],
    taker: str | None = None,
) -> AlarmOutcome:
    start = alert.raised_at
    due = alert_decision_due(alert.level, start, config.alert_working_days)  # the records' clock
    queue_clock = alert_clock(
        alert.level, raised=start, received=alert.created_at, working_days=config.alert_working_days
    )
    child = merged.get(alert.person_id, alert.person_id)
    if child not in names:
        person = view(session, child)
        names[child] = person.display_name if person else f"Person {child}"
    end = decided.at if decided else now
    return AlarmOutcome(
        alert_id=alert.id,
        person_id=child,
        child=names[child],
        level=alert.level,
        raised_at=alert.raised_at,
        due_at=due,
        agencies=tuple(sorted({str(agency) for agency, _source in alert.evidence})),
        team=decided.team if decided else TEAM_MASH,
        held_by=decided.by if decided else taker or f"{TEAM_MASH} (nobody took it on)",
        decided_at=decided.at if decided else None,
        decision=decided.decision if decided else None,
        waited=max(end - start, timedelta(0)),
        arrived_late=queue_clock.arrived_late,
    )


def _covered(session: Session) -> tuple[list[TriageItem], dict[int, list[int]]]:
    """The alert work items, and work item id -> the alerts it answers: the one it was opened for
    and any added to it (new evidence is only ever added to an alert's item)."""
    items = list(session.scalars(select(TriageItem).where(TriageItem.kind == "alert")))
    covered: dict[int, list[int]] = defaultdict(list)
    for item in items:
        prefix, _, number = item.source_key.partition(":")
        if prefix == "alert" and number.isdigit():
            covered[item.id].append(int(number))
    evidence = select(TriageEvent.item_id, TriageEvent.detail).where(TriageEvent.kind == "new_evidence")
    for item_id, detail in session.execute(evidence):
        if isinstance(detail, dict) and isinstance(detail.get("alert_id"), int):
            covered[item_id].append(detail["alert_id"])
    return items, covered


def _takers(
    items: list[TriageItem], covered: dict[int, list[int]], now: datetime, told: dict[int, str]
) -> dict[int, str]:
    """alert id -> who took its work on by `now` (acknowledged it), for alerts not decided, and
    whom alarmbell told when it waited too long (`told`: item id -> words)."""
    found: dict[int, str] = {}
    for item in items:
        if item.acknowledged_at is None or item.acknowledged_at > now or item.status == "open":
            continue  # never taken on by then, or handed back (hand_back): nobody holds it
        state = "taken on, not decided"
        if item.status == "awaiting_countersignature":
            state = "closing proposed, no team manager has countersigned it"
        state += told.get(item.id, "")
        for alert_id in covered[item.id]:
            found[alert_id] = f"{item.acknowledged_by or 'unknown'} ({item.team}; {state})"
    return found


def _told_by_item(session: Session, config: TriageConfig, now: datetime) -> dict[int, str]:
    """item id -> "; escalated to the head of service": whom alarmbell had told by `now` about
    work taken on and not decided in time, or a proposed closing nobody countersigned in time."""
    told = {item_id: _told(clock, now) for item_id, clock in taken_on_clocks(session, config=config).items()}
    for item_id, closing in waiting_closings(session, config=config).items():
        if closing.escalated_at is not None and closing.escalated_at <= now:
            told[item_id] = f"; escalated to the {ESCALATION_LABELS['head_of_service']}"
    return {item_id: words for item_id, words in told.items() if words}


def _told(clock: TakenOnClock, now: datetime) -> str:
    """'; escalated to the team manager': the highest step made by `now` while it was held."""
    made = [step for step in ESCALATION_STEPS if step in clock.escalated and clock.escalated[step] <= now]
    return f"; escalated to the {ESCALATION_LABELS[made[-1]]}" if made else ""


def _decisions(
    session: Session,
    alert_ids: list[int],
    now: datetime,
    items: list[TriageItem],
    covered: dict[int, list[int]],
) -> dict[int, _Decision]:
    """alert id -> the first decision on it by `now`: its item's, or an override."""
    wanted = set(alert_ids)
    found: dict[int, _Decision] = {}
    for item in sorted(items, key=lambda i: i.id):
        if item.decided_at is None or item.decided_at > now:
            continue
        assert item.decision is not None
        step = _Decision(item.decided_at, item.decision, item.decided_by or "unknown", item.team)
        for alert_id in covered[item.id]:
            if alert_id in wanted:
                found[alert_id] = step
    overrides = select(AlertOverride).where(AlertOverride.decided_at <= now)
    for row in session.scalars(overrides.order_by(AlertOverride.decided_at)):
        # A red's override takes effect when a team manager countersigns it; pending, it is none.
        at = row.countersigned_at if row.level == "red" else row.decided_at
        if at is None or at > now or row.alert_id not in wanted:
            continue
        if row.alert_id not in found or at < found[row.alert_id].at:
            found[row.alert_id] = _Decision(at, "overridden", row.decided_by, TEAM_MASH)
    return found


def _followed(session: Session, outcome: AlarmOutcome, reds: list[datetime], now: datetime) -> AlarmOutcome:
    """The outcome with what followed its closing within FOLLOW_UP_DAYS, if anything did."""
    assert outcome.decided_at is not None
    start, end = outcome.decided_at, min(outcome.decided_at + timedelta(days=FOLLOW_UP_DAYS), now)
    later_red = next((at for at in sorted(reds) if start < at <= end), None)
    harm = _harm_event(session, outcome.person_id, start, end)
    followed = None
    if harm is not None and (later_red is None or harm[0] <= later_red):
        followed = f"{harm[1]} on {short_date(local_date(harm[0]))}"
    elif later_red is not None:
        followed = f"a new red alert on {short_date(local_date(later_red))}"
    return replace(outcome, followed_by=followed)


def _harm_event(
    session: Session, person_id: int, start: datetime, end: datetime
) -> tuple[datetime, str] | None:
    query = (
        select(EventRecordRow.occurred_at, EventRecordRow.kind, EventRecordRow.payload)
        .join(
            EventParty,
            and_(
                EventParty.agency == EventRecordRow.agency,
                EventParty.event_source_id == EventRecordRow.source_id,
            ),
        )
        .join(
            PersonRecordRow,
            and_(
                PersonRecordRow.agency == EventParty.agency,
                PersonRecordRow.source_id == EventParty.person_source_id,
            ),
        )
        .join(
            PersonLink, and_(PersonLink.person_record_id == PersonRecordRow.id, PersonLink.ended_at.is_(None))
        )
        .where(
            PersonLink.person_id == person_id,
            EventParty.involvement == "subject",
            EventRecordRow.kind.in_(HARM_KINDS),
            EventRecordRow.occurred_at > start,
            EventRecordRow.occurred_at <= end,
        )
        .order_by(EventRecordRow.occurred_at)
    )
    for occurred, kind, payload in session.execute(query):
        attrs = payload.get("attrs") or {} if isinstance(payload, dict) else {}
        injury = attrs.get("injury")
        if injury in HARM_INJURIES:
            return occurred, f"{str(injury).replace('_', ' ')} ({kind.replace('_', ' ')})"
        if attrs.get("medical_opinion") in ("nai", "possible_nai"):
            return occurred, "a medical opinion of non-accidental injury"
    return None


def _breakdown(outcomes: tuple[AlarmOutcome, ...]) -> Breakdown:
    agencies: Counter[str] = Counter()
    for outcome in outcomes:
        agencies.update(outcome.agencies or ("unknown",))
    return Breakdown(
        by_agency=dict(sorted(agencies.items())),
        by_team=dict(sorted(Counter(o.team for o in outcomes).items())),
        by_month=dict(sorted(Counter(o.month for o in outcomes).items())),
    )


CSV_COLUMNS: Final = (
    "list",
    "alert_id",
    "person_id",
    "child",
    "level",
    "raised_at",
    "due_at",
    "status",
    "decision",
    "decided_at",
    "held_by",
    "team",
    "agencies",
    "waited",
    "records_arrived_late",
    "followed_by",
)


def report_rows(report: UnansweredReport) -> list[dict[str, str]]:
    """One row per listed alert, for CSV and JSON."""
    rows = []
    for label, outcomes in (("unanswered", report.unanswered), ("closed_then_harm", report.closed_then_harm)):
        for o in outcomes:
            rows.append(
                {
                    "list": label,
                    "alert_id": str(o.alert_id),
                    "person_id": str(o.person_id),
                    "child": o.child,
                    "level": o.level,
                    "raised_at": o.raised_at.isoformat(),
                    "due_at": o.due_at.isoformat(),
                    "status": o.status,
                    "decision": o.decision_label,
                    "decided_at": o.decided_at.isoformat() if o.decided_at else "",
                    "held_by": o.held_by,
                    "team": o.team,
                    "agencies": ";".join(o.agencies),
                    "waited": o.waited_words,
                    "records_arrived_late": "yes" if o.arrived_late else "no",
                    "followed_by": o.followed_by or "",
                }
            )
    return rows


#: What a spreadsheet reads as the start of a formula (OWASP's list): a cell of agency text that
#: begins with one could run (`=HYPERLINK(...)` sending the sheet's cells away) when opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_rows(report: UnansweredReport) -> list[dict[str, str]]:
    """The rows for a CSV file: as `report_rows`, with every cell that a spreadsheet would read as
    a formula written as text (a leading apostrophe). Names come from agencies' records as sent."""
    return [{k: _as_text(v) for k, v in row.items()} for row in report_rows(report)]


def _as_text(cell: str) -> str:
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


__all__ = ["AlarmOutcome", "Breakdown", "UnansweredReport", "csv_rows", "report_rows", "unanswered_alarms"]
