"""Helpers for the format round-trip tests: ingest a sample into the real store and read it back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from alarmbell.ingest.service import IngestSummary, ingest_file
from alarmbell.storage.tables import EventRecordRow, PersonRecordRow, QuarantinedLine, RelationshipRecordRow

HERE = Path(__file__).parent
REPO = HERE.parents[1]
DOC_SAMPLES = REPO / "docs" / "formats" / "samples"
TEST_SAMPLES = HERE / "samples"


@dataclass
class Ingested:
    summary: IngestSummary
    messages: list[str] = field(default_factory=list)

    def rejections(self) -> list[str]:
        return [m for m in self.messages if ": warning: " not in m and "is held until" not in m]


def ingest(engine: Engine, path: Path, format_name: str | None = None, agency: str | None = None) -> Ingested:
    messages: list[str] = []
    summary = ingest_file(
        engine=engine, path=path, format_name=format_name, agency=agency, report=messages.append
    )
    return Ingested(summary, messages)


def events(engine: Engine) -> dict[str, dict[str, Any]]:
    """source_id -> payload of every current event."""
    with engine.connect() as connection:
        rows = connection.execute(select(EventRecordRow.source_id, EventRecordRow.payload)).all()
    return {source_id: payload for source_id, payload in rows}


def people(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(select(PersonRecordRow.source_id, PersonRecordRow.payload)).all()
    return {source_id: payload for source_id, payload in rows}


def relationships(engine: Engine) -> set[tuple[str, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                RelationshipRecordRow.from_source_id,
                RelationshipRecordRow.to_source_id,
                RelationshipRecordRow.kind,
            )
        ).all()
    return {(a, b, k) for a, b, k in rows}


def quarantined(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as connection:
        rows = connection.execute(select(QuarantinedLine.line_no, QuarantinedLine.field)).all()
    return sorted((int(line), str(name)) for line, name in rows)
