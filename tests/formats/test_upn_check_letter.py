"""A UPN that fails its check letter is treated alike in every format (issue 15).

The same pupil, Maisie, arrives with the mistyped UPN C999201500101 (the other 12 characters
give B) in a school's concerns log and attendance extract, the CIN census XML and CSV, and the
exchange format. Every format keeps the record and its events, warns in the same words, stores
the UPN as sent and never keys the record on it (identity's rules never link on it either).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from .conftest import TEST_SAMPLES, events, ingest, people

BAD_UPN = "C999201500101"
WARNING = (
    "upn: warning: 'C999201500101' fails the check letter: the other 12 characters give 'B', not 'C'; "
    "kept on the record, but never matched on or used as its key (expected a UPN whose first letter is "
    "the modulus-23 check letter of the rest)"
)
#: file -> (line of the pupil's record, the events that name the pupil)
FORMATS: dict[str, tuple[int, int]] = {
    "bad-upn.concerns.csv": (2, 1),
    "bad-upn.attendance.csv": (2, 1),
    "bad-upn.cin.csv": (2, 2),
    "cin-one-bad-episode.xml": (130, 1),
    "bad-upn.jsonl": (1, 1),
}


def _pupil(engine: Engine) -> tuple[str, dict[str, object]]:
    (found,) = [(key, p) for key, p in people(engine).items() if p.get("upn") == BAD_UPN]
    return found


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_bad_check_letter_keeps_the_record_warns_and_never_keys_it(engine: Engine, name: str) -> None:
    path = TEST_SAMPLES / name
    line, named_in = FORMATS[name]
    result = ingest(engine, path)
    assert [m for m in result.messages if "upn" in m] == [f"{path}:{line}: {WARNING}"]
    assert not [m for m in result.rejections() if "UPN" in m or "upn" in m]
    key, pupil = _pupil(engine)
    assert BAD_UPN not in key and pupil["upn"] == BAD_UPN
    assert len([e for e in events(engine).values() if key in e["subjects"]]) == named_in
    assert BAD_UPN not in " ".join(events(engine))
    assert ingest(engine, path).summary.accepted == 0


def test_the_schools_two_extracts_key_the_same_pupil_alike_without_the_upn(engine: Engine) -> None:
    ingest(engine, TEST_SAMPLES / "bad-upn.concerns.csv")
    ingest(engine, TEST_SAMPLES / "bad-upn.attendance.csv")
    key, pupil = _pupil(engine)
    assert key.startswith("pupil:h-")
    assert pupil["feeds"] == ["attendance:Quarry Lane Primary", "concerns:Quarry Lane Primary"]
    assert events(engine)[f"attendance:{key}:2024-01-08:2024-03-28"]["attrs"]["absence_pct"] == 30.2
    assert events(engine)["concern:CPM-20240212-0008"]["subjects"] == [key]
    assert people(engine)["upn:Q999201500102"]["upn"] == "Q999201500102"  # a valid UPN still keys


def test_a_bad_upn_with_nothing_else_to_key_the_pupil_is_rejected(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "no-name.concerns.csv"
    path.write_text("Concern ID,Date,UPN,Category\nCPM-1,12/02/2024,C999201500101,Hunger\n", encoding="utf-8")
    assert ingest(engine, path).rejections() == [
        f"{path}:2: UPN: 'C999201500101' fails the check letter: the other 12 characters give 'B', not 'C', "
        "and the row has no name and date of birth to key the pupil by instead (expected a UPN with the "
        "right check letter, or Surname or Forename and Date of Birth)"
    ]
