"""Re-ingesting a file that holds several versions of one record changes nothing.

A file may carry an event and, further down, its correction (the same agency and source id
twice). The first ingest stores both versions in file order; ingesting the file again must find
both already stored, not store the first again and then the second again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from alarmbell.ingest.dry_run import check_file
from alarmbell.ingest.service import IngestSummary, default_registry, ingest_file
from alarmbell.storage.tables import (
    EvaluationDue,
    EventParty,
    EventRecordRow,
    PersonRecordRow,
    RecordHistory,
    RelationshipRecordRow,
)
from tests.helpers import event, person, relationship, write_jsonl

#: Every table an ingest writes records, versions or evaluation marks to.
WRITTEN = (PersonRecordRow, RelationshipRecordRow, EventRecordRow, EventParty, RecordHistory, EvaluationDue)


def _ingest(engine: Engine, path: Path, *, chunk_size: int = 5000) -> tuple[IngestSummary, list[str]]:
    messages: list[str] = []
    summary = ingest_file(engine=engine, path=path, chunk_size=chunk_size, report=messages.append)
    return summary, messages


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every written table, in primary key order."""
    with engine.connect() as connection:
        return {
            table.__tablename__: [
                tuple(row)
                for row in connection.execute(select(table.__table__).order_by(*table.__table__.primary_key))
            ]
            for table in WRITTEN
        }


def _versioned_file(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "corrected.jsonl",
        [
            person("P1"),
            person("P2", given_name="Ben", sex="M"),
            event("E1", ["P1"], text="first account"),
            relationship("R1", "P1", "P2", "sibling"),
            person("P1", given_name="Amelia"),
            event("E1", ["P1", "P2"], text="corrected account"),
        ],
    )


def test_reingesting_a_file_with_two_versions_of_a_record_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    path = _versioned_file(tmp_path)
    first, _ = _ingest(engine, path)
    assert (first.accepted, first.unchanged) == (6, 0)
    before = _snapshot(engine)
    assert len(before["record_history"]) == 2

    again, messages = _ingest(engine, path)

    assert (again.accepted, again.rejected, again.unchanged) == (0, 0, 6)
    assert again.line == "0 accepted, 0 rejected, 6 unchanged"
    assert messages == []
    assert _snapshot(engine) == before


def test_reingest_changes_nothing_when_each_version_is_its_own_chunk(engine: Engine, tmp_path: Path) -> None:
    path = _versioned_file(tmp_path)
    _ingest(engine, path, chunk_size=1)
    before = _snapshot(engine)
    again, _ = _ingest(engine, path, chunk_size=1)
    assert (again.accepted, again.unchanged) == (0, 6)
    assert _snapshot(engine) == before


def test_a_new_version_in_a_later_file_still_applies(engine: Engine, tmp_path: Path) -> None:
    _ingest(engine, _versioned_file(tmp_path))
    _ingest(engine, _versioned_file(tmp_path))
    due_before = len(_snapshot(engine)["evaluation_due"])

    later = write_jsonl(tmp_path / "later.jsonl", [event("E1", ["P1", "P2"], text="third account")])
    summary, _ = _ingest(engine, later)

    assert (summary.accepted, summary.unchanged) == (1, 0)
    with engine.connect() as connection:
        current = connection.execute(select(EventRecordRow)).one()
        history = connection.execute(
            select(RecordHistory.version, RecordHistory.payload)
            .where(RecordHistory.record_type == "event")
            .order_by(RecordHistory.version)
        ).all()
        due = connection.execute(select(EvaluationDue.source_id)).scalars().all()
    assert (current.version, current.payload["text"]) == (3, "third account")
    assert [(v, p["text"]) for v, p in history] == [(1, "first account"), (2, "corrected account")]
    assert len(due) > due_before and {"P1", "P2"} <= set(due[due_before:])


def test_an_older_version_sent_again_alone_does_not_roll_the_record_back(
    engine: Engine, tmp_path: Path
) -> None:
    _ingest(engine, _versioned_file(tmp_path))
    before = _snapshot(engine)

    stale = write_jsonl(tmp_path / "stale.jsonl", [person("P1"), event("E1", ["P1"], text="first account")])
    summary, _ = _ingest(engine, stale)

    assert (summary.accepted, summary.unchanged) == (0, 2)
    assert _snapshot(engine) == before
    with engine.connect() as connection:
        names = connection.execute(select(PersonRecordRow.given_name).order_by(PersonRecordRow.given_name))
        assert names.scalars().all() == ["Amelia", "Ben"]
        assert connection.execute(select(EventRecordRow.payload)).scalar_one()["text"] == "corrected account"


def test_check_counts_a_file_with_two_versions_as_ingest_does(engine: Engine, tmp_path: Path) -> None:
    path = _versioned_file(tmp_path)
    stale = write_jsonl(tmp_path / "stale.jsonl", [person("P1"), event("E1", ["P1"], text="first account")])
    before = check_file(path=path, registry=default_registry(), engine=engine)
    first, _ = _ingest(engine, path)
    assert (before.accepted, before.unchanged) == (first.accepted, first.unchanged) == (6, 0)

    again = check_file(path=path, registry=default_registry(), engine=engine)
    older = check_file(path=stale, registry=default_registry(), engine=engine)

    assert (again.accepted, again.unchanged) == (0, 6)
    assert (older.accepted, older.unchanged) == (0, 2)
