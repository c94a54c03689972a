"""Work taken on has a decision clock: held undecided past it, it escalates, and its holder keeps it.

Before, taking an item on stopped its escalation for ever: an analyst who took on a red alert and
never decided it held the child's alarm with nobody told, however late.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import AuditEntry, Person
from alarmbell.triage import (
    acknowledge,
    audit_trail,
    decide,
    escalate_overdue,
    escalation_load,
    get_item,
)
from alarmbell.triage.alert_work import open_alert_item, route_new_alerts
from alarmbell.triage.unanswered import unanswered_alarms
from tests.stored_alerts import store_alert

from .conftest import CONFIG, add, alert_item

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # GMT: 17:00 in England is 17:00 UTC
TAKEN = MONDAY + timedelta(hours=1)
TUESDAY_5PM = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
WEDNESDAY_5PM = TUESDAY_5PM + timedelta(days=1)
MINUTE = timedelta(minutes=1)


def _taken_on(session: Session, key: str = "r1", at: datetime = TAKEN) -> int:
    """A red alert opened on Monday morning and taken on by an analyst an hour later."""
    item_id = add(session, alert_item(key, MONDAY))
    acknowledge(session, item_id=item_id, by="Sam Reid", now=at)
    return item_id


def _escalated(session: Session, item_id: int) -> list[dict[str, object]]:
    return [dict(e.detail) for e in audit_trail(session, item_id) if e.kind == "escalated"]


def test_work_taken_on_and_not_decided_goes_to_the_team_manager_then_the_head_of_service(
    engine: Engine,
) -> None:
    with session_scope(engine) as session:
        item_id = _taken_on(session)
        assert escalate_overdue(session, config=CONFIG, now=TUESDAY_5PM) == []  # due at 17:00
        made = escalate_overdue(session, config=CONFIG, now=TUESDAY_5PM + MINUTE)
    assert [(e.item_id, e.to, e.scheduled_for) for e in made] == [(item_id, "team_manager", TUESDAY_5PM)]
    assert made[0].reason == "Sam Reid took this on 1 working day ago and has not decided it"
    with session_scope(engine) as session:
        row = get_item(session, item_id)
        # Escalation tells; the holder keeps the work.
        assert (row.status, row.owner, row.escalation_level) == ("acknowledged", "Sam Reid", 1)
        [step] = _escalated(session, item_id)
        assert step["to"] == "team_manager" and step["waiting_for"] == "decision"
        assert step["taken_on_by"] == "Sam Reid" and step["taken_on_at"] == TAKEN.isoformat()
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "triage.escalated")).one()
        assert entry.actor == "alarmbell" and entry.detail["waiting_for"] == "decision"
        # Once per step: the same day again changes nothing; a working day later, the head of service.
        assert escalate_overdue(session, config=CONFIG, now=TUESDAY_5PM + timedelta(hours=3)) == []
        thursday = WEDNESDAY_5PM + timedelta(hours=16)
        [head] = escalate_overdue(session, config=CONFIG, now=thursday)
        assert (head.to, head.scheduled_for) == ("head_of_service", WEDNESDAY_5PM)
        assert head.reason == "Sam Reid took this on 3 working days ago and has not decided it"
        assert escalate_overdue(session, config=CONFIG, now=thursday + timedelta(days=30)) == []
        assert get_item(session, item_id).owner == "Sam Reid"


def test_a_run_after_a_long_outage_makes_both_steps_at_once(session: Session) -> None:
    item_id = _taken_on(session)
    made = escalate_overdue(session, config=CONFIG, now=MONDAY + timedelta(days=10))
    assert [(e.item_id, e.to) for e in made] == [(item_id, "team_manager"), (item_id, "head_of_service")]


def test_work_decided_in_time_never_escalates(session: Session) -> None:
    item_id = _taken_on(session)
    decide(
        session,
        item_id=item_id,
        by="Sam Reid",
        decision="strategy_discussion",
        rationale="s47",
        now=TUESDAY_5PM,
    )
    assert escalate_overdue(session, config=CONFIG, now=MONDAY + timedelta(days=10)) == []
    assert _escalated(session, item_id) == []


def test_the_clock_counts_working_days_from_taking_on_and_is_a_setting(session: Session) -> None:
    christmas_eve = datetime(2026, 12, 24, 9, 0, tzinfo=UTC)
    item_id = add(session, alert_item("r1", christmas_eve))
    acknowledge(session, item_id=item_id, by="Sam Reid", now=christmas_eve + timedelta(hours=1))
    # Christmas Day, the weekend and Boxing Day (observed on Monday 28th) do not count: the one
    # working day after is Tuesday 29 December, due at its 17:00.
    assert escalate_overdue(session, config=CONFIG, now=datetime(2026, 12, 28, 18, 0, tzinfo=UTC)) == []
    two_days = replace(CONFIG, taken_on_working_days=2)
    assert escalate_overdue(session, config=two_days, now=datetime(2026, 12, 29, 17, 1, tzinfo=UTC)) == []
    made = escalate_overdue(session, config=two_days, now=datetime(2026, 12, 30, 17, 1, tzinfo=UTC))
    assert [(e.item_id, e.to) for e in made] == [(item_id, "team_manager")]


def test_an_item_taken_on_keeps_its_own_longer_clock(session: Session) -> None:
    """An item whose own clock is longer than the taken-on day (an investigation given a week)
    escalates when that clock runs out, not a working day after it was taken on."""
    item = replace(alert_item("r1", MONDAY), due_at=MONDAY + timedelta(days=7))
    item_id = add(session, item)
    acknowledge(session, item_id=item_id, by="Sam Reid", now=TAKEN)
    assert escalate_overdue(session, config=CONFIG, now=MONDAY + timedelta(days=7)) == []
    made = escalate_overdue(session, config=CONFIG, now=MONDAY + timedelta(days=7, minutes=1))
    assert [(e.item_id, e.to) for e in made] == [(item_id, "team_manager")]


def test_low_harm_work_taken_on_does_not_escalate(session: Session) -> None:
    item_id = add(session, alert_item("g1", MONDAY, level="green"))
    acknowledge(session, item_id=item_id, by="Sam Reid", now=TAKEN)
    assert escalate_overdue(session, config=CONFIG, now=MONDAY + timedelta(days=30)) == []


def test_taken_on_again_after_a_hand_back_starts_a_new_clock(session: Session) -> None:
    from alarmbell.triage import hand_back

    item_id = _taken_on(session)
    escalate_overdue(session, config=CONFIG, now=TUESDAY_5PM + MINUTE)  # to the team manager
    hand_back(session, holder="Sam Reid", because="Sam Reid's account was disabled", now=TUESDAY_5PM + MINUTE)
    acknowledge(session, item_id=item_id, by="Ana Patel", now=WEDNESDAY_5PM)
    thursday_5pm = WEDNESDAY_5PM + timedelta(days=1)
    assert [e.to for e in escalate_overdue(session, config=CONFIG, now=thursday_5pm)] == []
    made = escalate_overdue(session, config=CONFIG, now=thursday_5pm + MINUTE)
    assert [(e.to, e.reason) for e in made] == [
        ("team_manager", "Ana Patel took this on 1 working day ago and has not decided it")
    ]


def test_the_analytics_and_the_unanswered_report_show_it_escalated(session: Session) -> None:
    child = Person(created_at=MONDAY)
    session.add(child)
    session.flush()
    store_alert(session, child.id, "red", MONDAY)
    route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY)
    item = open_alert_item(session, child.id)
    assert item is not None
    acknowledge(session, item_id=item.id, by="Sam Reid", now=TAKEN)
    later = TUESDAY_5PM + MINUTE
    assert escalate_overdue(session, config=CONFIG, now=later) != []
    [load] = escalation_load(session, config=CONFIG, now=later)
    assert (load.team, load.to_team_manager, load.to_head_of_service) == ("MASH", 1, 0)
    [outcome] = unanswered_alarms(session, config=CONFIG, now=later).unanswered
    assert outcome.held_by == "Sam Reid (MASH; taken on, not decided; escalated to the team manager)"


def test_the_items_history_says_why_it_escalated(session: Session) -> None:
    from alarmbell.web.pages.triage_data import build_item_page

    item_id = _taken_on(session)
    later = TUESDAY_5PM + MINUTE
    escalate_overdue(session, config=CONFIG, now=later)
    page = build_item_page(session, item_id=item_id, now=later)
    assert page.escalated_to == "team manager"
    [row] = [r for r in page.audit if r.detail.startswith("to the team manager")]
    assert row.detail == "to the team manager of MASH: Sam Reid took it on and had not decided it in time"


def test_the_command_line_escalates_it_in_words_and_reads_the_setting(
    store_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:
            item_id = _taken_on(session)
    finally:
        engine.dispose()
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    monkeypatch.setenv("ALARMBELL_TRIAGE_TAKEN_ON_WORKING_DAYS", "2")
    runner = CliRunner()
    result = runner.invoke(app, ["triage", "escalate", "--now", (TUESDAY_5PM + MINUTE).isoformat()])
    assert result.exit_code == 0 and "0 escalations" in result.output  # 2 working days: Wednesday
    result = runner.invoke(app, ["triage", "escalate", "--now", (WEDNESDAY_5PM + MINUTE).isoformat()])
    assert result.exit_code == 0, result.output
    assert f"item {item_id} (MASH, 365 harm days) -> team manager" in result.output
    assert "Sam Reid took this on 2 working days ago and has not decided it" in result.output


def test_a_lapsed_closing_back_with_its_proposer_escalates_from_the_lapse(session: Session) -> None:
    """A new alert makes a proposed closing lapse back to its proposer, taken on: it had left the
    countersignature clock and, taken on, had no clock at all. Now it has a day from the lapse."""
    from alarmbell.triage.service import lapse_proposal

    item_id = add(session, alert_item("r1", MONDAY))
    why = "Injury explained by nursery accident form; seen alone, no concerns."
    decide(session, item_id=item_id, by="Sam Reid", decision="no_further_action", rationale=why, now=TAKEN)
    tuesday = MONDAY + timedelta(days=1)
    lapse_proposal(session, item_id=item_id, because="a red alert arrived", now=tuesday)
    assert escalate_overdue(session, config=CONFIG, now=TUESDAY_5PM + MINUTE) == []
    made = escalate_overdue(session, config=CONFIG, now=WEDNESDAY_5PM + MINUTE)
    assert [(e.item_id, e.to, e.reason) for e in made] == [
        (item_id, "team_manager", "Sam Reid took this on 1 working day ago and has not decided it")
    ]
