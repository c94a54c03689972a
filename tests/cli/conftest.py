"""Shared by the command-line tests: Ava, a child on a real store, to audit views of."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import IdentityReview, PersonRecordRow
from tests.helpers import baby_at_a_domestic_incident, write_jsonl


@pytest.fixture
def ava(store_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> int:
    """Ava, a baby at a domestic incident (an amber alert, a MASH work item raised by early
    warning, unanswered), and a pair of her record with her mother's in the identity review
    queue; her person id."""
    from alarmbell.identity import find_person

    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    path = write_jsonl(
        tmp_path / "police.jsonl",
        baby_at_a_domestic_incident(),
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
