"""Acknowledge, decide (NFA needs a reason), escalate on a controlled clock, audit, queue order."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import TriageEvent, TriageItem
from alarmbell.triage import (
    TriageError,
    acknowledge,
    audit_trail,
    countersign_decision,
    decide,
    escalate_overdue,
    get_item,
    open_item,
    queue,
    reported_by,
    response_times,
    teams,
)
from alarmbell.triage.timescales import assessment_due, referral_decision_due

from .conftest import CONFIG, add, alert_item, offence_item

T0 = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)


def test_opening_twice_is_a_no_op_and_is_audited_once(session: Session) -> None:
    item = alert_item("a1", T0)
    first = open_item(session, item=item, now=T0)
    assert first is not None and open_item(session, item=item, now=T0) is None
    assert [e.kind for e in audit_trail(session, first.id)] == ["created"]


def test_acknowledge_then_decide_with_audit(session: Session) -> None:
    item_id = add(session, alert_item("a1", T0))
    acknowledge(session, item_id=item_id, by="Sam Reid", now=T0 + timedelta(hours=1))
    with pytest.raises(TriageError, match="already acknowledged"):
        acknowledge(session, item_id=item_id, by="Sam Reid", now=T0 + timedelta(hours=1))
    decide(
        session,
        item_id=item_id,
        by="Sam Reid",
        decision="strategy_discussion",
        rationale="Held with police.",
        now=T0 + timedelta(hours=5),
    )
    row = get_item(session, item_id)
    assert (row.status, row.decision, row.owner) == ("decided", "strategy_discussion", "Sam Reid")
    trail = audit_trail(session, item_id)
    assert [e.kind for e in trail] == ["created", "acknowledged", "decided"]
    assert trail[-1].detail["late"] is True and trail[-1].detail["rationale"] == "Held with police."
    with pytest.raises(TriageError, match="already decided"):
        decide(session, item_id=item_id, by="x", decision="completed", rationale="again", now=T0)


@pytest.mark.parametrize("reason", ["", "   ", "NFA", "no further action.", "n/a", "None"])
def test_no_further_action_needs_a_reason(session: Session, reason: str) -> None:
    item_id = add(session, alert_item("a1", T0))
    with pytest.raises(TriageError, match="needs a reason"):
        decide(session, item_id=item_id, by="Sam", decision="no_further_action", rationale=reason, now=T0)
    assert get_item(session, item_id).status == "open"
    assert [e.kind for e in audit_trail(session, item_id)] == ["created"]


def test_no_further_action_with_a_reason_is_recorded(session: Session) -> None:
    item_id = add(session, alert_item("a1", T0, level="amber"))
    why = "Injury explained by the school's accident report; child seen alone, no concerns."
    decide(session, item_id=item_id, by="Sam", decision="no_further_action", rationale=why, now=T0)
    row = get_item(session, item_id)
    assert row.decision == "no_further_action" and row.rationale == why and row.status == "decided"
    # Deciding without acknowledging first records both steps.
    assert [e.kind for e in audit_trail(session, item_id)] == ["created", "acknowledged", "decided"]


def test_closing_a_red_without_action_needs_a_team_managers_countersignature(session: Session) -> None:
    item_id = add(session, alert_item("r1", T0))
    why = "Seen at home with both parents; explanation consistent."
    decide(session, item_id=item_id, by="Sam", decision="no_further_action", rationale=why, now=T0)
    row = get_item(session, item_id)
    assert row.status == "awaiting_countersignature" and row.decided_at is None
    with pytest.raises(TriageError, match="another person"):
        countersign_decision(session, item_id=item_id, by="Sam", now=T0)
    countersign_decision(session, item_id=item_id, by="Kiran (team manager)", now=T0 + timedelta(hours=1))
    row = get_item(session, item_id)
    assert row.status == "decided" and row.decided_at == T0 + timedelta(hours=1)
    kinds = [e.kind for e in audit_trail(session, item_id)]
    assert kinds == ["created", "acknowledged", "decision_proposed", "countersigned"]
    # A team manager's own closing of a red needs no one else's.
    other = add(session, alert_item("r2", T0))
    decide(
        session, item_id=other, by="Kiran", decision="no_further_action", rationale=why, now=T0, manager=True
    )
    assert get_item(session, other).status == "decided"


def test_unknown_decision_and_empty_name_are_refused(session: Session) -> None:
    item_id = add(session, alert_item("a1", T0))
    with pytest.raises(TriageError, match="'ignore' is not a triage decision; use one of: referral_made"):
        decide(session, item_id=item_id, by="Sam", decision="ignore", rationale="x", now=T0)
    with pytest.raises(TriageError, match="name"):
        acknowledge(session, item_id=item_id, by="  ", now=T0)


def test_a_failed_transaction_leaves_neither_the_change_nor_its_audit(engine: Engine) -> None:
    with session_scope(engine) as s:
        item_id = add(s, alert_item("a1", T0))
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        acknowledge(s, item_id=item_id, by="Sam", now=T0)
        raise RuntimeError("crash before commit")
    with session_scope(engine) as s:
        assert get_item(s, item_id).status == "open"
        assert s.scalar(select(func.count()).select_from(TriageEvent)) == 1


def test_unacknowledged_red_escalates_to_manager_then_head_of_service_on_time(session: Session) -> None:
    item_id = add(session, alert_item("red", T0))  # due T0 + 4h: manager when it runs out, then at 6h

    def at(minutes: float) -> list[str]:
        return [e.to for e in escalate_overdue(session, config=CONFIG, now=T0 + timedelta(minutes=minutes))]

    assert at(239) == []
    assert at(240) == ["team_manager"]
    assert at(241) == []
    assert at(359.9) == []
    assert at(360) == ["head_of_service"]
    assert at(10_000) == []
    row = get_item(session, item_id)
    assert row.escalation_level == 2
    steps = [(e.kind, e.detail.get("to")) for e in audit_trail(session, item_id)]
    assert steps == [("created", None), ("escalated", "team_manager"), ("escalated", "head_of_service")]


def test_a_late_run_records_both_steps_and_acknowledged_items_never_escalate(session: Session) -> None:
    late = add(session, alert_item("late", T0))
    taken = add(session, alert_item("taken", T0))
    acknowledge(session, item_id=taken, by="Sam", now=T0 + timedelta(minutes=30))
    escalations = escalate_overdue(session, config=CONFIG, now=T0 + timedelta(days=1))
    assert [(e.item_id, e.to) for e in escalations] == [(late, "team_manager"), (late, "head_of_service")]
    assert escalations[0].scheduled_for == T0 + timedelta(hours=4)


def test_low_harm_items_past_due_never_escalate(session: Session) -> None:
    """Alarm fatigue: a bigamy file past due is reported, not pushed to the head of service."""
    add(session, offence_item("bigamy", T0, harm=10, hours=24))
    serious = add(session, offence_item("abh", T0, harm=30, hours=24))
    escalations = escalate_overdue(session, config=CONFIG, now=T0 + timedelta(days=30))
    assert {e.item_id for e in escalations} == {serious}


def test_escalation_times_are_configurable(session: Session) -> None:
    config = replace(CONFIG, escalation_fraction={"team_manager": 0.25, "head_of_service": 0.5})
    add(session, alert_item("red", T0))
    assert escalate_overdue(session, config=config, now=T0 + timedelta(minutes=59)) == []
    assert [e.to for e in escalate_overdue(session, config=config, now=T0 + timedelta(hours=1))] == [
        "team_manager"
    ]
    assert [e.to for e in escalate_overdue(session, config=config, now=T0 + timedelta(hours=2))] == [
        "head_of_service"
    ]


def test_long_timescales_escalate_at_the_cap(session: Session) -> None:
    item = offence_item("assessment", T0, harm=30, hours=24 * 60)
    add(session, item)
    assert escalate_overdue(session, config=CONFIG, now=T0 + timedelta(hours=119, minutes=59)) == []
    assert [e.to for e in escalate_overdue(session, config=CONFIG, now=T0 + timedelta(hours=120))] == [
        "team_manager"
    ]


def test_queue_is_ordered_by_harm_and_waiting_not_by_ease(session: Session) -> None:
    now = T0 + timedelta(days=10)
    bigamy = add(session, offence_item("bigamy", T0, harm=10, team="Police"))
    theft = add(session, offence_item("theft", T0 - timedelta(days=30), harm=2, team="Police"))
    red = add(session, alert_item("red", now - timedelta(hours=1), team="Police"))
    amber = add(session, alert_item("amber", now - timedelta(hours=30), level="amber", team="Police"))
    add(session, alert_item("elsewhere", T0, team="MASH"))
    q = queue(session, team="Police", now=now, config=CONFIG)
    # bigamy 10 x (1 + 10 days / 3 days) = 43 outranks the older theft 2 x (1 + 40 / 3) = 29
    assert [e.item.id for e in q.entries] == [red, amber, bigamy, theft]
    assert (q.total, q.past_due, q.unacknowledged) == (4, 3, 4)
    assert [e.band for e in q.entries] == ["high", "medium", "low", "low"]
    page2 = queue(session, team="Police", now=now, config=CONFIG, limit=2, offset=2)
    assert [(e.rank, e.item.id) for e in page2.entries] == [(3, bigamy), (4, theft)]
    decide(session, item_id=red, by="x", decision="completed", rationale="done", now=now)
    assert queue(session, team="Police", now=now, config=CONFIG).total == 3
    assert [(t.team, t.open_items, t.past_due) for t in teams(session, now=now)] == [
        ("Police", 3, 3),
        ("MASH", 1, 1),
    ]


def test_the_queue_of_items_escalated_to_the_manager_or_the_head_of_service(session: Session) -> None:
    """What the analytics' "Escalated now" counts link to (session 17): only items nobody has
    taken on, escalated that far, as `escalation_load` counts them."""
    to_head = add(session, alert_item("to-head", T0))  # manager at 4 h, head of service at 6 h
    to_manager = add(session, alert_item("to-manager", T0 + timedelta(hours=1)))  # manager at 5 h
    taken = add(session, alert_item("taken", T0))
    add(session, alert_item("fresh", T0 + timedelta(hours=5)))
    escalate_overdue(session, config=CONFIG, now=T0 + timedelta(hours=6))
    acknowledge(session, item_id=taken, by="Sam", now=T0 + timedelta(hours=6))
    now = T0 + timedelta(hours=6, minutes=1)

    def ids(step: str) -> list[int]:
        escalated = queue(session, team="MASH", now=now, config=CONFIG, escalated_to=step)
        return [e.item.id for e in escalated.entries]

    assert ids("team_manager") == [to_manager]
    assert ids("head_of_service") == [to_head]
    assert queue(session, team="MASH", now=now, config=CONFIG).total == 4


def test_deciding_a_referral_for_assessment_starts_the_45_day_clock_from_the_referral(
    session: Session,
) -> None:
    received = datetime(2026, 4, 2, 14, 0, tzinfo=UTC)  # Maundy Thursday
    item = replace(
        offence_item("ref", received, harm=30),
        kind="referral_decision",
        timescale="referral_decision",
        due_at=referral_decision_due(received),
        referrer="school",
    )
    item_id = add(session, item)
    decide(
        session,
        item_id=item_id,
        by="Sam",
        decision="assessment",
        rationale="Needs assessment.",
        now=datetime(2026, 4, 7, 10, 0, tzinfo=UTC),
    )
    spawned = session.scalars(select(TriageItem).where(TriageItem.kind == "assessment")).one()
    assert spawned.due_at == assessment_due(received)
    assert spawned.team == "Children's social care assessment" and spawned.referrer == "school"


def test_the_referrer_sees_outcome_and_timeliness(session: Session) -> None:
    on_time = add(session, alert_item("a", T0, referrer="Hillside Primary"))
    late = add(session, alert_item("b", T0 + timedelta(hours=1), referrer="Hillside Primary"))
    add(session, alert_item("c", T0 + timedelta(hours=2), referrer="Hillside Primary"))
    add(session, alert_item("d", T0, referrer="someone else"))
    decide(
        session,
        item_id=on_time,
        by="Sam",
        decision="strategy_discussion",
        rationale="r",
        now=T0 + timedelta(hours=3),
    )
    decide(
        session,
        item_id=late,
        by="Sam",
        decision="no_further_action",
        rationale="Seen alone; safe.",
        now=T0 + timedelta(hours=9),
        manager=True,
    )
    rows = reported_by(session, referrer="hillside primary", now=T0 + timedelta(hours=10))
    assert [(r.decision, r.timeliness.state) for r in rows] == [
        (None, "overdue"),
        ("No further action", "late"),
        ("Strategy discussion held or convened", "on time"),
    ]
    assert rows[1].timeliness.label == "decided 4 hours late"
    assert rows[0].timeliness.label == "overdue by 4 hours"
    assert not hasattr(rows[1], "rationale")  # the referrer sees the outcome, not the notes


def test_response_times_for_reviews(session: Session) -> None:
    item_id = add(session, alert_item("a", T0))
    acknowledge(session, item_id=item_id, by="Sam", now=T0 + timedelta(hours=1))
    [row] = response_times(session, now=T0 + timedelta(hours=6))
    assert row.acknowledged_at == T0 + timedelta(hours=1) and row.timeliness.state == "overdue"
