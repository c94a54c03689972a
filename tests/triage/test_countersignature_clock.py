"""A proposed closing of a red alert has a clock: uncountersigned past it, it escalates.

Before, an analyst's "no further action" on a red alert waited for a team manager's
countersignature with no clock at all: taken on, so it never escalated, and if no manager
signed, the red alert stood with nobody acting on it, for ever.
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
from alarmbell.storage.tables import AuditEntry
from alarmbell.triage import (
    audit_trail,
    countersign_decision,
    decide,
    escalate_overdue,
    escalation_load,
    get_item,
)
from tests.stored_alerts import store_alert

from .conftest import CONFIG, add, alert_item

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # GMT: 17:00 in England is 17:00 UTC
TUESDAY_5PM = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
WHY = "Injury explained by nursery accident form; seen alone, no concerns."


def _proposed(session: Session, key: str = "r1", at: datetime = MONDAY) -> int:
    """A red alert taken on and proposed for closing by an analyst at once."""
    item_id = add(session, alert_item(key, at))
    decide(session, item_id=item_id, by="Sam Reid", decision="no_further_action", rationale=WHY, now=at)
    assert get_item(session, item_id).status == "awaiting_countersignature"
    return item_id


def _escalated(session: Session, item_id: int) -> list[dict[str, object]]:
    return [dict(e.detail) for e in audit_trail(session, item_id) if e.kind == "escalated"]


def test_an_uncountersigned_closing_escalates_to_the_head_of_service_after_one_working_day(
    engine: Engine,
) -> None:
    with session_scope(engine) as session:
        item_id = _proposed(session)
        assert escalate_overdue(session, config=CONFIG, now=TUESDAY_5PM) == []  # due at 17:00
        made = escalate_overdue(session, config=CONFIG, now=TUESDAY_5PM + timedelta(minutes=1))
    assert [(e.item_id, e.to, e.scheduled_for) for e in made] == [(item_id, "head_of_service", TUESDAY_5PM)]
    assert made[0].reason == (
        "Sam Reid proposed closing this red alert with no further action, and no team manager "
        "countersigned it within 1 working day: the alert still stands"
    )
    with session_scope(engine) as session:
        row = get_item(session, item_id)
        assert row.status == "awaiting_countersignature" and row.escalation_level == 2
        [step] = _escalated(session, item_id)
        assert step["to"] == "head_of_service" and step["waiting_for"] == "countersignature"
        assert step["proposed_by"] == "Sam Reid" and step["proposed_at"] == MONDAY.isoformat()
        # In the hash-chained audit log too, as alarmbell's own step.
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "triage.escalated")).one()
        assert entry.actor == "alarmbell" and entry.detail["waiting_for"] == "countersignature"
        # Once: later runs find it escalated already.
        assert escalate_overdue(session, config=CONFIG, now=TUESDAY_5PM + timedelta(days=3)) == []
        # It stays a proposal until a team manager countersigns; then it is the decision.
        countersign_decision(session, item_id=item_id, by="Kiran Shah", now=TUESDAY_5PM + timedelta(days=3))
        assert get_item(session, item_id).status == "decided"


def test_the_countersignature_clock_counts_working_days_and_is_a_setting(session: Session) -> None:
    christmas_eve = datetime(2026, 12, 24, 15, 0, tzinfo=UTC)
    item_id = _proposed(session, at=christmas_eve)
    # Christmas Day, the weekend and Boxing Day (observed on Monday 28th) do not count: the one
    # working day after is Tuesday 29 December, due at its 17:00.
    boxing_day_observed = datetime(2026, 12, 28, 18, 0, tzinfo=UTC)
    assert escalate_overdue(session, config=CONFIG, now=boxing_day_observed) == []
    two_days = replace(CONFIG, countersign_working_days=2)
    assert escalate_overdue(session, config=two_days, now=datetime(2026, 12, 29, 17, 1, tzinfo=UTC)) == []
    made = escalate_overdue(session, config=two_days, now=datetime(2026, 12, 30, 17, 1, tzinfo=UTC))
    assert [e.item_id for e in made] == [item_id]


def test_a_countersigned_closing_never_escalates(session: Session) -> None:
    item_id = _proposed(session)
    countersign_decision(session, item_id=item_id, by="Kiran Shah", now=MONDAY + timedelta(hours=2))
    assert escalate_overdue(session, config=CONFIG, now=MONDAY + timedelta(days=10)) == []
    assert _escalated(session, item_id) == []


def test_the_analytics_count_an_overdue_closing_as_escalated_to_the_head_of_service(
    session: Session,
) -> None:
    _proposed(session)
    escalate_overdue(session, config=CONFIG, now=TUESDAY_5PM + timedelta(minutes=1))
    [load] = escalation_load(session, config=CONFIG, now=TUESDAY_5PM + timedelta(minutes=1))
    assert (load.team, load.to_head_of_service) == ("MASH", 1)


def test_the_command_line_escalates_it_in_words_and_reads_the_setting(
    store_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:
            item_id = _proposed(session)
    finally:
        engine.dispose()
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    monkeypatch.setenv("ALARMBELL_TRIAGE_COUNTERSIGN_WORKING_DAYS", "2")
    runner = CliRunner()
    wednesday = (TUESDAY_5PM + timedelta(hours=1)).isoformat()
    result = runner.invoke(app, ["triage", "escalate", "--now", wednesday])
    assert result.exit_code == 0 and "0 escalations" in result.output  # 2 working days: Wednesday
    thursday = (TUESDAY_5PM + timedelta(days=1, hours=1)).isoformat()
    result = runner.invoke(app, ["triage", "escalate", "--now", thursday])
    assert result.exit_code == 0, result.output
    assert f"item {item_id} (MASH, 365 harm days) -> head of service" in result.output
    assert "no team manager countersigned it within 2 working days: the alert still stands" in result.output


def test_the_items_history_says_why_it_escalated(session: Session) -> None:
    from alarmbell.web.pages.triage_data import build_item_page

    item_id = _proposed(session)
    later = TUESDAY_5PM + timedelta(minutes=1)
    escalate_overdue(session, config=CONFIG, now=later)
    page = build_item_page(session, item_id=item_id, now=later)
    assert page.escalated_to == "head of service"
    [row] = [r for r in page.audit if r.detail.startswith("to the head of service")]
    assert row.detail == (
        "to the head of service of MASH: Sam Reid proposed closing it, "
        "and no team manager countersigned in time"
    )


def test_the_unanswered_report_says_an_unsigned_closing_went_to_the_head_of_service(
    session: Session,
) -> None:
    """The report named who proposed the closing, but not that alarmbell had told the head of
    service when no team manager signed: the account must say who was told, as it does for work
    taken on and not decided."""
    from alarmbell.storage.tables import Person
    from alarmbell.triage.alert_work import open_alert_item, route_new_alerts
    from alarmbell.triage.unanswered import unanswered_alarms

    child = Person(created_at=MONDAY)
    session.add(child)
    session.flush()
    store_alert(session, child.id, "red", MONDAY)
    route_new_alerts(session, after_id=0, config=CONFIG, now=MONDAY)
    item = open_alert_item(session, child.id)
    assert item is not None
    decide(session, item_id=item.id, by="Sam Reid", decision="no_further_action", rationale=WHY, now=MONDAY)
    later = TUESDAY_5PM + timedelta(minutes=1)
    held = "Sam Reid (MASH; closing proposed, no team manager has countersigned it)"
    [before] = unanswered_alarms(session, config=CONFIG, now=later).unanswered
    assert before.held_by == held
    escalate_overdue(session, config=CONFIG, now=later)
    [after] = unanswered_alarms(session, config=CONFIG, now=later).unanswered
    assert after.held_by == held[:-1] + "; escalated to the head of service)"
