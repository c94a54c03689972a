"""The triage work queue: items with owners and clocks, acknowledged, decided, escalated, audited.

Service functions take keyword-only arguments, an explicit session and an explicit `now`; the
caller owns the transaction (so every change and its triage_event audit row commit together, or
neither does). Every event of an item's trail (opened, acknowledged, decided, escalated, new
evidence, hours logged) is also written to the hash-chained audit log, in the same transaction:
people's steps under the signed-in user, the system's own under SYSTEM.
Nothing here reads the wall clock: tests, the CLI's `escalate --now` and replays all control
time the same way (the audit entries too).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from alarmbell.audit import Actor, Subject, record_audit
from alarmbell.domain.codes import UnknownCode, typed_code
from alarmbell.domain.errors import ServiceError
from alarmbell.domain.wording import says_nothing
from alarmbell.storage.dialect import dialect_of
from alarmbell.storage.row_hold import hold_rows
from alarmbell.storage.tables import TriageEvent, TriageItem
from alarmbell.triage.config import TriageConfig
from alarmbell.triage.scoring import HarmBand, overdue_by, priority, top
from alarmbell.triage.timescales import (
    TIMESCALES,
    assessment_due,
    countersignature_due,
    escalation_times,
    local_date,
    past_due,
    taken_on_escalation_times,
    working_days_between,
)

ITEM_KINDS: Final[dict[str, str]] = {
    "alert": "Child's alert",
    "referral_decision": "Referral decision",
    "investigation": "Police investigation",
    "assessment": "Assessment",
    "initial_conference": "Initial child protection conference",
    "review_conference": "Review child protection conference",
    "task": "Task",
}

DECISIONS: Final[dict[str, str]] = {
    "referral_made": "Referral made to children's social care",
    "action_taken": "Action taken",
    "strategy_discussion": "Strategy discussion held or convened",
    "assessment": "Assessment started",
    "early_help": "Early help offered",
    "referred_on": "Passed to another agency (named in the reason)",
    "completed": "Completed",
    "no_further_action": "No further action",
}

#: Who the audit log names for what alarmbell does by itself: opening an alert's work, escalating
#: an item nobody took on, adding new evidence. The trail's `by` is the same name.
SYSTEM: Final = Actor("alarmbell", role="system")
#: Free text kept in the item's own trail, not copied into the audit log: a decision's rationale
#: and an alert's explanation (which may quote the records about the child).
UNCHAINED_DETAIL: Final[frozenset[str]] = frozenset({"rationale", "explanation"})
#: Trail keys renamed in the audit entry, whose `person` is the child: logged hours' `person`
#: is who did the work.
CHAINED_NAMES: Final[dict[str, str]] = {"person": "worked_by"}

ESCALATION_STEPS: Final[tuple[str, ...]] = ("team_manager", "head_of_service")
ESCALATION_LABELS: Final[dict[str, str]] = {
    "team_manager": "team manager",
    "head_of_service": "head of service",
}
OPEN_STATUSES: Final[tuple[str, ...]] = ("open", "acknowledged", "awaiting_countersignature")
TEAM_MASH: Final = "MASH"
TEAM_POLICE_CPU: Final = "Police child protection unit"
TEAM_POLICE: Final = "Police investigations"
TEAM_ASSESSMENT: Final = "Children's social care assessment"
TEAM_CONFERENCES: Final = "Child protection conferences"
MAX_TEXT: Final[int] = 4000
#: Why `hand_back` gives a leaver's work back, in the item's history.
LEAVER: Final = "{name}'s account was disabled"


class TriageError(ServiceError):
    """A triage step cannot be taken; the message says why and what to do instead."""


@dataclass(frozen=True, slots=True)
class NewItem:
    """Everything needed to open an item; `source_key` makes opening it twice a no-op."""

    source_key: str
    kind: str
    title: str
    team: str
    opened_at: datetime
    due_at: datetime
    timescale: str
    harm_days: float
    harm_basis: str
    harm_source: str
    person_id: int | None = None
    owner: str | None = None
    referrer: str | None = None
    offence: str | None = None
    alert_level: str | None = None


@dataclass(frozen=True, slots=True)
class Escalation:
    item_id: int
    title: str
    team: str
    to: str
    scheduled_for: datetime
    harm_days: float
    #: Why, in a practitioner's words, when it is not that nobody took the item on.
    reason: str = ""


@dataclass(frozen=True, slots=True)
class WaitingClosing:
    """A proposed closing of a red alert, waiting for a team manager's countersignature."""

    item_id: int
    proposed_by: str
    proposed_at: datetime
    due: datetime
    escalated: bool
    #: When it went to the head of service, for reports as things stood at a moment.
    escalated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TakenOnClock:
    """Work someone took on and has not decided: when its escalations fall due while they hold
    it (step -> moment), and those already made (step -> when)."""

    item_id: int
    holder: str
    taken_on_at: datetime
    times: Mapping[str, datetime]
    escalated: Mapping[str, datetime]


@dataclass(frozen=True, slots=True)
class QueueEntry:
    item: TriageItem
    rank: int
    priority: float
    band: HarmBand
    overdue: timedelta


@dataclass(frozen=True, slots=True)
class Queue:
    team: str
    now: datetime
    total: int
    past_due: int
    unacknowledged: int
    entries: tuple[QueueEntry, ...]
    offset: int
    limit: int

    def people(self) -> list[int]:
        """The children whose items the entries name by title, for the audit entry of a showing."""
        return sorted({e.item.person_id for e in self.entries if e.item.person_id is not None})


@dataclass(frozen=True, slots=True)
class TeamSummary:
    team: str
    open_items: int
    past_due: int


@dataclass(frozen=True, slots=True)
class Timeliness:
    """How an item stands against its clock, in words and as numbers for reports."""

    state: str  # "on time", "late", "overdue", "due"
    label: str
    due_at: datetime
    responded_at: datetime | None
    late_by: timedelta | None


@dataclass(frozen=True, slots=True)
class ReportedOutcome:
    """What a referrer may see of what they reported: the outcome and its timeliness, not the notes."""

    item_id: int
    kind: str
    title: str
    reported_at: datetime
    team: str
    status: str
    decision: str | None
    decided_at: datetime | None
    timeliness: Timeliness


@dataclass(frozen=True, slots=True)
class ResponseTime:
    """For review reports: when each item opened, was acknowledged and decided, against its clock."""

    item_id: int
    kind: str
    team: str
    person_id: int | None
    opened_at: datetime
    due_at: datetime
    acknowledged_at: datetime | None
    decided_at: datetime | None
    decision: str | None
    escalation_level: int
    harm_days: float
    timeliness: Timeliness


# --- opening items -------------------------------------------------------------------------------


def open_item(
    session: Session,
    *,
    item: NewItem,
    now: datetime,
    by: str | None = None,
    actor: Actor | None = None,
) -> TriageItem | None:
    """Open an item and audit it; None if an item with the same source_key already exists.

    Opened by alarmbell itself (SYSTEM) unless `by` (and `actor`, for the audit log) say who."""
    _check_new(item)
    if session.scalar(select(TriageItem.id).where(TriageItem.source_key == item.source_key)) is not None:
        return None
    row = TriageItem(
        **{name: getattr(item, name) for name in NewItem.__dataclass_fields__},
        status="open",
        escalation_level=0,
        created_at=now,
    )
    session.add(row)
    session.flush()
    detail = {"due_at": row.due_at.isoformat(), "harm_days": row.harm_days}
    who = actor or (Actor(by) if by else SYSTEM)
    audit(session, row, "created", by or SYSTEM.name, now, detail, actor=who)
    return row


def _check_new(item: NewItem) -> None:
    if item.kind not in ITEM_KINDS:
        raise TriageError(f"unknown item kind {item.kind!r}; use one of {', '.join(ITEM_KINDS)}")
    if item.timescale not in TIMESCALES:
        raise TriageError(f"unknown timescale {item.timescale!r}; use one of {', '.join(TIMESCALES)}")
    if item.due_at <= item.opened_at:
        raise TriageError("an item's due time must be after it opens")
    if not item.team.strip() or item.harm_days < 0:
        raise TriageError("an item needs an owning team and a harm of zero days or more")


def audit(
    session: Session,
    item: TriageItem,
    kind: str,
    by: str,
    at: datetime,
    detail: dict[str, Any],
    *,
    actor: Actor | None = None,
) -> None:
    """Append one row to the item's trail and one entry to the hash-chained audit log, both in
    the caller's transaction, so they commit (or not) with the change they record.

    The entry says who (`actor`, with role and agency when the caller knows them, SYSTEM for
    alarmbell's own steps; else `by`), what, which item, child, team and owner, and when; free
    text (UNCHAINED_DETAIL) stays in the item's trail, which the entry names.

    When the actor is not `by` (the command line's `cli:<login>` recording a step for the person
    named with `--by`), each side keeps the other's name: the entry `by`, the trail `via`. So the
    chain tells a command-line step from a web one, and the history still names the person.
    """
    who = actor or Actor(by)
    trail = detail if who.name == by else {**detail, "via": who.name}
    session.add(TriageEvent(item_id=item.id, kind=kind, at=at, by=by, detail=trail))
    chained = {
        CHAINED_NAMES.get(key, key): value for key, value in detail.items() if key not in UNCHAINED_DETAIL
    }
    if who.name != by:
        chained["by"] = by
    chained.update(
        item=item.id,
        item_kind=item.kind,
        person=item.person_id,
        source=item.source_key,
        team=item.team,
        owner=item.owner,
    )
    record_audit(
        session,
        actor=who,
        action=f"triage.{kind}",
        subject=Subject("triage_item", str(item.id)),
        detail=chained,
        at=at,
    )


def get_item(session: Session, item_id: int, *, afresh: bool = False) -> TriageItem:
    """The item; `afresh`: read again from the store, not from the session's copy."""
    row = session.get(TriageItem, item_id, populate_existing=afresh)
    if row is None:
        raise TriageError(
            f"no triage item {item_id} (see `alarmbell triage queue --team TEAM`)", category="not_found"
        )
    return row


def item_for_change(session: Session, item_id: int) -> TriageItem:
    """The item as committed now, held against anyone else's change until this transaction ends.

    Two people acting on one item at once (two API requests on worker threads, or two server
    processes) could both read it open before either wrote, and the later write replaced the
    earlier decision, each told theirs was recorded. The item is held first (storage.row_hold),
    then read again, so the second person finds it decided.
    """
    hold_rows(session, TriageItem.status, TriageItem.id == item_id)
    return get_item(session, item_id, afresh=True)


# --- acknowledging and deciding ------------------------------------------------------------------


def acknowledge(
    session: Session, *, item_id: int, by: str, now: datetime, actor: Actor | None = None
) -> TriageItem:
    """`by` takes the item on: its escalation now runs from the decision clock of work taken on
    (`taken_on_clocks`). Acknowledging twice is an error, not a no-op.

    `actor`: who is signed in, for the audit log (role and agency); `by` alone otherwise."""
    by = _name(by)
    row = item_for_change(session, item_id)
    if row.status != "open":
        who = row.acknowledged_by or row.decided_by
        raise TriageError(f"item {item_id} is already {row.status} (by {who})", category="conflict")
    row.status, row.acknowledged_at, row.acknowledged_by = "acknowledged", now, by
    row.owner = row.owner or by
    audit(session, row, "acknowledged", by, now, _clock_detail(row, now), actor=actor)
    return row


def hand_back(
    session: Session, *, holder: str, because: str, now: datetime, actor: Actor | None = None
) -> list[TriageItem]:
    """Items `holder` took on and has not decided go back to their team's queue, open again.

    For a leaver (an account disabled): work held by someone who can no longer sign in stood
    with nobody acting on it, however its escalation ran. Open again,
    it escalates from its own clock at the next run (at once, if its time has come). Its first
    acknowledgement stays on the item and in its history, for reviews.
    """
    held = (TriageItem.status == "acknowledged", TriageItem.owner == holder)
    hold_rows(session, TriageItem.status, *held)
    query = select(TriageItem).where(*held).order_by(TriageItem.id).execution_options(populate_existing=True)
    rows = list(session.scalars(query))
    for row in rows:
        row.status, row.owner = "open", None
        detail = {"from": holder, "because": because, **_clock_detail(row, now)}
        audit(session, row, "handed_back", SYSTEM.name, now, detail, actor=actor or SYSTEM)
    return rows


def decide(
    session: Session,
    *,
    item_id: int,
    by: str,
    decision: str,
    rationale: str,
    now: datetime,
    manager: bool = False,
    actor: Actor | None = None,
) -> TriageItem:
    """Record the decision on an item and why. "No further action" needs a real reason.

    Closing a red alert with no further action needs a team manager's countersignature: from
    anyone but a team manager (`manager`) it is recorded as proposed, the item stays in the
    queue, and `countersign_decision` by a team manager makes it the decision.
    """
    by = _name(by)
    decision = decision_code(decision)
    rationale = check_rationale(decision, rationale)
    row = item_for_change(session, item_id)
    if row.status == "decided":
        raise TriageError(
            f"item {item_id} was already decided ({row.decision}) by {row.decided_by}", category="conflict"
        )
    if row.status == "awaiting_countersignature":
        raise TriageError(
            f"item {item_id} has a decision awaiting a team manager's countersignature", category="conflict"
        )
    if row.acknowledged_at is None:
        row.acknowledged_at, row.acknowledged_by = now, by
        clock = {**_clock_detail(row, now), "with_decision": True}
        audit(session, row, "acknowledged", by, now, clock, actor=actor)
    row.decision, row.rationale = decision, rationale
    row.owner = row.owner or by
    detail = {"decision": decision, "rationale": rationale, **_clock_detail(row, now)}
    if decision == "no_further_action" and row.alert_level == "red" and not manager:
        row.status, row.decided_by = "awaiting_countersignature", by
        audit(session, row, "decision_proposed", by, now, detail, actor=actor)
        return row
    row.status, row.decided_at, row.decided_by = "decided", now, by
    audit(session, row, "decided", by, now, detail, actor=actor)
    if row.kind == "referral_decision" and decision == "assessment":
        _open_assessment(session, row, by, now, actor)
    return row


def countersign_decision(
    session: Session, *, item_id: int, by: str, now: datetime, actor: Actor | None = None
) -> TriageItem:
    """A team manager's countersignature makes a proposed closing of a red alert the decision."""
    by = _name(by)
    row = item_for_change(session, item_id)
    if row.status != "awaiting_countersignature":
        raise TriageError(f"item {item_id} has no decision awaiting a countersignature", category="conflict")
    if row.decided_by == by:
        raise TriageError(
            "the countersignature must be another person's: ask a team manager", category="conflict"
        )
    row.status, row.decided_at = "decided", now
    detail = {"decision": row.decision, "proposed_by": row.decided_by, **_clock_detail(row, now)}
    audit(session, row, "countersigned", by, now, detail, actor=actor)
    return row


def lapse_proposal(session: Session, *, item_id: int, because: str, now: datetime) -> TriageItem:
    """A proposed closing lapses when a new alert joins the item before it is countersigned.

    The countersignature closed the item with every alert on it, the new one too, on a reason
    written before it existed: a red alert arriving while a closing waited was closed unread.
    The item goes back to its proposer, taken on, to decide again with the new alert in view;
    the proposal stays in its history.
    """
    row = item_for_change(session, item_id)
    if row.status != "awaiting_countersignature":
        return row
    detail = {"decision": row.decision, "proposed_by": row.decided_by, "because": because}
    row.status, row.decision, row.rationale, row.decided_by = "acknowledged", None, None, None
    audit(session, row, "proposal_lapsed", SYSTEM.name, now, detail, actor=SYSTEM)
    return row


def _open_assessment(
    session: Session, referral: TriageItem, by: str, now: datetime, actor: Actor | None
) -> None:
    """Deciding a referral for assessment starts the 45-working-day clock, from the referral."""
    open_item(
        session,
        item=NewItem(
            source_key=f"assessment-of:{referral.source_key}",
            kind="assessment",
            title=referral.title.replace("Referral from", "Assessment after referral from", 1),
            team=TEAM_ASSESSMENT,
            opened_at=referral.opened_at,
            due_at=assessment_due(referral.opened_at),
            timescale="assessment",
            harm_days=referral.harm_days,
            harm_basis=referral.harm_basis,
            harm_source=referral.harm_source,
            person_id=referral.person_id,
            referrer=referral.referrer,
            alert_level=referral.alert_level,
        ),
        now=now,
        by=by,
        actor=actor,
    )


def decision_code(written: str) -> str:
    """The decision a person typed, in any case or spacing (`Action Taken` is `action_taken`), as
    agencies are read; anything else is refused with the decisions listed."""
    try:
        return typed_code(written, tuple(DECISIONS), name="decision", what="a triage decision")
    except UnknownCode as error:
        raise TriageError(str(error)) from None


def check_rationale(decision: str, rationale: str) -> str:
    """The rationale, stripped; raises TriageError if the reason is too long, or empty where the
    decision (already read by `decision_code`) needs one."""
    text = " ".join(rationale.split())
    if len(text) > MAX_TEXT:
        raise TriageError(f"the rationale is limited to {MAX_TEXT} characters")
    if decision == "no_further_action" and says_nothing(text):
        raise TriageError(
            "'no further action' needs a reason: say why the child is safe without it "
            "(e.g. 'injury explained by school accident report; seen alone, no concerns')"
        )
    if not text:
        raise TriageError("give the rationale for the decision")
    return text


def _name(by: str) -> str:
    by = by.strip()
    if not by or len(by) > 200:
        raise TriageError("give the name of the person taking this step (at most 200 characters)")
    return by


def _clock_detail(row: TriageItem, now: datetime) -> dict[str, Any]:
    return {"due_at": row.due_at.isoformat(), "late": now > row.due_at}


# --- escalation ----------------------------------------------------------------------------------


def escalate_overdue(
    session: Session, *, config: TriageConfig, now: datetime, run_by: str | None = None
) -> list[Escalation]:
    """Escalate every unacknowledged item whose escalation time has come; returns what escalated.

    An escalation is alarmbell's own step (SYSTEM in the audit log), whoever asks for the run;
    `run_by` names someone who ran it by hand (the CLI's `cli:<login>`), whose `now` it used.

    Only items of at least `config.escalate_from_harm_days` escalate: a bigamy file past due is
    the team's own business, shown on the analytics page, not the head of service's.

    Runs whenever it is called (a scheduler, the CLI's `triage escalate --now`, or a test's clock);
    each step happens once per item, so calling it often is safe.
    """
    due = (
        TriageItem.status == "open",
        TriageItem.escalation_level < 2,
        TriageItem.harm_days >= config.escalate_from_harm_days,
    )
    # Held first, then read afresh (see item_for_change): two runs at once escalated each item
    # twice, and a run could escalate an item acknowledged while it ran.
    hold_rows(session, TriageItem.escalation_level, *due)
    query = select(TriageItem).where(*due).execution_options(populate_existing=True)
    out: list[Escalation] = []
    for row in session.scalars(query):
        out.extend(_escalate(session, row, config, now, run_by))
    out.extend(_escalate_unsigned(session, config, now, run_by))
    out.extend(_escalate_taken_on(session, config, now, run_by))
    session.flush()
    return out


def waiting_closings(session: Session, *, config: TriageConfig) -> dict[int, WaitingClosing]:
    """item id -> its proposed closing still waiting for a countersignature, with its clock.

    The proposal's moment is its `decision_proposed` step in the item's trail, and whether it has
    gone to the head of service is an `escalated` step after it that says so: the trail already
    holds both, so the clock needs no column of its own.
    """
    steps = (
        select(TriageEvent.item_id, TriageEvent.kind, TriageEvent.at, TriageEvent.by, TriageEvent.detail)
        .join(TriageItem, TriageItem.id == TriageEvent.item_id)
        .where(
            TriageItem.status == "awaiting_countersignature",
            TriageEvent.kind.in_(("decision_proposed", "escalated")),
        )
        .order_by(TriageEvent.item_id, TriageEvent.at, TriageEvent.id)
    )
    found: dict[int, WaitingClosing] = {}
    for item_id, kind, at, by, detail in session.execute(steps):
        if kind == "decision_proposed":
            due = countersignature_due(at, config.countersign_working_days)
            found[item_id] = WaitingClosing(item_id, by, at, due, escalated=False)
        elif (
            item_id in found and isinstance(detail, dict) and detail.get("waiting_for") == "countersignature"
        ):
            found[item_id] = replace(found[item_id], escalated=True, escalated_at=at)
    return found


def _escalate_unsigned(
    session: Session, config: TriageConfig, now: datetime, run_by: str | None
) -> list[Escalation]:
    """Proposed closings nobody countersigned in time go to the head of service (the team
    manager's manager): the red alert stands, the analyst has stepped back, and without this it
    waited on a signature for ever with nobody acting and nothing escalating."""
    waiting = TriageItem.status == "awaiting_countersignature"
    hold_rows(session, TriageItem.status, waiting)  # held, then read afresh: one escalation each
    closings = waiting_closings(session, config=config)
    overdue = [c for c in closings.values() if not c.escalated and past_due(c.due, now)]
    out = []
    for closing in overdue:
        row = get_item(session, closing.item_id, afresh=True)
        row.escalation_level, row.escalated_at = len(ESCALATION_STEPS), now
        detail = {
            "to": "head_of_service",
            "team": row.team,
            "scheduled_for": closing.due.isoformat(),
            "waiting_for": "countersignature",
            "proposed_by": closing.proposed_by,
            "proposed_at": closing.proposed_at.isoformat(),
        }
        if run_by is not None:
            detail["run_by"] = run_by
        audit(session, row, "escalated", SYSTEM.name, now, detail, actor=SYSTEM)
        reason = unsigned_words(closing.proposed_by, config.countersign_working_days)
        out.append(
            Escalation(row.id, row.title, row.team, "head_of_service", closing.due, row.harm_days, reason)
        )
    return out


def taken_on_clocks(session: Session, *, config: TriageConfig) -> dict[int, TakenOnClock]:
    """item id -> the decision clock of work taken on and not decided (of at least the
    escalation harm), with the escalations it has had while held.

    Taken on is the latest `acknowledged` step of its trail, or `proposal_lapsed` (the item went
    back to its proposer to decide again with a new alert in view, so their clock starts again);
    an `escalated` step after it that says `waiting_for: decision` is a step made. The trail
    holds both, so the clock needs no column of its own (as `waiting_closings`).
    """
    steps = (
        select(
            TriageEvent.item_id,
            TriageEvent.kind,
            TriageEvent.at,
            TriageEvent.by,
            TriageEvent.detail,
            TriageItem.due_at,
        )
        .join(TriageItem, TriageItem.id == TriageEvent.item_id)
        .where(
            TriageItem.status == "acknowledged",
            TriageItem.harm_days >= config.escalate_from_harm_days,
            TriageEvent.kind.in_(("acknowledged", "proposal_lapsed", "escalated")),
        )
        .order_by(TriageEvent.item_id, TriageEvent.at, TriageEvent.id)
    )
    taken: dict[int, tuple[str, datetime, datetime]] = {}
    made: dict[int, dict[str, datetime]] = {}
    for item_id, kind, at, by, detail, due in session.execute(steps):
        info = detail if isinstance(detail, dict) else {}
        if kind in ("acknowledged", "proposal_lapsed"):
            taken[item_id] = (str(info.get("proposed_by") or by), at, due)
            made[item_id] = {}
        elif item_id in taken and info.get("waiting_for") == "decision":
            made[item_id][str(info.get("to"))] = at
    days = config.taken_on_working_days
    return {
        item_id: TakenOnClock(item_id, holder, at, taken_on_escalation_times(at, due, days), made[item_id])
        for item_id, (holder, at, due) in taken.items()
    }


def _escalate_taken_on(
    session: Session, config: TriageConfig, now: datetime, run_by: str | None
) -> list[Escalation]:
    """Work taken on and not decided in time goes to the team manager, then the head of service.

    Taking an item on stopped its escalation for ever: an analyst who took on a red alert and never
    decided it held the child's alarm with nobody told. The holder keeps it: escalation tells, it
    does not take the work away.
    """
    held = (TriageItem.status == "acknowledged", TriageItem.harm_days >= config.escalate_from_harm_days)
    hold_rows(session, TriageItem.status, *held)  # held, then read afresh: one escalation each
    out = []
    for clock in taken_on_clocks(session, config=config).values():
        steps = [s for s in ESCALATION_STEPS if s not in clock.escalated and past_due(clock.times[s], now)]
        if not steps:
            continue
        row = get_item(session, clock.item_id, afresh=True)
        for step in steps:
            level = ESCALATION_STEPS.index(step) + 1
            row.escalation_level, row.escalated_at = max(row.escalation_level, level), now
            detail = {
                "to": step,
                "team": row.team,
                "scheduled_for": clock.times[step].isoformat(),
                "waiting_for": "decision",
                "taken_on_by": clock.holder,
                "taken_on_at": clock.taken_on_at.isoformat(),
            }
            if run_by is not None:
                detail["run_by"] = run_by
            audit(session, row, "escalated", SYSTEM.name, now, detail, actor=SYSTEM)
            reason = taken_on_words(clock.holder, clock.taken_on_at, now)
            out.append(
                Escalation(row.id, row.title, row.team, step, clock.times[step], row.harm_days, reason)
            )
    return out


def taken_on_words(holder: str, taken_on_at: datetime, now: datetime) -> str:
    """Why work taken on escalated, as the command line and the server's log say it."""
    days = working_days_between(local_date(taken_on_at), local_date(now))
    ago = "today" if days == 0 else f"{days} working day{'s' if days != 1 else ''} ago"
    return f"{holder} took this on {ago} and has not decided it"


def unsigned_words(proposed_by: str, working_days: int) -> str:
    """Why a proposed closing escalated, as the command line and the server's log say it."""
    days = f"{working_days} working day{'s' if working_days != 1 else ''}"
    return (
        f"{proposed_by} proposed closing this red alert with no further action, and no team manager "
        f"countersigned it within {days}: the alert still stands"
    )


def _escalate(
    session: Session, row: TriageItem, config: TriageConfig, now: datetime, run_by: str | None
) -> list[Escalation]:
    times = escalation_times(
        row.opened_at, row.due_at, config.escalation_fraction, config.escalation_max_hours
    )
    out = []
    for level, step in enumerate(ESCALATION_STEPS, start=1):
        if row.escalation_level >= level or now < times[step]:
            continue
        row.escalation_level, row.escalated_at = level, now
        detail = {"to": step, "team": row.team, "scheduled_for": times[step].isoformat()}
        if run_by is not None:
            detail["run_by"] = run_by
        audit(session, row, "escalated", SYSTEM.name, now, detail, actor=SYSTEM)
        out.append(Escalation(row.id, row.title, row.team, step, times[step], row.harm_days))
    return out


# --- reading the queue ---------------------------------------------------------------------------


def queue(
    session: Session,
    *,
    team: str,
    now: datetime,
    config: TriageConfig,
    limit: int = 50,
    offset: int = 0,
    escalated_to: str | None = None,
    awaiting_countersignature: bool = False,
) -> Queue:
    """One team's open items, highest priority first (scoring.priority), one page of them.

    `escalated_to` ("team_manager" or "head_of_service"): only the items escalated to them now,
    as the analytics count them (`escalation_load`: not taken on, escalated that far).
    `awaiting_countersignature`: only the closings proposed and waiting for a team manager.

    Ranks from four columns of every open item (a Core query, times as POSIX seconds from the
    database: no ORM objects, no datetime parsing), keeps only the best `offset + limit`, then
    loads whole rows for the page shown, so a team with ten thousand open items still renders
    quickly (benchmarks/triage_queue.py).
    """
    session.flush()  # a Core query on the connection does not autoflush the session's changes
    t = TriageItem.__table__.c
    connection = session.connection()
    seconds = dialect_of(connection).epoch_seconds
    cols = select(t.id, t.harm_days, seconds(t.opened_at), seconds(t.due_at), t.status).where(
        t.team == team, t.status.in_(OPEN_STATUSES)
    )
    if escalated_to is not None:
        cols = cols.where(t.status == "open", _escalated_that_far(t.escalation_level, escalated_to))
    if awaiting_countersignature:
        cols = cols.where(t.status == "awaiting_countersignature")
    rows = connection.execute(cols).all()
    best = top(((r[0], r[1], r[2], r[3]) for r in rows), now, offset + limit)
    page = [item_id for _key, _due, item_id in best[offset:]]
    shown = select(TriageItem).where(TriageItem.id.in_(page))
    full = {r.id: r for r in session.scalars(shown)}
    entries = tuple(_entry(full[item_id], offset + i + 1, config, now) for i, item_id in enumerate(page))
    return Queue(
        team=team,
        now=now,
        total=len(rows),
        past_due=sum(1 for r in rows if r[3] < now.timestamp()),
        unacknowledged=sum(1 for r in rows if r[4] == "open"),
        entries=entries,
        offset=offset,
        limit=limit,
    )


def _escalated_that_far(level: Any, escalated_to: str) -> Any:
    """Escalated to the team manager (level 1 exactly) or on to the head of service (2 or more)."""
    if escalated_to not in ESCALATION_LABELS:
        raise TriageError(f"no escalation step {escalated_to!r}", category="invalid")
    return level == 1 if escalated_to == "team_manager" else level >= 2


def _entry(row: TriageItem, position: int, config: TriageConfig, now: datetime) -> QueueEntry:
    return QueueEntry(
        item=row,
        rank=position,
        priority=priority(row.harm_days, row.opened_at, row.due_at, now),
        band=config.bands.band(row.harm_days),
        overdue=overdue_by(row.due_at, now),
    )


def teams(session: Session, *, now: datetime) -> list[TeamSummary]:
    """Every team with open items, the most past-due first."""
    past = func.sum(case((TriageItem.due_at < now, 1), else_=0))
    query = (
        select(TriageItem.team, func.count(), past)
        .where(TriageItem.status.in_(OPEN_STATUSES))
        .group_by(TriageItem.team)
    )
    summaries = [TeamSummary(team, int(n), int(p or 0)) for team, n, p in session.execute(query)]
    return sorted(summaries, key=lambda s: (-s.past_due, -s.open_items, s.team))


def awaiting_countersignature(session: Session) -> list[tuple[str, int]]:
    """(team, how many) of items whose closing awaits a team manager's countersignature, by team
    name. They are taken on, so they escalate only when the countersignature is overdue
    (`escalate_overdue`, to the head of service); they are counted here."""
    query = (
        select(TriageItem.team, func.count())
        .where(TriageItem.status == "awaiting_countersignature")
        .group_by(TriageItem.team)
        .order_by(TriageItem.team)
    )
    return [(team, int(n)) for team, n in session.execute(query)]


def team_names(session: Session) -> list[str]:
    """Every team any work item has been routed to, open or closed, in name order."""
    return sorted(session.scalars(select(TriageItem.team).distinct()))


def audit_trail(session: Session, item_id: int) -> list[TriageEvent]:
    query = select(TriageEvent).where(TriageEvent.item_id == item_id).order_by(TriageEvent.at, TriageEvent.id)
    return list(session.scalars(query))


# --- timeliness, for referrers and reviews -------------------------------------------------------


def timeliness(row: TriageItem, now: datetime) -> Timeliness:
    """Decided items are on time or late; open ones are due (in so long) or overdue (by so long)."""
    if row.decided_at is not None:
        if past_due(row.due_at, row.decided_at):
            late = row.decided_at - row.due_at
            return Timeliness("late", f"decided {describe(late)} late", row.due_at, row.decided_at, late)
        return Timeliness("on time", "decided on time", row.due_at, row.decided_at, None)
    if past_due(row.due_at, now):
        late = now - row.due_at
        return Timeliness("overdue", f"overdue by {describe(late)}", row.due_at, None, late)
    return Timeliness("due", f"due in {describe(row.due_at - now)}", row.due_at, None, None)


def describe(span: timedelta) -> str:
    """'3 days 4 hours', '5 hours', '20 minutes': the two largest units, for people not machines."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (mins, "minute")]
    shown = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n][:2]
    return " ".join(shown) if shown else "less than a minute"


def reported_by(session: Session, *, referrer: str, now: datetime, limit: int = 500) -> list[ReportedOutcome]:
    """What `referrer` reported, newest first, with the outcome and whether it came in time."""
    query = (
        select(TriageItem)
        .where(func.lower(TriageItem.referrer) == referrer.strip().lower())
        .order_by(TriageItem.opened_at.desc(), TriageItem.id.desc())
        .limit(limit)
    )
    return [_reported(row, now) for row in session.scalars(query)]


def reported_people(session: Session, rows: Sequence[ReportedOutcome]) -> list[int]:
    """The children whose items these rows name by title, for the audit entry of a showing (the
    rows carry no person id: a referrer is shown the outcome, not the record)."""
    items = [row.item_id for row in rows]
    if not items:
        return []
    query = select(TriageItem.person_id).where(TriageItem.id.in_(items))
    return sorted({p for p in session.scalars(query) if p is not None})


def _reported(row: TriageItem, now: datetime) -> ReportedOutcome:
    return ReportedOutcome(
        item_id=row.id,
        kind=ITEM_KINDS.get(row.kind, row.kind),
        title=row.title,
        reported_at=row.opened_at,
        team=row.team,
        status=row.status,
        decision=DECISIONS.get(row.decision or "", row.decision),
        decided_at=row.decided_at,
        timeliness=timeliness(row, now),
    )


def response_times(
    session: Session,
    *,
    now: datetime,
    person_ids: Sequence[int] | None = None,
    since: datetime | None = None,
) -> list[ResponseTime]:
    """Every item's response against its clock (for review reports), oldest first."""
    query = select(TriageItem).order_by(TriageItem.opened_at, TriageItem.id)
    if person_ids is not None:
        query = query.where(TriageItem.person_id.in_(list(person_ids)))
    if since is not None:
        query = query.where(TriageItem.opened_at >= since)
    return [_response(row, now) for row in session.scalars(query)]


def _response(row: TriageItem, now: datetime) -> ResponseTime:
    return ResponseTime(
        item_id=row.id,
        kind=row.kind,
        team=row.team,
        person_id=row.person_id,
        opened_at=row.opened_at,
        due_at=row.due_at,
        acknowledged_at=row.acknowledged_at,
        decided_at=row.decided_at,
        decision=row.decision,
        escalation_level=row.escalation_level,
        harm_days=row.harm_days,
        timeliness=timeliness(row, now),
    )
