"""Ingesting a test file and reading back what was stored, for the intake tests that check a
reading by its messages and its stored attrs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from alarmbell.ingest.service import ingest_file
from alarmbell.storage.tables import EventRecordRow


def ingest_with_messages(engine: Engine, file: Path) -> tuple[tuple[int, int], list[str]]:
    """(accepted, rejected) and every message ingest reported, in order."""
    messages: list[str] = []
    summary = ingest_file(engine=engine, path=file, agency=None, report=messages.append)
    return (summary.accepted, summary.rejected), messages


def stored_attrs(engine: Engine, source_id: str) -> dict[str, Any]:
    """The attrs stored for one event (empty if it has none)."""
    with engine.connect() as connection:
        payload = connection.execute(
            select(EventRecordRow.payload).where(EventRecordRow.source_id == source_id)
        ).scalar_one()
    return dict(payload.get("attrs") or {})
