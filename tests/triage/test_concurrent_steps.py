"""Two people acting on one work item at once: the second finds it already done, and nothing
recorded is overwritten.

Two requests at once (the API's worker threads, or two server processes) can each read the item
open before either writes. Each test reproduces that interleaving exactly: the first person's
session holds the item as read before the second person's step commits, then takes its own
step. Before, that step went on from what it had read: the later decision replaced the earlier,
each person was told theirs was recorded, and the audit trail held two decisions.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import TriageItem
from alarmbell.triage import (
    TriageError,
    acknowledge,
    audit_trail,
    countersign_decision,
    decide,
    escalate_overdue,
    get_item,
)

from .conftest import CONFIG, add, alert_item

T0 = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(hours=1)


def _item(engine: Engine) -> int:
    with session_scope(engine) as session:
        return add(session, alert_item("a1", T0))


def _decide(engine: Engine, item_id: int, by: str, decision: str) -> None:
    with session_scope(engine) as session:
        decide(session, item_id=item_id, by=by, decision=decision, rationale=f"{by}'s reasons", now=LATER)


def test_a_decision_taken_meanwhile_is_not_overwritten(engine: Engine) -> None:
    item_id = _item(engine)
    with session_scope(engine) as first:
        read_before = get_item(first, item_id)  # read open, before the other step commits
        _decide(engine, item_id, "Sam Reid", "strategy_discussion")
        with pytest.raises(TriageError, match=r"already decided \(strategy_discussion\) by Sam Reid"):
            decide(first, item_id=item_id, by="Ann Lee", decision="action_taken", rationale="x", now=LATER)
        assert read_before.decided_by == "Sam Reid"  # read again, as committed
    with session_scope(engine) as session:
        row = get_item(session, item_id)
        assert (row.decision, row.decided_by) == ("strategy_discussion", "Sam Reid")
        assert [e.kind for e in audit_trail(session, item_id)] == ["created", "acknowledged", "decided"]


def test_taking_on_an_item_someone_took_on_meanwhile_is_refused(engine: Engine) -> None:
    item_id = _item(engine)
    with session_scope(engine) as first:
        read_before = get_item(first, item_id)
        with session_scope(engine) as second:
            acknowledge(second, item_id=item_id, by="Sam Reid", now=LATER)
        with pytest.raises(TriageError, match=r"already acknowledged \(by Sam Reid\)"):
            acknowledge(first, item_id=item_id, by="Ann Lee", now=LATER)
        assert read_before.status == "acknowledged"
    with session_scope(engine) as session:
        assert get_item(session, item_id).acknowledged_by == "Sam Reid"


def test_a_countersignature_needs_the_proposal_as_it_stands_now(engine: Engine) -> None:
    item_id = _item(engine)
    _decide(engine, item_id, "Sam Reid", "no_further_action")  # a red: proposed, awaiting a manager
    with session_scope(engine) as first:
        read_before = get_item(first, item_id)
        with session_scope(engine) as second:
            countersign_decision(second, item_id=item_id, by="Mo Khan", now=LATER)
        with pytest.raises(TriageError, match="no decision awaiting a countersignature"):
            countersign_decision(first, item_id=item_id, by="Jo Pike", now=LATER)
        assert read_before.status == "decided"
    with session_scope(engine) as session:
        kinds = [e.kind for e in audit_trail(session, item_id)]
    assert kinds.count("countersigned") == 1


def test_two_escalation_runs_at_once_escalate_each_item_once(engine: Engine) -> None:
    item_id = _item(engine)
    due = T0 + timedelta(hours=4)  # the red's MASH clock runs out: to the team manager
    with session_scope(engine) as first:
        read_before = first.scalars(select(TriageItem)).all()  # the run has read the open items
        with session_scope(engine) as second:
            assert [e.to for e in escalate_overdue(second, config=CONFIG, now=due)] == ["team_manager"]
        assert escalate_overdue(first, config=CONFIG, now=due) == []
        assert read_before[0].escalation_level == 1
    with session_scope(engine) as session:
        kinds = [e.kind for e in audit_trail(session, item_id)]
    assert kinds == ["created", "escalated"]


def test_two_runs_at_once_escalate_an_uncountersigned_closing_once(engine: Engine) -> None:
    item_id = _item(engine)
    _decide(engine, item_id, "Sam", "no_further_action")  # proposed: awaits a countersignature
    overdue = T0 + timedelta(days=6)  # Easter: due at 17:00 on Tuesday 7 April, the next working day
    with session_scope(engine) as first:
        first.scalars(select(TriageItem)).all()  # the run has read the items
        with session_scope(engine) as second:
            made = escalate_overdue(second, config=CONFIG, now=overdue)
            assert [(e.item_id, e.to) for e in made] == [(item_id, "head_of_service")]
        assert escalate_overdue(first, config=CONFIG, now=overdue) == []
    with session_scope(engine) as session:
        kinds = [e.kind for e in audit_trail(session, item_id)]
    assert kinds == ["created", "acknowledged", "decision_proposed", "escalated"]


def test_two_runs_at_once_escalate_work_taken_on_and_not_decided_once(engine: Engine) -> None:
    item_id = _item(engine)
    with session_scope(engine) as session:
        acknowledge(session, item_id=item_id, by="Sam Reid", now=LATER)
    overdue = T0 + timedelta(days=6)  # Easter: due at 17:00 on Tuesday 7 April, the next working day
    with session_scope(engine) as first:
        first.scalars(select(TriageItem)).all()  # the run has read the items
        with session_scope(engine) as second:
            made = escalate_overdue(second, config=CONFIG, now=overdue)
            assert [(e.item_id, e.to) for e in made] == [(item_id, "team_manager")]
        assert escalate_overdue(first, config=CONFIG, now=overdue) == []
    with session_scope(engine) as session:
        kinds = [e.kind for e in audit_trail(session, item_id)]
    assert kinds == ["created", "acknowledged", "escalated"]
