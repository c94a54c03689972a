"""An A&E attendance whose injury is only in its note ("Head injury - boggy swelling L
parietal") gets the body map the note gives, with a warning, when the sender coded no injury
(ingest/note_injuries.py). Before, the attendance counted as an illness to every indicator."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine

from alarmbell.ingest.fast_lines import fast_line
from alarmbell.ingest.jsonl import read_lines
from alarmbell.ingest.validate import validate, validate_precisely
from tests.helpers import event, person, write_jsonl
from tests.ingest.stored import ingest_with_messages, stored_attrs


def test_a_head_injury_in_the_note_is_read_with_a_warning(engine: Engine, tmp_path: Path) -> None:
    note = "4/12 old. Head injury - boggy swelling L) parietal. CT head."
    line = event(
        "E1", ["P1"], kind="ed_attendance", attrs={"site": "", "explanation_given": "rolled off bed"}
    )
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), {**line, "text": note}])
    counts, messages = ingest_with_messages(engine, file)
    assert counts == (2, 0)
    assert messages == [
        f"{file}:2: text: warning: read head_injury at 'head' from the note, as no injury attr was given"
    ]
    assert stored_attrs(engine, "E1") == {
        "explanation_given": "rolled off bed",
        "injury": "head_injury",
        "site": "head",
        "sites": ["head"],
        "injuries": [{"site": "head", "injury": "head_injury"}],
        "injury_read_from": "text",
    }
    assert ingest_with_messages(engine, file)[0] == (0, 0)  # sending it again changes nothing


def test_bruises_in_a_note_without_attrs_make_the_body_map(engine: Engine, tmp_path: Path) -> None:
    line = {**event("E1", ["P1"], kind="ed_attendance"), "text": "Bruising to L cheek and behind L ear. ?NAI"}
    line.pop("attrs", None)
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), line])
    assert ingest_with_messages(engine, file)[0] == (2, 0)
    attrs = stored_attrs(engine, "E1")
    assert (attrs["injury"], attrs["bruise_sites"]) == ("bruise", ["l cheek and behind l ear"])


@pytest.mark.parametrize(
    ("attrs", "note"),
    [
        ({"injury": "bruise", "site": "L forearm"}, "Bruising and a cut to the left forearm."),  # coded
        ({"mobile": True}, "?# L scaphoid. XR NAD. Sprain, sling."),  # queried, then ruled out
        ({}, "D&V x2 days. Examined: no bruises seen, no injuries."),  # denied
        ({}, "Fall from sofa per mum, well child."),  # no injury named
    ],
)
def test_a_note_adds_nothing_where_the_sender_coded_or_the_words_find_no_injury(
    engine: Engine, tmp_path: Path, attrs: dict[str, Any], note: str
) -> None:
    line = {**event("E1", ["P1"], kind="ed_attendance", attrs=dict(attrs)), "text": note}
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), line])
    counts, messages = ingest_with_messages(engine, file)
    assert (counts, messages) == ((2, 0), [])
    assert stored_attrs(engine, "E1") == attrs


def test_a_note_of_another_kind_of_event_is_not_read(engine: Engine, tmp_path: Path) -> None:
    line = {**event("E1", ["P1"], kind="referral", attrs={}), "text": "Bruising to L cheek"}
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), line])
    assert ingest_with_messages(engine, file) == ((2, 0), [])
    assert "injury" not in stored_attrs(engine, "E1")


def test_the_fast_path_defers_a_note_it_would_read_and_the_record_is_the_same() -> None:
    obj = {**event("E1", ["P1"], kind="ed_attendance", attrs={"mobile": False}), "text": "Scald to R hand"}
    obj["agency"] = "health"
    assert fast_line(copy.deepcopy(obj), None) is not None
    expected = validate_precisely(copy.deepcopy(obj), line_no=1, agency_override=None, warnings=[])
    assert validate(copy.deepcopy(obj), line_no=1, agency_override=None, warnings=[]) == expected
    assert '"injury":"burn"' in expected.row["payload"]
    (*_, read) = read_lines([orjson.dumps(obj) + b"\n"], agency=None)
    assert read == expected
