"""Issue 19: inputs that used to poison the store or pass silently get a precise error instead.

Each test sends one bad line between two good ones: the bad line is reported as
`FILE:LINE: FIELD: problem (expected ...)` and quarantined, and the good lines are kept.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from alarmbell.domain.concern_categories import CONCERN_CATEGORIES
from alarmbell.ingest.service import IngestSummary, ingest_file
from alarmbell.storage.tables import EventRecordRow, QuarantinedLine
from tests.helpers import event, person, write_jsonl


def _ingest(engine: Engine, path: Path) -> tuple[IngestSummary, list[str]]:
    messages: list[str] = []
    summary = ingest_file(engine=engine, path=path, report=messages.append)
    return summary, messages


def _count(engine: Engine, table: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _rejected(engine: Engine, tmp_path: Path, bad: bytes | str | dict[str, object]) -> str:
    """The one message for a bad second line; the first and third lines must be kept."""
    path = write_jsonl(tmp_path / "in.jsonl", [person("P1"), bad, event("E1", ["P1"])])
    summary, messages = _ingest(engine, path)
    assert (summary.accepted, summary.rejected) == (2, 1), messages
    assert _count(engine, QuarantinedLine) == 1
    [message] = messages
    assert message.startswith(f"{path}:2: ")
    return message.removeprefix(f"{path}:2: ")


# --- defect 2: dates outside 1900 to next year -------------------------------------------


@pytest.mark.parametrize("when", ["0001-01-01", "0999-06-01", "1899-12-31", "9999-12-31"])
def test_event_years_outside_1900_to_next_year_are_refused(engine: Engine, tmp_path: Path, when: str) -> None:
    message = _rejected(engine, tmp_path, event("E2", ["P1"], occurred_at=when))
    next_year = datetime.now(UTC).year + 1
    assert message.startswith(f"occurred_at: '{when}' is ")
    assert message.endswith(f"(expected a date from 1900-01-01 to {next_year}-12-31)")


@pytest.mark.parametrize("when", ["9999-12-31T23:00:00-05:00", "0001-01-01T01:00:00+05:00"])
def test_date_times_beyond_the_calendar_are_an_error_not_an_overflow(
    engine: Engine, tmp_path: Path, when: str
) -> None:
    message = _rejected(engine, tmp_path, event("E2", ["P1"], occurred_at=when))
    assert message.startswith(f"occurred_at: '{when}' ")
    assert "(expected a date from 1900-01-01 to" in message


def test_recorded_at_has_the_same_range(engine: Engine, tmp_path: Path) -> None:
    message = _rejected(engine, tmp_path, event("E2", ["P1"], recorded_at="0999-06-01T10:00:00"))
    assert message.startswith("recorded_at: '0999-06-01T10:00:00' is before 1900")


def test_an_event_in_1900_is_kept_and_reads_back(engine: Engine, tmp_path: Path) -> None:
    rows = [person("P1", dob=None), event("E1", ["P1"], occurred_at="1900-01-01")]
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    summary, messages = _ingest(engine, path)
    assert (summary.accepted, messages) == (2, [])
    with engine.connect() as connection:
        stored = connection.execute(select(EventRecordRow.occurred_at)).scalar_one()
    assert stored.replace(tzinfo=UTC) == datetime(1900, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("dob", ["2090-01-01", "9999", "2090-05", "1899-12-31", "0999"])
def test_implausible_dates_of_birth_are_refused(engine: Engine, tmp_path: Path, dob: str) -> None:
    message = _rejected(engine, tmp_path, person("P2", dob=dob))
    assert message.startswith(f"dob: '{dob}' is ")
    assert "(expected a date of birth from 1900 to today)" in message


# --- defect 6: nesting deeper than the format allows ------------------------------------


@pytest.mark.parametrize("depth", [40, 255, 600, 1000])
def test_deep_nesting_is_refused_per_line(engine: Engine, tmp_path: Path, depth: int) -> None:
    deep = "[" * depth + "]" * depth
    line = json.dumps(event("E2", ["P1"], attrs={"x": 1})).replace('"x": 1', f'"x": {deep}')
    message = _rejected(engine, tmp_path, line)
    assert message.startswith("attrs.x: nested ")
    assert message.endswith("(expected at most 16 levels of nesting)")


# --- defect 10: implausible values --------------------------------------------------------


@pytest.mark.parametrize("field", ["given_name", "family_name", "postcode", "source_id"])
def test_a_nul_character_is_refused(engine: Engine, tmp_path: Path, field: str) -> None:
    message = _rejected(engine, tmp_path, {**person("P2"), field: "Am\u0000y"})
    assert message.startswith(f"{field}: contains a NUL character")


def test_a_nul_inside_attrs_is_refused_and_named(engine: Engine, tmp_path: Path) -> None:
    message = _rejected(engine, tmp_path, event("E2", ["P1"], attrs={"notes": ["fine", "bad\u0000"]}))
    assert message.startswith("attrs.notes[1]: contains a NUL character")


def test_duplicate_keys_are_refused(engine: Engine, tmp_path: Path) -> None:
    line = '{"type": "person", "agency": "police", "source_id": "P2", "given_name": "Amy", '
    line += '"family_name": "Stone", "given_name": "Zoe"}'
    message = _rejected(engine, tmp_path, line)
    assert message == "given_name: appears twice in one object (expected each key once)"


def test_duplicate_keys_in_attrs_are_named_by_path(engine: Engine, tmp_path: Path) -> None:
    line = json.dumps(event("E2", ["P1"], attrs={"alcohol": True})).replace(
        '"alcohol": true', '"alcohol": true, "alcohol": false'
    )
    message = _rejected(engine, tmp_path, line)
    assert message == "attrs.alcohol: appears twice in one object (expected each key once)"


def test_an_escaped_quote_before_a_colon_is_not_a_duplicate(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [person("P1"), event("E1", ["P1"], text='she said "go": then')])
    summary, messages = _ingest(engine, path)
    assert (summary.accepted, messages) == (2, [])


BOOLEAN = "true or false, written without quotes"
ATTR_CASES: list[tuple[str, dict[str, object], str]] = [
    # Text that is no yes/no word ("yes" and "no" are now read as the flag: test_flag_words.py).
    ("injury_presentation", {"mobile": "yes?"}, "attrs.mobile: 'yes?' is text (expected " + BOOLEAN + ")"),
    (
        "injury_presentation",
        {"delay_in_presentation": 1},
        "attrs.delay_in_presentation: 1 is a number (expected " + BOOLEAN + ")",
    ),
    (
        "growth_measurement",
        {"weight_kg": "heavy"},
        "attrs.weight_kg: 'heavy' is text (expected a number from 0.2 to 200 kg)",
    ),
    (
        "growth_measurement",
        {"weight_kg": -5},
        "attrs.weight_kg: -5 is out of range (expected a number from 0.2 to 200 kg)",
    ),
    (
        "growth_measurement",
        {"height_cm": 900},
        "attrs.height_cm: 900 is out of range (expected a number from 20 to 250 cm)",
    ),
    (
        "growth_measurement",
        {"weight_centile": 150},
        "attrs.weight_centile: 150 is out of range (expected a number from 0 to 100)",
    ),
    (
        "attendance_concern",
        {"absence_pct": 130.5},
        "attrs.absence_pct: 130.5 is out of range (expected a number from 0 to 100 per cent)",
    ),
    (
        "attendance_concern",
        {"sessions_missed": 2.5},
        "attrs.sessions_missed: 2.5 is not a whole number (expected a whole number from 0 to 2000 sessions)",
    ),
    (
        "domestic_incident",
        {"dash_risk": "very high"},
        "attrs.dash_risk: 'very high' is not allowed (expected one of standard, medium, high, unknown)",
    ),
    (
        "domestic_incident",
        {"violence": ["physical"]},
        "attrs.violence: ['physical'] is a list (expected one of physical, verbal, threats, unknown)",
    ),
    (
        "domestic_incident",
        {"children_present": "not known"},
        "attrs.children_present: 'not known' is text (expected " + BOOLEAN + ")",
    ),
    (
        "injury_observed",
        {"injury": "sore"},
        "attrs.injury: 'sore' is not allowed "
        "(expected one of fracture, bruise, burn, head_injury, bite, laceration, other)",
    ),
    (  # the policy reads injuries recorded at routine contacts too (issue 12), so they are checked
        "health_visitor_contact",
        {"injury": "Wound"},
        "attrs.injury: 'Wound' is not allowed "
        "(expected one of fracture, bruise, burn, head_injury, bite, laceration, other)",
    ),
    (  # a category in another case is read as the vocabulary's (test_code_values.py); a word is not
        "school_concern",
        {"category": "Hungry"},
        f"attrs.category: 'Hungry' is not allowed (expected one of {', '.join(CONCERN_CATEGORIES)})",
    ),
    (
        "referral",
        {"outcome": "maybe"},
        "attrs.outcome: 'maybe' is not allowed "
        "(expected one of nfa, early_help, assessment, s47, cp_plan, closed)",
    ),
    (
        "assessment",
        {"factors": "3A"},
        'attrs.factors: \'3A\' is text (expected a list of texts, e.g. ["3A", "16A"])',
    ),
]


@pytest.mark.parametrize(("kind", "attrs", "expected"), ATTR_CASES)
def test_attrs_the_policy_reads_are_typed_and_in_range(
    engine: Engine, tmp_path: Path, kind: str, attrs: dict[str, object], expected: str
) -> None:
    assert _rejected(engine, tmp_path, event("E2", ["P1"], kind=kind, attrs=attrs)) == expected


def test_attrs_in_range_other_kinds_and_nulls_are_kept(engine: Engine, tmp_path: Path) -> None:
    rows: list[dict[str, object] | str | bytes] = [
        person("P1"),
        event("E1", ["P1"], kind="growth_measurement", attrs={"weight_kg": 14.2, "weight_centile": 0.4}),
        event("E2", ["P1"], kind="cp_plan_start", attrs={"category": "NEG"}),  # census codes here
        event("E3", ["P1"], kind="section_47", attrs={"outcome": "icpc"}),
        event("E4", ["P1"], kind="ed_attendance", attrs={"injury": None, "mobile": False, "note": "yes"}),
    ]
    summary, messages = _ingest(engine, write_jsonl(tmp_path / "in.jsonl", rows))
    assert (summary.accepted, messages) == (5, [])


# --- defect 10: events dated before the subject's birth ---------------------------------

ADVICE = (
    "kept; check the event date and the date of birth (only pre-birth work such as maternity care, "
    "referrals, assessments and child protection steps is expected before birth)"
)


def test_an_event_before_birth_is_reported_when_the_dob_is_in_the_file(
    engine: Engine, tmp_path: Path
) -> None:
    """Kept with a warning, not refused: the date of birth may be the wrong one (day and month
    swapped), and refusing would drop a real GP visit."""
    rows: list[dict[str, object] | str | bytes] = [
        person("P1"),
        event("E2", ["P1"], kind="gp_consultation", occurred_at="2014-06-01"),
    ]
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    summary, messages = _ingest(engine, path)
    assert (summary.accepted, summary.rejected, summary.warnings) == (2, 0, 1)
    assert messages == [
        f"{path}:2: occurred_at: warning: 2014-06-01 is before P1 was born (date of birth 2015-03-02); "
        + ADVICE
    ]


def test_an_event_before_birth_is_reported_when_the_dob_is_in_the_store(
    engine: Engine, tmp_path: Path
) -> None:
    _ingest(engine, write_jsonl(tmp_path / "people.jsonl", [person("P1")]))
    path = write_jsonl(
        tmp_path / "events.jsonl",
        [event("E1", ["P1"]), event("E2", ["P1"], kind="ed_attendance", occurred_at="2001-01-01T10:00:00Z")],
    )
    summary, messages = _ingest(engine, path)
    assert (summary.accepted, summary.rejected, summary.warnings) == (2, 0, 1)
    assert messages == [
        f"{path}:2: occurred_at: warning: 2001-01-01 is before P1 was born (date of birth 2015-03-02); "
        + ADVICE
    ]


def test_pre_birth_work_and_other_people_before_birth_pass_without_a_word(
    engine: Engine, tmp_path: Path
) -> None:
    rows: list[dict[str, object] | str | bytes] = [
        person("P1"),
        person("M1", dob="1990-01-01"),
        event("E1", ["P1"], kind="maternity", occurred_at="2014-10-01"),
        event("E2", ["P1"], kind="referral", occurred_at="2015-01-10"),
        event("E3", ["P1"], kind="cp_conference", occurred_at="2015-02-01"),
        event("E4", ["M1"], others=["P1"], kind="gp_consultation", occurred_at="2014-06-01"),  # not P1's
        event("E7", ["P1"], occurred_at="2014-12-01"),  # domestic abuse in pregnancy
        event("E5", ["P1"], occurred_at="2015-03-02T00:30:00+01:00"),  # the day of birth, locally
        event("E6", ["P2"], kind="gp_consultation", occurred_at="2001-01-01"),  # no dob known
    ]
    summary, messages = _ingest(engine, write_jsonl(tmp_path / "in.jsonl", rows))
    assert (summary.accepted, summary.rejected, summary.warnings) == (9, 0, 0), messages


def test_a_partial_dob_reports_only_what_is_before_its_first_day(engine: Engine, tmp_path: Path) -> None:
    rows: list[dict[str, object] | str | bytes] = [
        person("P1", dob="2015"),
        event("E1", ["P1"], occurred_at="2015-01-01"),
        event("E2", ["P1"], kind="school_concern", occurred_at="2014-12-30"),
    ]
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    summary, messages = _ingest(engine, path)
    assert (summary.accepted, summary.warnings) == (3, 1)
    assert messages == [
        f"{path}:3: occurred_at: warning: 2014-12-30 is before P1 was born (date of birth 2015); {ADVICE}"
    ]
