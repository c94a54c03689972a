"""Command-line lists that name children are views of them, as their web pages are: each writes
the web's audit action with the ids it printed, as `cli:<login>`, and `alarmbell audit
who-viewed` reports it (docs/security.md, "The audit log")."""

from __future__ import annotations

import getpass

import pytest
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope


@pytest.mark.parametrize(
    ("command", "action"),
    [
        (["alerts"], "alerts.list"),
        (["triage", "queue", "--team", "MASH"], "triage.queue"),
        (["triage", "queue", "--team", "MASH", "--json"], "triage.queue"),
        (["triage", "reported", "alarmbell early warning"], "triage.reported"),
        (["triage", "unanswered"], "reports.unanswered"),
        (["triage", "unanswered", "--json"], "reports.unanswered"),
        (["identity", "review", "list"], "identity.review_list"),
    ],
)
def test_a_list_printed_at_the_command_line_is_listed_by_who_viewed(
    store_settings: Settings, ava: int, command: list[str], action: str
) -> None:
    """Before: each printed Ava's name (or her work item's title) and wrote no audit entry."""
    from alarmbell.audit import who_viewed

    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "Ava" in result.output or "Lowe" in result.output, result.output
    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:
            seen = [
                (v.actor, v.action, v.detail.get("scope"))
                for v in who_viewed(session, [ava])
                if v.action == action
            ]
    finally:
        engine.dispose()
    assert seen == [(f"cli:{getpass.getuser()}", action, "full")], "the command line sees whole records"


def test_the_list_of_teams_names_nobody(store_settings: Settings, ava: int) -> None:
    """`triage queue` without a team prints the teams and their counts: no entry."""
    from alarmbell.audit import who_viewed

    result = CliRunner().invoke(app, ["triage", "queue"])
    assert result.exit_code == 0 and "MASH" in result.output, result.output
    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:
            assert [v.action for v in who_viewed(session, [ava]) if v.action == "triage.queue"] == []
    finally:
        engine.dispose()
