"""Command-line lists that name children are views of them, as their web pages are: each writes
the web's audit action with the ids it printed, as `cli:<login>`, and `alarmbell audit
who-viewed` reports it (docs/security.md, "The audit log")."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import IdentityReview, PersonRecordRow
from tests.helpers import event, person, relationship, write_jsonl


@pytest.fixture
def ava(store_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> int:
    """Ava, a baby at a domestic incident (an amber alert, a MASH work item raised by early
    warning, unanswered), and a pair of her record with her mother's in the identity review
    queue; her person id."""
    from alarmbell.identity import find_person

    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    path = write_jsonl(
        tmp_path / "police.jsonl",
        [
            person("S1", given_name="Ava", family_name="Lowe", dob="2024-01-05", sex="F"),
            person("S2", given_name="Jade", family_name="Lowe", dob="1999-01-05", sex="F"),
            relationship("SR", "S2", "S1", kind="mother"),
            event(
                "SE1",
                ["S2"],
                kind="domestic_incident",
                occurred_at="2025-07-01T00:30:00",
                others=["S1"],
                attrs={"dash_risk": "high", "children_present": True, "violence": "physical"},
            ),
        ],
    )
    result = CliRunner().invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:
            records = {
                s: i for s, i in session.execute(select(PersonRecordRow.source_id, PersonRecordRow.id))
            }
            session.add(
                IdentityReview(
                    record_a_id=records["S1"],
                    record_b_id=records["S2"],
                    probability=0.5,
                    match_weight=0.0,
                    model_version="test",
                    contributions=[],
                    status="pending",
                    created_at=datetime.now(UTC),
                )
            )
            return find_person(session, "police:S1")
    finally:
        engine.dispose()


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
            seen = [(v.actor, v.action) for v in who_viewed(session, [ava]) if v.action == action]
    finally:
        engine.dispose()
    assert seen == [(f"cli:{getpass.getuser()}", action)]


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
