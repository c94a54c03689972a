"""`alarmbell triage ...` on a real store, with the clock given on the command line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings

from .conftest import add, alert_item

NOW = "2026-11-27T12:00:00+00:00"


@pytest.fixture
def runner(store_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    return CliRunner()


def run(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["triage", *args])
    assert result.exit_code == code, result.output
    return result.output


def test_cli_from_scenario_to_analytics(runner: CliRunner, tmp_path: Path) -> None:
    assert "work items" in run(runner, "scenario", "--now", NOW)
    teams = run(runner, "queue", "--now", NOW)
    assert "Police child protection unit" in teams
    queue = run(runner, "queue", "--team", "Police child protection unit", "--now", NOW)
    first = next(line for line in queue.splitlines()[1:] if " open " in line)
    assert "Red alert" in first and "high" in first
    item = first.split("item ")[1].split()[0]
    nfa = ["decide", item, "--decision", "no_further_action", "--rationale", "nfa", "--by", "DS Patel"]
    assert "needs a reason" in run(runner, *nfa, "--now", NOW, code=2)
    run(runner, "ack", item, "--by", "DS Patel", "--now", NOW)
    log = ["log-time", item, "--hours", "2", "--person", "DC Okafor", "--worked-on", "2026-11-26"]
    assert "logged 2 hours" in run(runner, *log, "--now", NOW)
    csv = tmp_path / "hours.csv"
    csv.write_text(
        f"item_id,person,hours,worked_on\n{item},DC Okafor,1,2026-11-26\n{item},DC Okafor,x,2026-11-26\n"
    )
    result = runner.invoke(app, ["triage", "import-time", str(csv), "--by", "clerk", "--now", NOW])
    assert result.exit_code == 1 and "1 accepted, 1 rejected" in result.output
    analytics = run(runner, "analytics", "--now", NOW)
    assert "Displacement" in analytics and "bigamy" in analytics
    assert "escalations" in run(runner, "escalate", "--now", "2026-12-31T00:00:00Z")
    assert "not yet decided" in run(runner, "reported", "alarmbell early warning", "--now", NOW)


def test_now_must_have_a_time_zone(runner: CliRunner) -> None:
    assert "time zone" in run(runner, "escalate", "--now", "2026-11-27T12:00:00", code=2)


def test_a_scenario_and_an_escalation_run_by_hand_leave_a_chain_that_verifies(
    runner: CliRunner, store_settings: Settings
) -> None:
    """Opening, escalating and logging time went to triage_event only; now each is in the hash
    chain, and `alarmbell audit verify` checks it. A run of `triage escalate` by hand is the
    system's step, and says who ran it."""
    import getpass

    from sqlalchemy import func, select

    from alarmbell.storage.db import make_engine, session_scope
    from alarmbell.storage.tables import AuditEntry, TriageEvent

    run(runner, "scenario", "--now", NOW)
    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:
            add(session, alert_item("late-red", datetime.fromisoformat(NOW)))
        said = run(runner, "escalate", "--now", "2026-12-31T00:00:00Z")
        # The late red nobody took on, and the referral a MASH worker took on in the scenario and
        # has not decided a month on: each to the team manager and the head of service.
        assert "4 escalations" in said and said.count("took this on") == 2, said
        verified = runner.invoke(app, ["audit", "verify"])
        assert verified.exit_code == 0, verified.output
        with session_scope(engine) as session:
            trail = session.scalar(select(func.count()).select_from(TriageEvent)) or 0
            chained = list(session.scalars(select(AuditEntry).where(AuditEntry.action.startswith("triage."))))
    finally:
        engine.dispose()
    assert len(chained) == trail > 0
    by_hand = [e for e in chained if e.action == "triage.escalated" and "run_by" in e.detail]
    assert by_hand and {(e.actor, e.actor_role, e.detail["run_by"]) for e in by_hand} == {
        ("alarmbell", "system", f"cli:{getpass.getuser()}")
    }


def test_acknowledging_and_deciding_at_the_command_line_are_audited_as_the_cli(
    runner: CliRunner, store_settings: Settings
) -> None:
    """The audit log tells a step taken at the command line from one taken on the web: its actor
    is `cli:<login>`, as for every other command, and the person named with --by is kept beside
    it; the item's history names that person and says the step came from the command line."""
    import getpass

    from sqlalchemy import select

    from alarmbell.storage.db import make_engine, session_scope
    from alarmbell.storage.tables import AuditEntry, TriageEvent
    from alarmbell.web.pages.triage_data import build_item_page

    cli = f"cli:{getpass.getuser()}"
    moment = datetime.fromisoformat(NOW)
    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:
            acked = add(session, alert_item("ack-me", moment))
            decided = add(session, alert_item("decide-me", moment, level="amber"))
        run(runner, "ack", str(acked), "--by", "DS Patel", "--now", NOW)
        why = ["--decision", "action_taken", "--rationale", "Visited; safety plan agreed"]
        run(runner, "decide", str(decided), *why, "--by", "SW Ahmed", "--now", NOW)
        with session_scope(engine) as session:
            chained = list(
                session.scalars(
                    select(AuditEntry).where(AuditEntry.action.in_(["triage.acknowledged", "triage.decided"]))
                )
            )
            trail = list(session.scalars(select(TriageEvent).where(TriageEvent.kind != "created")))
            history = [row.by for row in build_item_page(session, item_id=acked, now=moment).audit]
    finally:
        engine.dispose()
    assert sorted((e.action, e.actor, e.detail.get("by")) for e in chained) == [
        ("triage.acknowledged", cli, "DS Patel"),
        ("triage.acknowledged", cli, "SW Ahmed"),
        ("triage.decided", cli, "SW Ahmed"),
    ]
    assert {(t.by, t.detail.get("via")) for t in trail} == {("DS Patel", cli), ("SW Ahmed", cli)}
    assert f"DS Patel (at the command line, as {cli})" in history


def test_time_logged_or_imported_at_the_command_line_is_audited_as_the_cli(
    runner: CliRunner, store_settings: Settings, tmp_path: Path
) -> None:
    """Hours recorded with `log-time` or `import-time` are the actor `cli:<login>` in the audit
    log, like `ack` and `decide`; who recorded them (the login, or the name given with --by) is
    kept as `by`, and who did the work as `worked_by`."""
    import getpass

    from sqlalchemy import select

    from alarmbell.storage.db import make_engine, session_scope
    from alarmbell.storage.tables import AuditEntry, TriageEvent

    login = getpass.getuser()
    moment = datetime.fromisoformat(NOW)
    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:
            item = add(session, alert_item("hours", moment))
        log = ["log-time", str(item), "--hours", "2", "--person", "DC Okafor", "--worked-on", "2026-11-26"]
        run(runner, *log, "--now", NOW)
        csv = tmp_path / "hours.csv"
        csv.write_text(f"item_id,person,hours,worked_on\n{item},PC Reyes,1,2026-11-26\n")
        run(runner, "import-time", str(csv), "--by", "Clerk Jones", "--now", NOW)
        with session_scope(engine) as session:
            chained = list(
                session.scalars(select(AuditEntry).where(AuditEntry.action == "triage.time_logged"))
            )
            trail = list(session.scalars(select(TriageEvent).where(TriageEvent.kind == "time_logged")))
    finally:
        engine.dispose()
    cli = f"cli:{login}"
    assert len(chained) == 2 and {(e.actor, e.detail.get("by"), e.detail["worked_by"]) for e in chained} == {
        (cli, "Clerk Jones", "PC Reyes"),
        (cli, login, "DC Okafor"),
    }
    assert {(t.by, t.detail.get("via")) for t in trail} == {("Clerk Jones", cli), (login, cli)}


def test_a_decision_typed_in_another_case_or_spacing_is_the_vocabularys(
    runner: CliRunner, store_settings: Settings
) -> None:
    """`--decision "Action Taken"` is `action_taken`, as agencies are read; a value that is no
    decision is refused with the decisions listed."""
    from alarmbell.storage.db import make_engine, session_scope

    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:
            item = add(session, alert_item("typed", datetime.fromisoformat(NOW)))
    finally:
        engine.dispose()
    why = ["--rationale", "Visited; safety plan agreed", "--now", NOW]
    refused = " ".join(run(runner, "decide", str(item), "--decision", "actioned", *why, code=2).split())
    assert "decision 'actioned' is not a triage decision; use one of: referral_made, action_taken" in refused
    assert "(case and spacing do not matter)" in refused
    assert f"item {item}: action_taken by" in run(
        runner, "decide", str(item), "--decision", "Action Taken", *why
    )


def _item(store_settings: Settings, key: str) -> int:
    from alarmbell.storage.db import make_engine, session_scope

    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:
            return add(session, alert_item(key, datetime.fromisoformat(NOW)))
    finally:
        engine.dispose()


def test_a_team_typed_in_another_case_shows_that_teams_queue(
    runner: CliRunner, store_settings: Settings
) -> None:
    """The team list says `MASH` and `users create --team` suggests `mash`: `--team mash` is the
    MASH's queue, as the web reads a user's team, not an empty queue of a team nobody has."""
    item = _item(store_settings, "team-case")
    queue = run(runner, "queue", "--team", "mash", "--now", NOW)
    assert queue.startswith("MASH: 1 open"), queue
    assert f"item {item}" in queue


def test_a_team_with_no_work_at_all_is_refused_with_the_teams_to_choose_from(
    runner: CliRunner, store_settings: Settings
) -> None:
    _item(store_settings, "team-unknown")
    refused = " ".join(run(runner, "queue", "--team", "nosuch", "--now", NOW, code=2).split())
    assert "no team 'nosuch' has work items" in refused
    assert "MASH" in refused and "alarmbell triage queue" in refused


def test_closing_a_red_alert_with_no_further_action_says_it_awaits_a_countersignature(
    runner: CliRunner, store_settings: Settings
) -> None:
    """From anyone but a team manager the decision is only proposed: the command says so, rather
    than printing it as the decision."""
    item = _item(store_settings, "nfa-red")
    why = ["--rationale", "Injury explained by nursery accident form; child seen alone", "--now", NOW]
    said = " ".join(run(runner, "decide", str(item), "--decision", "no_further_action", *why).split())
    assert f"item {item}: no_further_action proposed by" in said
    assert "countersignature" in said and "team manager" in said


def test_the_decision_help_lists_every_decision(runner: CliRunner) -> None:
    from alarmbell.triage.service import DECISIONS

    help_text = " ".join(runner.invoke(app, ["triage", "decide", "--help"]).output.split())
    for code in DECISIONS:
        assert code in help_text, code


@pytest.mark.parametrize(
    "args",
    [
        ["triage", "analytics", "--days", "0"],
        ["triage", "analytics", "--days", "-5"],
        ["triage", "queue", "--team", "MASH", "--limit", "-1"],
        ["identity", "review", "list", "--limit", "-1"],
    ],
)
def test_a_count_below_one_is_refused(runner: CliRunner, args: list[str]) -> None:
    """`analytics --days 0` printed "Workload 2026-12-05 to 2026-12-04", a window ending before it
    began; a negative `--limit` listed everything (identity) or nothing (triage)."""
    result = runner.invoke(app, [*args, "--now", NOW] if args[0] == "triage" else args)
    assert result.exit_code == 2, result.output
    assert args[-2] in result.output


@pytest.mark.parametrize("rationale", ["x", ".", "?!", "-- "])
def test_no_further_action_needs_words_not_a_mark(
    runner: CliRunner, store_settings: Settings, rationale: str
) -> None:
    """`--rationale x` or `.` closed an alert with "no further action" (only "nfa", "n/a" and the
    like were refused): the help says it needs a real reason."""
    item = _item(store_settings, f"nfa-mark-{rationale!r}")
    args = ["decide", str(item), "--decision", "no_further_action", "--rationale", rationale]
    assert "needs a reason" in " ".join(run(runner, *args, "--now", NOW, code=2).split())


def test_analytics_at_the_command_line_are_a_list_of_the_children_they_name(
    runner: CliRunner, store_settings: Settings
) -> None:
    """The displacement names the low-harm work by title, and titles name children: printing it
    is a list of them in the audit log (`triage.analytics`), which who-viewed reports. The red
    alerts that waited are only counted, so their children are not listed."""
    import getpass

    from sqlalchemy import update

    from alarmbell.audit import who_viewed
    from alarmbell.storage.db import make_engine, session_scope
    from alarmbell.storage.tables import TriageItem

    run(runner, "scenario", "--now", NOW)
    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:  # the police unit's offences about 4242, its alerts 5151
            police = TriageItem.team == "Police child protection unit"
            for alerts, child in ((False, 4242), (True, 5151)):
                about = TriageItem.alert_level.is_not(None) if alerts else TriageItem.alert_level.is_(None)
                session.execute(update(TriageItem).where(police, about).values(person_id=child))
        assert "bigamy" in run(runner, "analytics", "--now", NOW)
        with session_scope(engine) as session:
            seen = {child: who_viewed(session, [child]) for child in (4242, 5151)}
    finally:
        engine.dispose()
    listed = [(v.actor, v.action, v.detail["people"]) for v in seen[4242]]
    assert listed == [(f"cli:{getpass.getuser()}", "triage.analytics", [4242])]
    assert seen[5151] == []
