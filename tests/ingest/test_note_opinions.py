"""A clinician's "?NAI" written only in the note of an A&E attendance or injury is read as
`possible_nai`, with a warning (ingest/note_opinions.py). Before: set 4's trust bundle sent its
fracture attendance with "?NAI - d/w paeds reg" in the diagnosis note, no indicator read it, and
the attendance counted as an injury with no medical concern."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.helpers import event, person, write_jsonl

from .stored import ingest_with_messages, stored_attrs

SET4 = Path(__file__).resolve().parents[2] / "evaluation" / "agency_exports" / "set4"
NOTE = "Fell off sofa 2/7 ago. Delay in presentation. ?NAI - d/w paeds reg, skeletal survey requested."


def _attendance(tmp_path: Path, text: str, kind: str = "ed_attendance", **attrs: object) -> Path:
    return write_jsonl(
        tmp_path / "ed.jsonl",
        [
            person("P1", agency="health"),
            event(
                "ED-1", ["P1"], agency="health", kind=kind, occurred_at="2024-09-09", text=text, attrs=attrs
            ),
        ],
    )


def test_a_query_of_nai_in_an_attendance_note_is_read_with_a_warning(engine: Engine, tmp_path: Path) -> None:
    path = _attendance(tmp_path, NOTE, injury="fracture")
    (accepted, rejected), messages = ingest_with_messages(engine, path)
    assert (accepted, rejected) == (2, 0)
    attrs = stored_attrs(engine, "ED-1")
    assert (attrs["medical_opinion"], attrs["medical_opinion_read_from"]) == ("possible_nai", "text")
    assert (
        f"{path}:2: text: warning: read possible_nai from the note's '?NAI - d/w paeds reg, skeletal survey "
        "requested.', as no medical_opinion attr was given"
    ) in messages
    assert ingest_with_messages(engine, path)[0] == (0, 0)


@pytest.mark.parametrize(
    "text",
    [
        "?NAI. NAI excluded after skeletal survey.",
        "Fell from trampoline. No concerns re NAI.",
        "Bruise L shin. ?NAI - no, mobile toddler.",
        "Says fell in playground. Nail bed injury L index finger.",
    ],
)
def test_a_note_that_denies_or_never_queries_nai_adds_no_opinion(
    engine: Engine, tmp_path: Path, text: str
) -> None:
    ingest_with_messages(engine, _attendance(tmp_path, text, injury="bruise"))
    assert "medical_opinion" not in stored_attrs(engine, "ED-1")


def test_an_opinion_the_sender_gave_is_never_replaced_and_a_school_note_is_not_read(
    engine: Engine, tmp_path: Path
) -> None:
    ingest_with_messages(engine, _attendance(tmp_path, NOTE, injury="fracture", medical_opinion="accidental"))
    assert stored_attrs(engine, "ED-1")["medical_opinion"] == "accidental"
    other = tmp_path / "other"
    other.mkdir()
    ingest_with_messages(engine, _attendance(other, NOTE, kind="school_concern"))
    assert "medical_opinion" not in stored_attrs(engine, "ED-1")


def test_set_4_fracture_attendance_carries_the_query_from_its_fhir_note(engine: Engine) -> None:
    ingest_with_messages(engine, SET4 / "ashworth-trust-ed-opd.json")
    attrs = stored_attrs(engine, "encounter:ED24-092254")
    assert (attrs["injury"], attrs["medical_opinion"]) == ("fracture", "possible_nai")
    assert "medical_opinion" not in stored_attrs(engine, "encounter:ED24-061187")
