"""Session 16 (intake16): exports headed as the case systems head them load as the templates.

Set 4 of the agency exports (evaluation/agency_exports/set4/) was written with the column names
Niche and CPOMS really export (`Occurrence Number`, `Involvement Type`, `Incident ID`,
`Date/Time`, `Categories`, `Student`), and every row of both files was rejected for a missing
column. Each test writes such an export and loads it through the real ingest service into the
real store.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from .conftest import REPO, events, ingest, people

NICHE_HEADER = (
    "Occurrence Number,Occurrence Type,Begin Date,Reported Date,Offence Description,HO Class,"
    "Nominal Number,Surname,Forename,Date of Birth,Gender,Involvement Type,DASH Risk Level,"
    "Alcohol Involved,OIC,MO / Summary"
)
ASSAULT = (
    "14/51877/24,Domestic Abuse - Crime,22/06/2024 01:15,22-JUN-2024 01:48,"
    "Assault occasioning actual bodily harm,8/1"
)
OFFICER = 'PC 2290 AKHTAR,"Punched to the face, children present."'
SET4 = REPO / "evaluation" / "agency_exports" / "set4"


def _write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _warnings(messages: list[str]) -> list[str]:
    return [m for m in messages if ": warning: " in m]


def test_a_niche_occurrence_export_loads_with_its_own_column_names_and_roles(
    engine: Engine, tmp_path: Path
) -> None:
    """`IP`, `Child Normally Resident` and `Domestic Abuse - Crime` are Niche's words for the template's."""
    path = _write(
        tmp_path,
        "niche.police.csv",
        NICHE_HEADER,
        f"{ASSAULT},N1,BRENNICK,Shannon,22/05/1996,Female,IP,MEDIUM,Y,{OFFICER}",
        f"{ASSAULT},N2,FAIRCLOUGH,Dean,08/11/1991,Male,Suspect,MEDIUM,Y,{OFFICER}",
        f"{ASSAULT},N3,BRENNICK,Kacey,14/02/2023,Female,Child Present,MEDIUM,Y,{OFFICER}",
        f"{ASSAULT},N4,BRENNICK,Tyler,03/09/2016,Male,Child Normally Resident,MEDIUM,Y,{OFFICER}",
    )

    result = ingest(engine, path)

    assert result.rejections() == []
    assert f"{path}:1: Involvement Type: warning: read as the Role column" in "\n".join(result.messages)
    assert f"{path}:1: Begin Date: warning: read as the Occurrence Date column" in "\n".join(result.messages)
    event = events(engine)["occurrence:14/51877/24"]
    assert (event["kind"], event["occurred_at"], event["recorded_at"]) == (
        "domestic_incident",
        "2024-06-22T01:15:00",
        "2024-06-22T01:48:00",
    )
    assert event["subjects"] == ["nominal:N1", "nominal:N3", "nominal:N4"]
    assert event["others"] == ["nominal:N2"]
    attrs = event["attrs"]
    assert (attrs["victim"], attrs["dash_risk"], attrs["violence"], attrs["alcohol"]) == (
        "nominal:N1",
        "medium",
        "physical",
        True,
    )
    assert (attrs["offence_code"], event["author"]) == ("8/1", "PC 2290 AKHTAR")
    assert people(engine)["nominal:N1"]["sex"] == "F"
    again = ingest(engine, path)
    assert (again.summary.accepted, again.summary.rejected) == (0, 0)


def test_a_concern_for_safety_is_a_child_welfare_concern_and_a_non_crime_a_domestic_incident(
    engine: Engine, tmp_path: Path
) -> None:
    header = "Occurrence Number,Occurrence Type,Begin Date,Nominal Number,Surname,Forename,Involvement Type"
    path = _write(
        tmp_path,
        "welfare.police.csv",
        header,
        "14/88901/24,Concern For Safety,19/11/2024 14:30,N3,BRENNICK,Kacey,Subject",
        "14/30211/24,Domestic Abuse - Non Crime,16/03/2024 23:40,N1,BRENNICK,Shannon,IP",
    )
    assert ingest(engine, path).rejections() == []
    got = events(engine)
    assert got["occurrence:14/88901/24"]["kind"] == "child_welfare_concern"
    assert got["occurrence:14/30211/24"]["kind"] == "domestic_incident"


def test_a_bad_cell_under_a_system_name_is_checked_and_named_as_the_file_spells_it(
    engine: Engine, tmp_path: Path
) -> None:
    """The column is read as the template's, so its cells are checked by kind like the template's."""
    path = _write(
        tmp_path,
        "bad.police.csv",
        NICHE_HEADER,
        f"14/1/24,Domestic Abuse - Crime,31/02/2024 01:15,,,,N1,B,S,22/05/1996,Woman,IP,,Maybe,{OFFICER}",
    )
    rejections = ingest(engine, path).rejections()
    assert any(
        m.startswith(f"{path}:2: Begin Date: '31/02/2024 01:15' is not a real calendar date")
        for m in rejections
    )
    assert any(m.startswith(f"{path}:2: Alcohol Involved: 'Maybe'") for m in rejections)
    assert events(engine) == {}


def test_a_system_name_beside_the_template_name_is_the_same_column_and_ignored(
    engine: Engine, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "both.police.csv",
        "Occurrence Ref,Occurrence Number,Occurrence Date,Occurrence Type,Nominal Ref,Role,Surname,Forename",
        "REF-1,OTHER-9,01/02/2024,Domestic Incident,N1,Victim,Brennick,Shannon",
    )
    result = ingest(engine, path)
    assert result.rejections() == []
    assert any(
        m.startswith(
            f"{path}:1: Occurrence Number: warning: a case system's name for the Occurrence Ref column"
        )
        for m in result.messages
    )
    assert set(events(engine)) == {"occurrence:REF-1"}


def test_an_unknown_role_or_type_keeps_its_error(engine: Engine, tmp_path: Path) -> None:
    header = "Occurrence Number,Occurrence Type,Begin Date,Nominal Number,Surname,Forename,Involvement Type"
    path = _write(
        tmp_path,
        "odd.police.csv",
        header,
        "14/2/24,Domestic Abuse - Maybe,16/03/2024,N1,BRENNICK,Shannon,Bystander",
    )
    rejections = ingest(engine, path).rejections()
    assert any("Occurrence Type: 'Domestic Abuse - Maybe' is not an occurrence type" in m for m in rejections)
    assert any("Involvement Type: 'Bystander' is not a role" in m for m in rejections)


CPOMS_HEADER = (
    "Incident ID,Student,UPN,Date of Birth,Year Group,Date/Time,Categories,Incident,Body Map,"
    "Action Taken,Reported By"
)


def test_a_cpoms_incident_export_loads_with_the_pupil_named_and_its_categories_read(
    engine: Engine, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "cpoms.concerns.csv",
        CPOMS_HEADER,
        '104512,"Brennick, Tyler",H999301218004,03/09/2016,Year 2,18/03/2024 08:52,'
        '"Domestic Abuse, Operation Encompass",'
        "Police notification,,Logged,Mrs K Doyle",
        '109011,"Brennick, Tyler",H999301218004,03/09/2016,Year 3,21/11/2024 11:05,'
        '"Safeguarding - Disclosure, Domestic Abuse",Said Dean came back,,SW phoned,Miss R Patel',
    )

    result = ingest(engine, path)

    assert result.rejections() == []
    pupil = people(engine)["upn:H999301218004"]
    assert (pupil["family_name"], pupil["given_name"]) == ("Brennick", "Tyler")
    got = events(engine)
    first, second = got["concern:104512"], got["concern:109011"]
    assert (first["occurred_at"], first["attrs"]["category"], first["author"]) == (
        "2024-03-18T08:52:00",
        "domestic_abuse",
        "Mrs K Doyle",
    )
    assert first["attrs"]["category_label"] == "Domestic Abuse, Operation Encompass"
    assert "categories" not in first["attrs"]
    assert (second["attrs"]["category"], second["attrs"]["categories"]) == (
        "disclosure",
        ["disclosure", "domestic_abuse"],
    )
    assert second["text"] == "Said Dean came back"
    assert f"{path}:2: Categories: warning: read 'Domestic Abuse, Operation Encompass' as domestic_abuse" in (
        "\n".join(_warnings(result.messages))
    )
    again = ingest(engine, path)
    assert (again.summary.accepted, again.summary.rejected) == (0, 0)


def test_a_list_of_unknown_labels_is_still_other_and_a_student_without_a_comma_gives_no_names(
    engine: Engine, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "odd.concerns.csv",
        CPOMS_HEADER,
        '7,Tyler Brennick,H999301218004,03/09/2016,Year 3,19/09/2024 09:10,"Sadness, Glum",Quiet,,,Mrs A',
    )
    result = ingest(engine, path)
    assert result.rejections() == []
    assert events(engine)["concern:7"]["attrs"]["category"] == "other"
    assert "family_name" not in people(engine)["upn:H999301218004"]
    assert any(
        m.startswith(f"{path}:2: Student: warning: 'Tyler Brennick' is not read as the pupil's names")
        for m in result.messages
    )


def test_set_4_police_and_school_files_lose_no_row_and_load_again_unchanged(engine: Engine) -> None:
    """Before this change every row of both files was rejected (16 and 5)."""
    for name, form in (
        ("niche-occurrences-nominals.csv", "police-csv"),
        ("cpoms-incidents-calder-vale-primary.csv", "school-concerns-csv"),
    ):
        first = ingest(engine, SET4 / name, format_name=form)
        assert first.rejections() == [] and first.summary.accepted > 0, name
        again = ingest(engine, SET4 / name, format_name=form)
        assert (again.summary.accepted, again.summary.rejected) == (0, 0), name
    assert {k for k in events(engine) if k.startswith("occurrence:")} == {
        "occurrence:14/30211/24",
        "occurrence:14/51877/24",
        "occurrence:14/70342/24",
        "occurrence:14/88901/24",
    }
    assert len([k for k in events(engine) if k.startswith("concern:")]) == 5
