"""Workload analytics on the seeded scenario: the police unit's bigamy file displaced red alerts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from alarmbell.storage.tables import TriageEvent, TriageItem, TriageWorkLog
from alarmbell.triage import TriageConfig, analytics_lines, load_displacement_scenario, workload_analytics
from alarmbell.triage.analytics import DisplacementPeriod, escalation_load
from alarmbell.triage.service import reported_by

from .conftest import CONFIG

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
POLICE = "Police child protection unit"


def test_the_scenario_shows_displacement_in_the_police_unit_only(session: Session) -> None:
    summary = load_displacement_scenario(session, now=NOW, config=CONFIG)
    assert summary.items > 20 and summary.hours > 100 and summary.escalations > 0
    result = workload_analytics(session, config=CONFIG, now=NOW, days=28)
    [period] = result.displacement
    assert period.team == POLICE
    assert period.low_hours >= 40
    assert any("bigamy" in title for title in period.low_items)
    assert len(period.waiting_items) >= 4 and all("Red alert" in t for t in period.waiting_items)
    police = next(t for t in result.teams if t.team == POLICE)
    assert police.hours["low"] >= 40 and police.hours["high"] == 0
    assert police.past_due_now["high"] >= 4
    mash = next(t for t in result.teams if t.team == "MASH")
    assert mash.hours["high"] > 0 and mash.past_due_now["high"] == 0
    text = "\n".join(analytics_lines(result))
    assert "Police child protection unit" in text and "bigamy" in text


def test_the_scenario_escalates_neglected_high_harm_work_only(session: Session) -> None:
    """Issue 13: escalation should mean something, so what escalates is the police unit's
    high-harm work left waiting, taken on or not, and nothing else: the low-harm theft file past
    due is shown, not escalated, and the MASH, which works by harm, has nothing escalated.

    Until session 17 (rel17b) the sergeant's taking on two reds stopped their escalation for
    ever; one he still holds undecided five days on now counts as escalated."""
    summary = load_displacement_scenario(session, now=NOW, config=CONFIG)
    assert summary.escalations > 0
    loads = {load.team: load for load in escalation_load(session, config=CONFIG, now=NOW)}
    police = loads[POLICE]
    escalated_now = police.to_team_manager + police.to_head_of_service
    waiting = session.scalars(
        select(TriageItem).where(
            TriageItem.team == POLICE,
            TriageItem.status.in_(("open", "acknowledged")),
            TriageItem.harm_days >= CONFIG.escalate_from_harm_days,
            TriageItem.due_at < NOW,
        )
    ).all()
    assert any(item.status == "acknowledged" for item in waiting)
    assert escalated_now == len(waiting) > 0
    assert police.past_due_not_escalated >= 1  # the theft file
    assert sum(load.to_team_manager + load.to_head_of_service for load in loads.values()) == escalated_now


def test_the_scenario_has_referrals_from_health_for_what_you_reported(session: Session) -> None:
    """Seen in the browser walk: the demo's health visitor found "What you reported" empty, as no
    work named her agency as referrer. The scenario has one referral decided on time, one open."""
    load_displacement_scenario(session, now=NOW, config=CONFIG)
    rows = reported_by(session, referrer="health", now=NOW)
    assert [r.kind for r in rows] == ["Referral decision", "Referral decision"]
    assert [r.timeliness.state for r in rows] == ["due", "on time"], [r.timeliness for r in rows]
    assert rows[1].decision == "Strategy discussion held or convened" and rows[0].decision is None


def test_the_scenario_is_seeded_and_loads_once(session: Session) -> None:
    first = load_displacement_scenario(session, now=NOW, config=CONFIG, seed=7)
    again = load_displacement_scenario(session, now=NOW, config=CONFIG, seed=7)
    assert again.items == 0 and "already loaded" in again.lines[0]
    hours = session.scalar(select(func.sum(TriageWorkLog.hours)))
    assert hours == first.hours
    escalated = session.scalar(
        select(func.count()).select_from(TriageEvent).where(TriageEvent.kind == "escalated")
    )
    assert escalated == first.escalations


def test_same_seed_same_scenario(session: Session) -> None:
    load_displacement_scenario(session, now=NOW, config=CONFIG, seed=11)
    rows = session.execute(
        select(TriageItem.title, TriageItem.opened_at, TriageItem.status).order_by(TriageItem.id)
    )
    first = [tuple(r) for r in rows]
    hours = [h for (h,) in session.execute(select(TriageWorkLog.hours).order_by(TriageWorkLog.id))]
    session.execute(delete(TriageWorkLog))
    session.execute(delete(TriageEvent))
    session.execute(delete(TriageItem))
    load_displacement_scenario(session, now=NOW, config=CONFIG, seed=11)
    rows = session.execute(
        select(TriageItem.title, TriageItem.opened_at, TriageItem.status).order_by(TriageItem.id)
    )
    assert [tuple(r) for r in rows] == first
    assert [h for (h,) in session.execute(select(TriageWorkLog.hours).order_by(TriageWorkLog.id))] == hours


def test_the_escalation_dashboard_counts_escalations_and_what_was_not_pushed_up(session: Session) -> None:
    """The scenario's bigamy file past due is counted, not escalated; the waiting reds are escalated."""
    now = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)
    load_displacement_scenario(session, now=now)
    loads = {e.team: e for e in escalation_load(session, config=TriageConfig(), now=now)}
    police = loads["Police child protection unit"]
    assert police.to_team_manager + police.to_head_of_service >= 1 and police.past_due_not_escalated >= 1
    assert "MASH" not in loads or loads["MASH"].to_team_manager + loads["MASH"].to_head_of_service == 0


def test_the_scenario_says_why_an_alert_weighs_what_it_does_in_plain_english(session: Session) -> None:
    load_displacement_scenario(session, now=NOW, config=CONFIG)
    sources = set(session.scalars(select(TriageItem.harm_source).where(TriageItem.kind == "alert")))
    assert any(s.startswith("An amber alert counts as") for s in sources)
    assert not any(s.startswith("A amber") for s in sources)


def test_a_displacement_period_is_dated_without_leading_zeros() -> None:
    """Seen in the browser walk: "23 Nov to 02 Dec 2026", where every other date reads "2 Dec"."""
    period = DisplacementPeriod(
        team="MASH", start=date(2026, 11, 23), end=date(2026, 12, 2), displaced_days=8, low_hours=59.5,
        low_items=("Police investigation",), waiting_items=("Red alert",), max_waiting=1,
        longest_overdue=timedelta(days=1),
    )  # fmt: skip
    assert period.sentence.startswith("MASH, 23 Nov to 2 Dec 2026: ")
    single = DisplacementPeriod(
        team="MASH", start=date(2026, 12, 2), end=date(2026, 12, 2), displaced_days=1, low_hours=1,
        low_items=("x",), waiting_items=("y",), max_waiting=1, longest_overdue=timedelta(hours=1),
    )  # fmt: skip
    assert single.sentence.startswith("MASH, 2 Dec 2026: ")
