"""A leaver's work goes back to the queue: disabling an account hands back what they had taken on.

Taken on, an item stops escalating. Before, a red alert taken on by someone whose account was
then disabled stayed "taken on" by them for ever: they could not act on it, it never escalated,
and the queue said someone held it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.testclient import TestClient
from typer.testing import CliRunner

from alarmbell.access import create_user
from alarmbell.cli import app as cli
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.triage import TriageConfig, acknowledge, audit_trail, escalate_overdue, get_item
from alarmbell.web.pages.triage_data import build_item_page
from tests.auth_support import form_token, sign_in
from tests.triage.conftest import add, alert_item


def test_disabling_an_account_on_the_web_hands_its_work_back_and_it_escalates(empty_app: FastAPI) -> None:
    engine: Engine = empty_app.state.engine
    opened = datetime.now(UTC) - timedelta(minutes=30)
    with session_scope(engine) as session:
        red = add(session, alert_item("red-held-by-a-leaver", opened))
    with TestClient(empty_app) as analyst, TestClient(empty_app) as admin:
        leaver = sign_in(analyst, role="mash_analyst", agency="children_social_care", team="MASH")
        taken = analyst.post(
            f"/triage/items/{red}/acknowledge",
            data={"csrf_token": form_token(analyst)},
            follow_redirects=False,
        )
        assert taken.status_code == 303
        sign_in(admin, role="admin")
        gone = admin.post(
            f"/admin/users/{leaver.id}/disable", data={"csrf_token": form_token(admin)}, follow_redirects=True
        )
        assert "Work they had taken on and not decided is back in its team" in gone.text
    later = opened + timedelta(days=2)
    with session_scope(engine) as session:
        row = get_item(session, red)
        assert (row.status, row.owner, row.acknowledged_by) == ("open", None, leaver.name)
        made = escalate_overdue(session, config=TriageConfig(), now=later)
        assert [e.to for e in made] == ["team_manager", "head_of_service"]
        [back] = [e for e in audit_trail(session, red) if e.kind == "handed_back"]
        assert back.detail["from"] == leaver.name
        history = {r.kind: r.detail for r in build_item_page(session, item_id=red, now=later).audit}
    assert history["handed back"] == (
        f"back to the queue from {leaver.name}: {leaver.name}'s account was disabled"
    )


def test_disabling_at_the_command_line_says_which_items_went_back(
    engine: Engine, store_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        create_user(session, username="sam", role="mash_analyst", agency="children_social_care", team="MASH")
        held, decided_elsewhere = add(session, alert_item("a", now)), add(session, alert_item("b", now))
        acknowledge(session, item_id=held, by="sam", now=now)
        acknowledge(session, item_id=decided_elsewhere, by="kim", now=now)
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    result = CliRunner().invoke(cli, ["users", "disable", "sam"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "disabled sam",
        f"back in its team's queue, as sam can no longer act on it: item {held} (MASH)",
    ]
    with session_scope(engine) as session:
        assert get_item(session, held).status == "open"
        assert get_item(session, decided_elsewhere).owner == "kim"
