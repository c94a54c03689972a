"""Session 17 (health17): what health agencies export to a MASH, as CSV: a trust's ECDS-style A&E
extract (`health-ed-csv`), a SystmOne or EMIS Community 0-19 contacts report
(`health-community-csv`) and a PAS outpatient did-not-attend list (`health-wnb-csv`). Before them
no format read a health spreadsheet: set 5's files could not be loaded at all."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.storage.tables import AlertRow

from .conftest import DOC_SAMPLES, REPO, events, ingest, people

SET5 = REPO / "evaluation" / "agency_exports" / "set5"
ED = SET5 / "ashby-trust-ecds-ed-attendances.csv"
COMMUNITY = SET5 / "systmone-0-19-contacts-halloran.csv"
WNB = SET5 / "pas-outpatient-dna-list.csv"
ROSIE, ALFIE, JADE = "nhs:9995831236", "nhs:9995831228", "nhs:9995831201"

ED_HEADER = (
    "Attendance ID,NHS Number,Surname,Forename,Date of Birth,Gender,Arrival Date,Arrival Time,"
    "Diagnosis,Anatomical Side,Safeguarding Concern,Clinician Notes"
)
HV_HEADER = (
    "Event ID,NHS Number,Surname,First Name,Date of Birth,Gender,Event Date,Service,Contact Type,"
    "Outcome,Weight (kg),Weight Centile,Safeguarding Concern,Notes"
)
WNB_HEADER = (
    "Hospital Number,NHS Number,Surname,Forename,DOB,Appointment ID,Appointment Date,Specialty,"
    "Attend Code,Attend Status"
)
ROSIE_ROW = "9995831236,Halloran,Rosie,02/03/2024,F"


def _file(tmp_path: Path, name: str, header: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join([header, *rows]) + "\r\n", encoding="utf-8")
    return path


def test_set_5_a_and_e_extract_keeps_every_good_row_and_names_each_bad_cell(engine: Engine) -> None:
    result = ingest(engine, ED, format_name="health-ed-csv")
    assert [m.split(": ", 2)[:2] for m in result.rejections()] == [
        [f"{ED}:5", "Arrival Date"],
        [f"{ED}:6", "NHS Number"],
        [f"{ED}:8", "(line)"],
    ]
    got = events(engine)
    assert {k for k in got if k.startswith("ed:")} == {
        "ed:ASH-ED-25-000412",
        "ed:ASH-ED-25-001877",
        "ed:ASH-ED-25-002190",
        "ed:ASH-ED-25-003051",
        "ed:ASH-ED-25-003051:concern",
        "ed:ASH-ED-25-003412",
        "ed:ASH-ED-25-003412:concern",
    }
    head = got["ed:ASH-ED-25-003051"]["attrs"]
    assert [(i["injury"], i["site"]) for i in head["injuries"]] == [
        ("head_injury", "right head"),
        ("bruise", "l cheek"),
    ]
    assert head["medical_opinion"] == "possible_nai"
    assert got["ed:ASH-ED-25-002190"]["attrs"]["site"] == "left radius"
    assert got["ed:ASH-ED-25-003051:concern"]["kind"] == "child_welfare_concern"
    assert got["ed:ASH-ED-25-003051"]["subjects"] == [ROSIE]
    assert people(engine)[ALFIE]["nhs_number"] == "9995831228"  # sent as `999 583 1228`
    again = ingest(engine, ED, format_name="health-ed-csv")
    assert (again.summary.accepted, again.summary.unchanged) == (0, result.summary.accepted)


def test_an_adult_s_safeguarding_concern_makes_no_child_welfare_concern(engine: Engine) -> None:
    ingest(engine, ED, format_name="health-ed-csv")
    jade = events(engine)["ed:ASH-ED-25-001877"]
    assert jade["attrs"]["safeguarding_concern"] is True
    assert "ed:ASH-ED-25-001877:concern" not in events(engine)


def test_a_note_s_injury_is_added_only_where_the_diagnosis_has_none(engine: Engine, tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "trust.ed.csv",
        ED_HEADER,
        f"A1,{ROSIE_ROW},11/05/2025,20:15,Contusion of face,Left,No,Bruise to L cheek.",
        f"A2,{ROSIE_ROW},12/05/2025,09:00,Viral illness,,Not assessed,Well.",
    )
    result = ingest(engine, path)
    assert result.rejections() == []
    assert events(engine)["ed:A1"]["attrs"]["injuries"] == [{"injury": "bruise", "site": "left face"}]
    assert "injury" not in events(engine)["ed:A2"]["attrs"]
    assert any(":3: Safeguarding Concern: warning: 'Not assessed'" in m for m in result.messages)


def test_set_5_contacts_report_makes_weighings_missed_visits_and_concerns(engine: Engine) -> None:
    result = ingest(engine, COMMUNITY, format_name="health-community-csv")
    assert sorted({m.split(": ", 2)[1] for m in result.rejections()}) == ["Event Date", "Weight (kg)"]
    got = events(engine)
    assert got["community:80412277:growth"]["kind"] == "growth_measurement"
    assert got["community:80412277:growth"]["attrs"] == {
        "weight_kg": 8.6,
        "height_cm": 72.0,
        "weight_centile": 50.0,
    }
    assert got["community:80425561:growth"]["attrs"]["weight_centile"] == 9.0  # written `9th`
    assert "weight_kg" not in got["community:80425561"]["attrs"]  # the weighing counts once
    assert (got["community:80421350"]["kind"], got["community:80421350"]["attrs"]["was_not_brought"]) == (
        "missed_appointment",
        True,
    )
    assert got["community:80423018"]["attrs"]["no_access"] is True
    assert got["community:80419904"]["kind"] == "school_nurse_contact"
    assert got["community:80426735"]["attrs"]["injuries"] == [{"injury": "bruise", "site": "l cheek"}]
    assert got["community:80430118:concern"]["subjects"] == [ALFIE]
    again = ingest(engine, COMMUNITY, format_name="health-community-csv")
    assert (again.summary.accepted, again.summary.unchanged) == (0, result.summary.accepted)


def test_a_note_s_injury_is_not_read_without_a_safeguarding_concern(engine: Engine, tmp_path: Path) -> None:
    """A community note often describes the parent's injury; unflagged, it is not the child's."""
    path = _file(
        tmp_path,
        "hv.community.csv",
        HV_HEADER,
        f"E1,{ROSIE_ROW},06/05/2025,Health Visiting,Home visit,Seen,,,No,Mum has a bruise on her face.",
    )
    assert ingest(engine, path).rejections() == []
    assert "injury" not in events(engine)["community:E1"]["attrs"]


def test_a_centile_range_or_an_impossible_weight_names_its_column(engine: Engine, tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "hv.community.csv",
        HV_HEADER,
        "E1,9995831236,Halloran,Rosie,02/03/2024,F,06/05/2025,Health Visiting,Clinic,Seen,840,9th-25th,,",
    )
    assert ingest(engine, path).rejections() == [
        f"{path}:2: Weight (kg): 840 kg (expected a number from 0.2 to 200 kg)",
        f"{path}:2: Weight Centile: '9th-25th' (expected one centile from 0 to 100, such as 50 or 50th)",
    ]


def test_set_5_dna_list_reads_codes_and_words_and_drops_attended(engine: Engine) -> None:
    result = ingest(engine, WNB, format_name="health-wnb-csv")
    assert sorted({m.split(": ", 2)[1] for m in result.rejections()}) == [
        "Appointment Date",
        "Attend Code",
        "Attend Status",
    ]
    got = {k: v["attrs"] for k, v in events(engine).items()}
    assert got["appointment:OPA-7731920"]["was_not_brought"] is True  # a child: not brought
    assert got["appointment:OPA-7741233"]["was_not_brought"] is False  # an adult did not attend
    assert got["appointment:OPA-7761876"]["was_not_brought"] is False  # cancelled by the family
    assert "appointment:OPA-7733105" not in got  # attended: not a safeguarding record
    again = ingest(engine, WNB, format_name="health-wnb-csv")
    assert (again.summary.accepted, again.summary.unchanged) == (0, result.summary.accepted)


def test_a_code_and_a_status_that_disagree_reject_the_row(engine: Engine, tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "pas.wnb.csv",
        WNB_HEADER,
        "A1,9995831236,Halloran,Rosie,02/03/2024,OPA-1,10/06/2025,Paediatrics,5,DNA",
    )
    assert ingest(engine, path).rejections() == [
        f"{path}:2: Attend Status: 'DNA' differs from Attend Code '5' (expected the status the code "
        "stands for, or only one of them)"
    ]


def test_the_three_feeds_meet_on_one_patient_by_nhs_number(engine: Engine) -> None:
    for path, name in ((ED, "health-ed-csv"), (COMMUNITY, "health-community-csv"), (WNB, "health-wnb-csv")):
        ingest(engine, path, format_name=name)
    rosie = people(engine)[ROSIE]
    assert set(rosie["feeds"]) == {"health-ed-csv", "health-community-csv", "health-wnb-csv"}
    assert rosie["dob"] == "2024-03-02"
    assert JADE in people(engine)


def test_each_health_sample_loads_whole_and_again_changes_nothing(engine: Engine) -> None:
    for sample in ("harker-ed.ed.csv", "harker-0-19.community.csv", "harker-outpatients.wnb.csv"):
        first = ingest(engine, DOC_SAMPLES / sample)
        assert first.rejections() == [], sample
        assert first.summary.accepted > 0, sample
        again = ingest(engine, DOC_SAMPLES / sample)
        assert (again.summary.accepted, again.summary.rejected) == (0, 0), sample


def test_the_early_warning_indicators_read_the_health_extracts(store_settings: Settings) -> None:
    """Loaded as a MASH loads them (`alarmbell ingest`, which links and refreshes alerts), Rosie's
    centile fall with a missed clinic, the bruise on her cheek, the ?NAI and her missed
    appointments each raise the indicator that reads them."""
    runner = CliRunner()
    env = {"ALARMBELL_DATABASE_URL": store_settings.database_url}
    for path, name in ((ED, "health-ed-csv"), (COMMUNITY, "health-community-csv"), (WNB, "health-wnb-csv")):
        result = runner.invoke(app, ["ingest", str(path), "--format", name], env=env)
        assert " rejected" in result.output, result.output
    engine = make_engine(store_settings)
    with engine.connect() as connection:
        raised = {rule for (rules,) in connection.execute(select(AlertRow.rules)) for rule in rules}
    engine.dispose()
    assert {
        "hunger_or_weight_loss",
        "faltering_growth_with_neglect",
        "ten4_faces_bruise",
        "medical_opinion_non_accidental",
        "repeated_was_not_brought",
    } <= raised


def test_secondary_diagnoses_add_their_injuries_to_the_body_map(engine: Engine, tmp_path: Path) -> None:
    """ECDS records several diagnoses; an extract flattening them into a second column had only
    its first read, the rest reported as an ignored column."""
    path = _file(
        tmp_path,
        "trust.ed.csv",
        ED_HEADER + ",Diagnosis 2",
        f"A1,{ROSIE_ROW},11/05/2025,20:15,Head injury,,Yes,Fell.,Contusion of face; Contusion of ear",
    )
    assert ingest(engine, path).rejections() == []
    injuries = events(engine)["ed:A1"]["attrs"]["injuries"]
    assert [(i["injury"], i["site"]) for i in injuries] == [
        ("head_injury", "head"),
        ("bruise", "face"),
        ("bruise", "ear"),
    ]
