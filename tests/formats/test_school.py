"""School formats: the concerns log and the attendance extract.

UPN check letters are treated alike in every format: test_upn_check_letter.py.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from .conftest import DOC_SAMPLES, TEST_SAMPLES, events, ingest, people, quarantined

CONCERNS = DOC_SAMPLES / "school-concerns.concerns.csv"
ATTENDANCE = DOC_SAMPLES / "school-attendance.attendance.csv"
BAD_CONCERNS = TEST_SAMPLES / "school-concerns-malformed.concerns.csv"
BAD_ATTENDANCE = TEST_SAMPLES / "school-attendance-malformed.attendance.csv"


def test_concerns_round_trip(engine: Engine) -> None:
    result = ingest(engine, CONCERNS)
    assert result.messages == []
    assert (result.summary.accepted, result.summary.rejected) == (6, 0)
    got = events(engine)
    injury = got["concern:CPM-20231103-0017"]
    assert injury["kind"] == "school_concern"
    assert injury["subjects"] == ["upn:B999201500101"]
    assert injury["attrs"] == {
        "category": "injury",
        "site": "left_upper_arm",
        "sites": ["left_upper_arm", "back_of_left_arm"],
        "injury": "bruise",  # the concern's words ("Bruising to left upper arm") name the injury
        "injuries": [
            {"site": "left_upper_arm", "injury": "bruise"},
            {"site": "back_of_left_arm", "injury": "bruise"},
        ],
        "bruise_sites": ["left_upper_arm", "back_of_left_arm"],
        "action_taken": "Referred to children's social care (MASH) same day",
        "dsl": "Mrs A. Bell (DSL)",
        "category_label": "Physical injury",
        "school": "Quarry Lane Primary",
        "year_group": "Reception",
    }
    assert got["concern:CPM-20231019-0042"]["attrs"]["category"] == "hunger"
    assert got["concern:CPM-20231019-0042"]["occurred_at"] == "2023-10-19T08:55:00"
    assert people(engine)["upn:B999201500101"]["upn"] == "B999201500101"
    assert ingest(engine, CONCERNS).summary.unchanged == 6


def test_malformed_concerns(engine: Engine) -> None:
    result = ingest(engine, BAD_CONCERNS)
    source = str(BAD_CONCERNS)
    rejected = result.rejections()
    assert rejected[0].startswith(f"{source}:6: Date: '32/10/2023' is not a real calendar date")
    assert rejected[1].startswith(f"{source}:9: UPN: 'B99920150010' (expected 13 characters")
    assert len(rejected) == 2
    # A category alarmbell does not know keeps the concern, as other, with a warning.
    assert any(
        m.startswith(
            f"{source}:4: Category: warning: 'Sadness' is not a category alarmbell knows: kept as other"
        )
        for m in result.messages
    )
    # A site in the school's own words keeps the concern, with a warning (issue 15).
    assert any(
        m.startswith(
            f"{source}:5: Body Map Site: warning: 'Left elbow' is not a body-map site: kept as written"
        )
        for m in result.messages
    )
    got = events(engine)
    # CPM-2: a wrong check letter; CPM-3: "Sadness"; CPM-4: "Left elbow"
    assert sorted(got) == [f"concern:CPM-{n}" for n in (1, 2, 3, 4, 6)]
    assert (got["concern:CPM-3"]["attrs"]["category"], got["concern:CPM-3"]["attrs"]["category_label"]) == (
        "other",
        "Sadness",
    )
    assert got["concern:CPM-6"]["text"].startswith('Said at circle time:\n"Ryan hurts mummy"')
    assert [line for line, _ in quarantined(engine)] == [6, 9]


def test_attendance_round_trip_keeps_persistent_absence_only(engine: Engine) -> None:
    result = ingest(engine, ATTENDANCE)
    assert result.messages == []
    got = events(engine)
    assert sorted(got) == [
        "attendance:B999201500101:2023-09-05:2023-12-20",
        "attendance:B999201500101:2024-01-08:2024-03-28",
        "attendance:E999201500103:2023-09-05:2023-12-20",
    ]
    autumn = got["attendance:B999201500101:2023-09-05:2023-12-20"]
    assert autumn["kind"] == "attendance_concern"
    assert autumn["occurred_at"] == "2023-12-20"
    assert (autumn["attrs"]["absence_pct"], autumn["attrs"]["sessions_missed"]) == (27.9, 39)
    assert got["attendance:E999201500103:2023-09-05:2023-12-20"]["attrs"]["absence_pct"] == 10.7
    assert "upn:Q999201500102" not in people(engine)  # 4.3% absence: not a safeguarding record
    assert ingest(engine, ATTENDANCE).summary.accepted == 0


def test_malformed_attendance(engine: Engine) -> None:
    result = ingest(engine, BAD_ATTENDANCE)
    source = str(BAD_ATTENDANCE)
    assert result.rejections() == [
        f"{source}:3: Sessions Missed: 141 is more than the 140 sessions possible (expected at most "
        "Sessions Possible)",
        f"{source}:4: Sessions Possible: 0 (expected a whole number, 1 or more)",
        f"{source}:6: Period End: 2024-01-08 is before Period Start 2024-03-28 (expected a later date)",
    ]
    assert len(events(engine)) == 2  # line 5's wrong check letter: kept (test_upn_check_letter.py)


def test_a_upn_written_with_spaces_is_read(engine: Engine, tmp_path: Path) -> None:
    """A UPN typed in groups (`B999 2015 00101`) is the same UPN, not a malformed one."""
    path = tmp_path / "log.concerns.csv"
    path.write_text(
        "Concern ID,Date,UPN,Surname,Forename,Category\n"
        "C-1,06/03/2024,b999 2015 00101,Harker,Maisie,Hunger\n"
        "C-2,07/03/2024,B999201500101,Harker,Maisie,Hunger\n"
        "C-3,08/03/2024,B999-2015-00101,Harker,Maisie,Hunger\n"
    )
    result = ingest(engine, path)
    assert result.rejections() == [
        f"{path}:4: UPN: 'B999-2015-00101' (expected 13 characters: a check letter, 11 digits, "
        "then a digit or letter)"
    ]
    assert sorted(people(engine)) == ["upn:B999201500101"]
    assert sorted(events(engine)) == ["concern:C-1", "concern:C-2"]


def test_a_dob_column_is_the_date_of_birth(engine: Engine, tmp_path: Path) -> None:
    """SIMS and many school exports head the column `DOB`: the pupils' dates of birth were ignored."""
    concerns, attendance = tmp_path / "log.concerns.csv", tmp_path / "term.attendance.csv"
    concerns.write_text(
        "Concern ID,Date,UPN,Surname,Forename,DOB,Category\n"
        "C-1,06/03/2024,B999201500101,Harker,Maisie,14/06/2019,Hunger\n"
    )
    attendance.write_text(
        "UPN,Surname,Forename,DOB,Period Start,Period End,Sessions Possible,Sessions Missed\n"
        "E999201500103,Price,Tia,22/11/2016,2023-09-05,2023-12-20,140,15\n"
    )
    assert ingest(engine, concerns).messages == []
    assert ingest(engine, attendance).messages == []
    assert people(engine)["upn:B999201500101"]["dob"] == "2019-06-14"
    assert people(engine)["upn:E999201500103"]["dob"] == "2016-11-22"
