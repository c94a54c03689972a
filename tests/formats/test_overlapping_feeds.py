"""Overlapping feeds: one agency sends the same person from two feeds with different attributes.

A trust and a GP practice both send the child as `nhs:<number>`; a school's concerns log and its
attendance extract both send `upn:<UPN>`. Loaded alternately, each feed's attributes are kept,
and nothing is new after the first load of each (issue 15 measured version 5 after five loads).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from alarmbell.storage.tables import PersonFeedRecord, PersonRecordRow

from .conftest import TEST_SAMPLES, ingest, people

TRUST, GP = TEST_SAMPLES / "overlap-trust.json", TEST_SAMPLES / "overlap-gp.json"
CONCERNS = TEST_SAMPLES / "overlap-school.concerns.csv"
ATTENDANCE = TEST_SAMPLES / "overlap-school.attendance.csv"


def _version(engine: Engine, source_id: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(PersonRecordRow.version).where(PersonRecordRow.source_id == source_id)
            ).scalar_one()
        )


def _alternate(engine: Engine, first: Path, second: Path) -> list[tuple[int, int]]:
    """(accepted, unchanged) of each load, first and second alternately five times each."""
    loads = []
    for _ in range(5):
        for path in (first, second):
            result = ingest(engine, path)
            assert result.rejections() == []
            loads.append((result.summary.accepted, result.summary.unchanged))
    return loads


def test_trust_and_gp_alternately_five_times_create_nothing_after_the_first_load_of_each(
    engine: Engine,
) -> None:
    loads = _alternate(engine, TRUST, GP)
    assert loads[0] == (2, 0)  # the child and the attendance
    assert loads[1][0] == 2  # the GP's copy merged into the child, and the consultation
    assert all(accepted == 0 for accepted, _ in loads[2:]), loads
    assert _version(engine, "nhs:9993456780") == 2
    child = people(engine)["nhs:9993456780"]
    assert child["sex"] == "M"  # only the trust sends gender
    assert child["postcode"] == "ZZ1 2AB"  # only the GP sends the address
    assert child["other_names"] == ["Alf"]
    assert child["feeds"] == ["fhir:A81001", "fhir:RX1"]
    assert child["provenance"]["sex"] == "fhir:RX1"
    assert child["provenance"]["postcode"] == "fhir:A81001"


def test_each_feed_keeps_its_own_copy_as_sent(engine: Engine) -> None:
    _alternate(engine, TRUST, GP)
    with engine.connect() as connection:
        copies = {
            feed: payload
            for feed, payload in connection.execute(
                select(PersonFeedRecord.feed, PersonFeedRecord.payload).where(
                    PersonFeedRecord.source_id == "nhs:9993456780"
                )
            )
        }
    assert sorted(copies) == ["fhir:A81001", "fhir:RX1"]
    assert "postcode" not in copies["fhir:RX1"] and copies["fhir:A81001"]["postcode"] == "ZZ1 2AB"


def test_school_concerns_and_attendance_alternately_five_times_create_nothing_new(engine: Engine) -> None:
    loads = _alternate(engine, CONCERNS, ATTENDANCE)
    assert loads[0][0] == 2 and loads[1][0] == 2  # pupil + concern; merged pupil + attendance concern
    assert all(accepted == 0 for accepted, _ in loads[2:]), loads
    assert _version(engine, "upn:B999201500101") == 2
    pupil = people(engine)["upn:B999201500101"]
    assert (pupil["sex"], pupil["postcode"]) == ("F", "ZZ1 2AB")  # from the concerns log only
    assert pupil["feeds"] == ["attendance:Quarry Lane Primary", "concerns:Quarry Lane Primary"]


def test_a_real_change_from_one_feed_still_becomes_the_current_value(engine: Engine, tmp_path: Path) -> None:
    _alternate(engine, TRUST, GP)
    moved = tmp_path / "gp-moved.json"
    moved.write_text(GP.read_text().replace("ZZ1 2AB", "ZZ9 9ZZ"))
    assert ingest(engine, moved).summary.accepted == 1
    assert people(engine)["nhs:9993456780"]["postcode"] == "ZZ9 9ZZ"
    assert ingest(engine, TRUST).summary.accepted == 0
    assert people(engine)["nhs:9993456780"]["postcode"] == "ZZ9 9ZZ"
