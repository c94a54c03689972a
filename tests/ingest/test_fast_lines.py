"""The compiled fast path (ingest/fast_lines.py) accepts only what the precise validator accepts,
and gives the same record; everything else reaches the precise validator and its wording."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from alarmbell.ingest.base import FieldError, RejectedLine, ValidRecord
from alarmbell.ingest.fast_lines import EventLine, RelationshipLine, fast_line
from alarmbell.ingest.jsonl import read_lines
from alarmbell.ingest.validate import validate, validate_precisely
from alarmbell.synth import generate

EVENT: dict[str, Any] = {
    "type": "event",
    "agency": "health",
    "source_id": "E1",
    "kind": "ed_attendance",
    "occurred_at": "2024-03-01T10:00:00Z",
    "subjects": ["P1"],
    "attrs": {"injury": "bruise", "mobile": True},
    "extra": {"kept": ["in", "the", "payload"]},
}
RELATIONSHIP: dict[str, Any] = {
    "type": "relationship",
    "agency": "health",
    "source_id": "R1",
    "from": "P2",
    "to": "P1",
    "kind": "mother",
}

#: Each a value that breaks one rule; the fast path must refuse it, the precise one words it.
BROKEN_EVENTS: list[tuple[str, Any]] = [
    ("agency", "nobody"),
    ("agency", None),
    ("source_id", ""),
    ("source_id", "   "),
    ("source_id", "x" * 201),
    ("source_id", 7),
    ("kind", "not_a_kind"),
    ("occurred_at", ""),
    ("occurred_at", "  2024-03-01"),
    ("occurred_at", "yesterday"),
    ("occurred_at", "1850-01-01"),
    ("occurred_at", "2024-03-01T10:00:00+00:00" + "0" * 20),
    ("recorded_at", 12),
    ("recorded_at", "tomorrow"),
    ("subjects", []),
    ("subjects", [""]),
    ("subjects", "P1"),
    ("subjects", [1]),
    ("subjects", None),
    ("others", [""]),
    ("others", "P2"),
    ("attrs", []),
    ("attrs", {"mobile": "sometimes"}),
    ("attrs", {"injury": "sprain"}),
    ("attrs", {"weight_kg": -5}),
    ("text", 5),
    ("text", "x" * 100_001),
    ("author", ["a"]),
    ("date_precision", "week"),
    ("date_precision", 1),
]


@pytest.fixture(scope="module")
def synthetic_lines(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    folder = tmp_path_factory.mktemp("synth")
    generate(children=20, years=2, seed=17, out_dir=folder, workers=1)
    agency_files = [
        folder / f"{name}.jsonl" for name in ("health", "education", "children_social_care", "police")
    ]
    return [line for path in agency_files for line in path.read_bytes().splitlines()]


def _precise(obj: Any) -> ValidRecord | FieldError:
    try:
        return validate_precisely(copy.deepcopy(obj), line_no=1, agency_override=None, warnings=[])
    except FieldError as error:
        return error


def test_the_fast_path_takes_the_common_lines() -> None:
    assert isinstance(fast_line(copy.deepcopy(EVENT), None), EventLine)
    assert isinstance(fast_line(copy.deepcopy(RELATIONSHIP), None), RelationshipLine)


def test_every_synthetic_line_gets_the_record_the_precise_validator_gives(
    synthetic_lines: list[bytes],
) -> None:
    fast_taken = 0
    for line_no, raw in enumerate(synthetic_lines, start=1):
        obj = orjson.loads(raw)
        fast_taken += fast_line(copy.deepcopy(obj), None) is not None
        expected = validate_precisely(copy.deepcopy(obj), line_no=line_no, agency_override=None, warnings=[])
        assert validate(obj, line_no=line_no, agency_override=None, warnings=[]) == expected
    assert fast_taken > len(synthetic_lines) / 2  # events and relationships are most lines


@pytest.mark.parametrize(("field", "value"), BROKEN_EVENTS)
def test_a_broken_event_is_refused_by_the_fast_path_and_worded_by_the_precise_one(
    field: str, value: Any
) -> None:
    obj = {**copy.deepcopy(EVENT), field: value}
    precise = _precise(obj)
    assert isinstance(precise, FieldError)
    assert fast_line(copy.deepcopy(obj), None) is None or precise.field.startswith(
        ("occurred_at", "recorded_at", "attrs")
    )
    with pytest.raises(FieldError) as raised:
        validate(copy.deepcopy(obj), line_no=1, agency_override=None, warnings=[])
    assert (raised.value.field, raised.value.problem, raised.value.expected) == (
        precise.field,
        precise.problem,
        precise.expected,
    )


@pytest.mark.parametrize(
    ("field", "value"), [("from", "P1"), ("to", ""), ("from", 3), ("kind", "cousin_of"), ("to", " P9")]
)
def test_a_relationship_outside_the_fast_path_gets_the_precise_result(field: str, value: Any) -> None:
    obj = {**copy.deepcopy(RELATIONSHIP), field: value}
    precise = _precise(obj)
    try:
        got: ValidRecord | FieldError = validate(
            copy.deepcopy(obj), line_no=1, agency_override=None, warnings=[]
        )
    except FieldError as error:
        got = error
    assert repr(got) == repr(precise)


def test_an_upload_for_another_agency_still_gets_the_precise_message() -> None:
    line = orjson.dumps(EVENT) + b"\n"
    (rejected,) = list(read_lines([line], agency="police"))
    assert isinstance(rejected, RejectedLine)
    assert rejected.field == "agency"
    assert "not the agency this upload is for (police" in rejected.problem


def test_a_repeated_key_on_a_line_the_fast_path_accepts_is_still_refused() -> None:
    line = orjson.dumps(EVENT)[:-1] + b', "kind": "ed_attendance"}\n'
    (rejected,) = list(read_lines([line], agency=None))
    assert isinstance(rejected, RejectedLine)
    assert (rejected.field, rejected.problem) == (
        "kind",
        "appears twice in one object (expected each key once)",
    )


def test_a_nul_in_free_text_is_still_refused_on_the_fast_path() -> None:
    line = orjson.dumps({**EVENT, "extra": "a\x00b"}) + b"\n"
    (rejected,) = list(read_lines([line], agency=None))
    assert isinstance(rejected, RejectedLine)
    assert rejected.field == "extra"
    assert "NUL" in rejected.problem


#: Lines the fast path leaves to the precise validator because the precise one rewrites them:
#: a flag as a yes/no word, a code in another case, a doctor's query of NAI.
DEFERRED_ATTRS: list[dict[str, Any]] = [
    {"mobile": "Yes", "delay_in_presentation": "N", "injury": "bruise"},
    {"was_not_brought": " TRUE ", "injury": "Bruising"},
    {"medical_opinion": "?NAI", "mobile": "no"},
]


@pytest.mark.parametrize("attrs", DEFERRED_ATTRS)
def test_a_deferred_line_is_read_the_same_as_by_the_precise_validator(attrs: dict[str, Any]) -> None:
    obj = {**copy.deepcopy(EVENT), "attrs": attrs}
    assert fast_line(copy.deepcopy(obj), None) is not None  # a well-formed line ...
    fast_warnings: list[Any] = []
    got = validate(copy.deepcopy(obj), line_no=1, agency_override=None, warnings=fast_warnings)
    precise_warnings: list[Any] = []
    expected = validate_precisely(
        copy.deepcopy(obj), line_no=1, agency_override=None, warnings=precise_warnings
    )
    assert got == expected  # ... whose record, payload and hash are the precise validator's
    assert fast_warnings == precise_warnings != []
    (line,) = list(read_lines([orjson.dumps(obj) + b"\n"], agency=None))[-1:]
    assert line == expected
