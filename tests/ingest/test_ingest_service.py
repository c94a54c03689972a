"""Ingest of the exchange format: good lines kept, bad lines reported precisely, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, func, select

from alarmbell.ingest.service import IngestSummary, ingest_file
from alarmbell.storage.tables import (
    EventRecordRow,
    PersonRecordRow,
    QuarantinedLine,
    RecordHistory,
)
from tests.helpers import event, person, relationship, write_jsonl


def _ingest(
    engine: Engine, path: Path, *, agency: str | None = None, chunk_size: int = 5000
) -> tuple[IngestSummary, list[str]]:
    messages: list[str] = []
    summary = ingest_file(
        engine=engine, path=path, agency=agency, chunk_size=chunk_size, report=messages.append
    )
    return summary, messages


def _count(engine: Engine, table: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_demo_case_ingests_whole_and_again_unchanged(engine: Engine, demo_case: Path) -> None:
    first, messages = _ingest(engine, demo_case)
    assert (first.accepted, first.rejected, first.unchanged) == (95, 0, 0)
    assert messages == []
    again, _ = _ingest(engine, demo_case)
    assert (again.accepted, again.rejected, again.unchanged) == (0, 0, 95)
    assert again.line == "0 accepted, 0 rejected, 95 unchanged"
    assert _count(engine, EventRecordRow) == 57
    assert _count(engine, RecordHistory) == 0


def test_changed_content_is_a_new_version_with_history(engine: Engine, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", [person("P1"), event("E1", ["P1"], text="first account")])
    _ingest(engine, tmp_path / "a.jsonl")
    write_jsonl(tmp_path / "b.jsonl", [person("P1"), event("E1", ["P1"], text="corrected account")])
    summary, _ = _ingest(engine, tmp_path / "b.jsonl")
    assert (summary.accepted, summary.unchanged) == (1, 1)
    with engine.connect() as connection:
        current = connection.execute(select(EventRecordRow)).one()
        history = connection.execute(select(RecordHistory)).one()
    assert current.version == 2 and current.payload["text"] == "corrected account"
    assert history.version == 1 and history.payload["text"] == "first account"
    assert _count(engine, EventRecordRow) == 1


def test_two_versions_in_one_file_keep_both(engine: Engine, tmp_path: Path) -> None:
    rows = [person("P1"), person("P1", given_name="Amelia")]
    summary, _ = _ingest(engine, write_jsonl(tmp_path / "a.jsonl", rows))
    assert summary.accepted == 2
    with engine.connect() as connection:
        assert connection.execute(select(PersonRecordRow.given_name, PersonRecordRow.version)).one() == (
            "Amelia",
            2,
        )
    assert _count(engine, RecordHistory) == 1


def _rejections(engine: Engine, tmp_path: Path, bad: bytes | str | dict[str, object]) -> list[str]:
    path = write_jsonl(tmp_path / "in.jsonl", [person("P1"), bad, event("E1", ["P1"])])
    summary, messages = _ingest(engine, path)
    assert summary.accepted == 2, "good lines around a bad one must be kept"
    assert summary.rejected == 1
    assert _count(engine, QuarantinedLine) == 1
    return messages


def test_invalid_json_names_file_line_and_expectation(engine: Engine, tmp_path: Path) -> None:
    [message] = _rejections(engine, tmp_path, '{"type": "person", "agency": ')
    assert message.startswith(f"{tmp_path / 'in.jsonl'}:2: (line): invalid JSON")
    assert "expected one JSON object per line" in message


def test_bytes_that_are_not_utf8_are_rejected_and_kept_raw(engine: Engine, tmp_path: Path) -> None:
    raw = b'{"type": "person", "agency": "police", "source_id": "P9", "given_name": "Ren\xe9e"}\n'
    [message] = _rejections(engine, tmp_path, raw)
    assert ":2: (line): bytes that are not UTF-8" in message and "re-export the file as UTF-8" in message
    with engine.connect() as connection:
        assert connection.execute(select(QuarantinedLine.raw)).scalar_one() == raw


def test_unknown_kind_and_agency(engine: Engine, tmp_path: Path) -> None:
    [message] = _rejections(engine, tmp_path, event("E2", ["P1"], kind="burglary"))
    assert ":2: kind: 'burglary' (expected an event kind from the vocabulary" in message


def test_unknown_agency(engine: Engine, tmp_path: Path) -> None:
    [message] = _rejections(engine, tmp_path, person("P2", agency="fire_service"))
    assert ":2: agency: 'fire_service' (expected one of children_social_care, education" in message


def test_bad_date(engine: Engine, tmp_path: Path) -> None:
    [message] = _rejections(engine, tmp_path, event("E2", ["P1"], occurred_at="2011-02-30"))
    assert ":2: occurred_at: '2011-02-30' is not a valid ISO date (expected YYYY-MM-DD" in message


def test_missing_required_field_and_wrong_type(engine: Engine, tmp_path: Path) -> None:
    bad = event("E2", ["P1"])
    del bad["occurred_at"]
    [message] = _rejections(engine, tmp_path, bad)
    assert message.endswith(":2: occurred_at: missing (expected a string)")


def test_wrong_type_of_subjects(engine: Engine, tmp_path: Path) -> None:
    [message] = _rejections(engine, tmp_path, event("E2", "P1"))  # type: ignore[arg-type]
    assert ":2: subjects: 'P1' (expected a list of person source_ids" in message


def test_bad_dob_and_nhs_number(engine: Engine, tmp_path: Path) -> None:
    [message] = _rejections(engine, tmp_path, person("P2", dob="2007-07-32"))
    assert ":2: dob: '2007-07-32' (expected YYYY-MM-DD, YYYY-MM or YYYY)" in message


def test_invalid_nhs_check_digit_is_a_warning_not_a_loss(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [person("P1", agency="health", nhs_number="2945183219")])
    summary, messages = _ingest(engine, path)
    assert summary.accepted == 1
    assert messages == [
        f"{path}:1: nhs_number: warning: 2945183219 fails the check digit; kept but never matched on"
    ]


def test_truncated_last_line(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [person("P1"), b'{"type": "event", "agency": "pol'])
    summary, messages = _ingest(engine, path)
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert messages == [
        f"{path}:2: (line): the last line is truncated: the file ends in the middle of a record "
        "(expected a complete JSON object; was the file cut short in transfer?)"
    ]


def test_event_naming_unsent_person_is_held_then_released(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [person("P1"), event("E1", ["P1"], others=["P7"])])
    summary, messages = _ingest(engine, path)
    assert (summary.accepted, summary.held) == (2, 1)
    assert messages == [
        f"{path}:2: subjects: event E1 names person record P7, which police has not sent; "
        "the event is held until that record arrives"
    ]
    with engine.connect() as connection:
        assert connection.execute(select(EventRecordRow.held)).scalar_one() is True
    later = write_jsonl(tmp_path / "b.jsonl", [person("P7", given_name="Dan", dob="1990-01-01")])
    summary, messages = _ingest(engine, later)
    assert summary.released == 1
    with engine.connect() as connection:
        assert connection.execute(select(EventRecordRow.held)).scalar_one() is False


def test_event_before_its_person_in_the_same_file_is_not_held(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [event("E1", ["P1"]), person("P1")])
    summary, messages = _ingest(engine, path, chunk_size=1)
    assert (summary.accepted, summary.held, messages) == (2, 0, [])


def test_agency_option_fills_and_guards(engine: Engine, tmp_path: Path) -> None:
    line = person("P1")
    del line["agency"]
    path = write_jsonl(tmp_path / "a.jsonl", [line, person("P2", agency="health")])
    summary, messages = _ingest(engine, path, agency="police")
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert messages == [
        f"{path}:2: agency: 'health' is not the agency this upload is for (police: the --agency option, "
        "or the agency of the API token) (expected records of police only)"
    ]


def test_blank_lines_and_extra_fields(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [person("P1", local_ref="X-12"), "", "   "])
    summary, _ = _ingest(engine, path)
    assert (summary.accepted, summary.rejected) == (1, 0)
    with engine.connect() as connection:
        payload = connection.execute(select(PersonRecordRow.payload)).scalar_one()
    assert payload["local_ref"] == "X-12"


def test_relationships_and_large_chunks(engine: Engine, tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        person(f"P{i}", dob=f"20{10 + i % 9}-01-0{1 + i % 9}") for i in range(120)
    ]
    rows += [relationship(f"R{i}", f"P{i}", f"P{i + 1}", "sibling") for i in range(119)]
    rows += [event(f"E{i}", [f"P{i}"], others=[f"P{i + 1}"]) for i in range(119)]
    summary, messages = _ingest(engine, write_jsonl(tmp_path / "a.jsonl", rows), chunk_size=50)
    assert (summary.accepted, summary.rejected, summary.held, messages) == (358, 0, 0, [])
    summary, _ = _ingest(engine, tmp_path / "a.jsonl", chunk_size=7)
    assert summary.unchanged == 358


def test_quarantine_keeps_reason(engine: Engine, tmp_path: Path) -> None:
    _rejections(engine, tmp_path, json.dumps({"type": "gossip"}))
    with engine.connect() as connection:
        row = connection.execute(select(QuarantinedLine)).one()
    assert (row.line_no, row.field) == (2, "type")
    assert "expected one of event, person, relationship" in row.problem


def test_a_byte_order_mark_before_the_first_line_is_read_past(engine: Engine, tmp_path: Path) -> None:
    """Windows tools (Notepad, PowerShell) write UTF-8 with a BOM; the first record was lost."""
    path = tmp_path / "in.jsonl"
    lines = [json.dumps(row).encode() for row in (person("P1"), event("E1", ["P1"]))]
    path.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines) + b"\r\n")
    summary, messages = _ingest(engine, path)
    assert messages == []
    assert (summary.accepted, summary.rejected, summary.held) == (2, 0, 0)
