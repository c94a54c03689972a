"""Subject access export (third parties redacted, audited) and retention (dry run by default)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file
from alarmbell.privacy.sar import REDACTED, subject_access_export
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import AuditEntry, EventRecordRow, PersonRecordRow
from tests.helpers import event, person, relationship, write_jsonl

ROWS = [
    person("C1", given_name="Ava", family_name="Reed", dob="2015-01-01", nhs_number="9434765919"),
    person("M1", given_name="Nadia", family_name="Reed", dob="1980-02-02", nhs_number="9434765870"),
    person("X1", given_name="Old", family_name="Timer", dob="1940-03-03", postcode="ZZ1 1ZZ"),
    relationship("R1", "M1", "C1", "mother"),
    event(
        "E1",
        ["C1", "M1"],
        occurred_at="2025-06-01",
        text="Nadia Reed (NHS 9434765870) said Ava was scared; M1 was drunk.",
        attrs={"victim": "M1", "note": "Nadia"},
    ),  # fmt: skip
    event("E2", ["M1"], occurred_at="2025-06-02", text="Nadia's own appointment"),
    event("E3", ["X1"], occurred_at="1990-01-01", text="Old Timer's old record"),
]


def _store(engine: Engine, tmp_path: Path) -> dict[str, int]:
    ingest_file(engine=engine, path=write_jsonl(tmp_path / "rows.jsonl", ROWS))
    from alarmbell.identity import person_ids_for_records

    with session_scope(engine) as session:
        link_people(session)
        found = person_ids_for_records(session, [("police", "C1"), ("police", "M1"), ("police", "X1")])
    return {key[1]: value for key, value in found.items()}


def test_export_holds_the_childs_data_with_third_parties_redacted(
    engine: Engine, tmp_path: Path, store_settings: Settings
) -> None:
    ids = _store(engine, tmp_path)
    with session_scope(engine) as session:
        data = subject_access_export(session, ids["C1"])
    assert data is not None
    assert [r["source_id"] for r in data["records"]] == ["C1"]
    assert [e["source_id"] for e in data["events"]] == ["E1"], (
        "the mother's own events are not the child's data"
    )
    shared = data["events"][0]["details"]
    assert "Ava was scared" in shared["text"]
    text = json.dumps(data)
    for third_party in ("Nadia", "9434765870", "M1", "1980-02-02"):
        assert third_party not in text, third_party
    assert REDACTED in shared["text"] and shared["attrs"]["victim"] == REDACTED
    assert data["relationships"] == [{"agency": "police", "kind": "mother", "from": REDACTED, "to": "C1"}]
    result = CliRunner().invoke(
        app, ["sar", "export", str(ids["C1"])], env={"ALARMBELL_DATABASE_URL": store_settings.database_url}
    )
    assert result.exit_code == 0 and "Ava" in result.output and "Nadia" not in result.output
    with session_scope(engine) as session:
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "person.sar_export")).one()
        assert audited.subject_id == str(ids["C1"])


def test_retention_reports_by_default_and_deletes_only_when_told(
    engine: Engine, tmp_path: Path, store_settings: Settings
) -> None:
    ids = _store(engine, tmp_path)
    env = {"ALARMBELL_DATABASE_URL": store_settings.database_url}
    report = CliRunner().invoke(app, ["retention", "purge"], env=env)
    assert report.exit_code == 0 and f"person {ids['X1']}:" in report.output and "dry run" in report.output
    assert f"person {ids['C1']}:" not in report.output and f"person {ids['M1']}:" not in report.output
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(PersonRecordRow)) == 3
    applied = CliRunner().invoke(app, ["retention", "purge", "--apply"], env=env)
    assert applied.exit_code == 0 and "1 people deleted" in applied.output
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(PersonRecordRow)) == 2
        assert "E3" not in set(session.scalars(select(EventRecordRow.source_id)))
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "retention.purge")).one()
