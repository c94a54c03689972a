"""Loading records into the store is audited: who loaded which file, when, and what it did.

One hash-chained entry per batch (`ingest.batch`), written in the transaction that finishes the
batch, with counts, the batch id and the file name only: never a line's content. On a real store.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.tables import AuditEntry, IngestBatch
from tests.helpers import event, person, write_jsonl


@pytest.fixture
def runner(store_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    monkeypatch.setenv("ALARMBELL_INGEST_CHUNK_SIZE", "2")  # several transactions, one entry
    return CliRunner()


def _entries(engine: Engine) -> list[Any]:
    query = select(AuditEntry).where(AuditEntry.action == "ingest.batch").order_by(AuditEntry.seq)
    with engine.connect() as connection:
        return list(connection.execute(query))


def test_each_file_ingested_at_the_command_line_is_one_audit_entry_by_the_cli(
    runner: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    rows = [person("P1"), person("P2", given_name="Zofia"), event("E1", ["P1"]), event("E2", ["P9"])]
    police = write_jsonl(tmp_path / "police.jsonl", [*rows, event("E3", ["P1"], occurred_at="2020-02-30")])
    health = write_jsonl(tmp_path / "health.jsonl", [person("H1", agency="health")])
    result = runner.invoke(app, ["ingest", str(police), str(health), "--no-link"])
    assert result.exit_code == 1, result.output  # E3's date is rejected

    entries = _entries(engine)
    with engine.connect() as connection:
        batches = {row.source: row for row in connection.execute(select(IngestBatch))}
    assert [(e.actor, e.subject_type) for e in entries] == [(f"cli:{getpass.getuser()}", "ingest_batch")] * 2
    first = batches[str(police)]
    assert entries[0].subject_id == str(first.id)
    assert entries[0].detail == {
        "batch": first.id,
        "source": str(police),
        "accepted": 4,
        "rejected": 1,
        "unchanged": 0,
        "held": 1,
        "warnings": 0,
    }
    assert entries[1].detail["batch"] == batches[str(health)].id and entries[1].detail["accepted"] == 1
    stored = json.dumps([e.detail for e in entries])
    assert not any(word in stored for word in ("Amy", "Zofia", "Stone", "2015-03-02", "AB1 2CD", "E1"))
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0 and "intact: 2 entries" in verified.output, verified.output


def test_loading_the_same_file_again_is_audited_again(
    runner: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    """A second load changes nothing but is still someone putting a file into the store."""
    path = write_jsonl(tmp_path / "police.jsonl", [person("P1")])
    for _ in range(2):
        assert runner.invoke(app, ["ingest", str(path), "--no-link"]).exit_code == 0
    assert [(e.detail["accepted"], e.detail["unchanged"]) for e in _entries(engine)] == [(1, 0), (0, 1)]
