"""Issue 15 item 5: CSV templates as lenient as real exports and as strict as the data.

Each test writes an export the way a real system or a person with Excel would (Windows-1252,
mixed date forms, punctuated headers, a short row, a concern naming two pupils) and loads it
into the real store through the CLI's ingest service.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.storage.tables import EventRecordRow, QuarantinedLine

from .conftest import DOC_SAMPLES, REPO, events, ingest, people

CONCERNS_HEADER = (
    "Concern ID,Date,Time,School,UPN,Surname,Forename,Date of Birth,Gender,Year Group,Category,"
    "Body Map Site,Concern,Action Taken,DSL,Recorded By"
)
MAISIE = "B999201500101,Harker,Maisie,14/06/2019,F,Reception"
KAYDEN = "Q999201500102,Rowe,Kayden,09/03/2015,M,Year 4"
TIA = "E999201500103,Price,Tia,22/11/2016,F,Year 3"
DATE = "a date as YYYY-MM-DD, DD/MM/YYYY or DD-Mon-YY"


def _concerns(tmp_path: Path, *rows: str, header: str = CONCERNS_HEADER, name: str = "log") -> Path:
    path = tmp_path / f"{name}.concerns.csv"
    path.write_text("\r\n".join([header, *rows]) + "\r\n", encoding="utf-8")
    return path


def _row(concern: str, when: str, clock: str, pupil: str, category: str = "Hunger", text: str = "") -> str:
    return (
        f"{concern},{when},{clock},Quarry Lane Primary,{pupil},{category},,{text},Logged,Mrs A. Bell,Teacher"
    )


def _warnings(messages: list[str]) -> list[str]:
    return [m for m in messages if ": warning: " in m]


# --- encoding -------------------------------------------------------------------------------


def test_windows_1252_names_load_with_one_warning_naming_the_encoding(engine: Engine, tmp_path: Path) -> None:
    """Excel's "CSV (Comma delimited)" on UK Windows: every accented row was rejected as not UTF-8."""
    rows = [
        _row("C-1", "19/10/2023", "08:55", "B999201500101,Ó Conchúir,Zoë,14/06/2019,F,Reception"),
        _row("C-2", "20/10/2023", "09:00", "Q999201500102,Rowe,Kayden,09/03/2015,M,Year 4", text="café"),
        _row("C-3", "21/10/2023", "09:10", "E999201500103,Núñez,Tía,22/11/2016,F,Year 3"),
    ]
    path = tmp_path / "excel.concerns.csv"
    path.write_bytes(("\r\n".join([CONCERNS_HEADER, *rows]) + "\r\n").encode("cp1252"))

    result = ingest(engine, path)

    assert result.rejections() == []
    [warning] = _warnings(result.messages)
    assert warning.startswith(f"{path}:2: (file): warning: read as Windows-1252, not UTF-8")
    assert (
        people(engine)["upn:B999201500101"]["given_name"],
        people(engine)["upn:B999201500101"]["family_name"],
    ) == (
        "Zoë",
        "Ó Conchúir",
    )
    assert people(engine)["upn:E999201500103"]["given_name"] == "Tía"
    assert events(engine)["concern:C-2"]["text"] == "café"
    again = ingest(engine, path)
    assert (again.summary.accepted, again.summary.unchanged) == (0, result.summary.accepted)


@pytest.mark.parametrize(
    ("sample", "source_id"),
    [("incidents.police.csv", "nominal:N100234"), ("school-attendance.attendance.csv", "upn:B999201500101")],
)
def test_every_csv_format_reads_windows_1252(
    engine: Engine, tmp_path: Path, sample: str, source_id: str
) -> None:
    given = "Jodie" if "police" in sample else "Maisie"
    path = tmp_path / sample
    path.write_bytes((DOC_SAMPLES / sample).read_text().replace(given, "Zoë").encode("cp1252"))
    result = ingest(engine, path)
    assert result.rejections() == []
    assert len([m for m in _warnings(result.messages) if "Windows-1252" in m]) == 1
    assert people(engine)[source_id]["given_name"] == "Zoë"


def test_a_file_in_utf16_is_one_precise_error(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "unicode.concerns.csv"
    path.write_bytes((CONCERNS_HEADER + "\r\n" + _row("C-1", "19/10/2023", "08:55", MAISIE)).encode("utf-16"))
    assert ingest(engine, path).rejections() == [
        f'{path}:1: (file): UTF-16 text (Excel\'s "Unicode Text"), not CSV (expected the sheet saved as '
        '"CSV UTF-8" or "CSV (Comma delimited)")'
    ]


# --- dates ----------------------------------------------------------------------------------


def _stored_instants(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(select(EventRecordRow.source_id, EventRecordRow.occurred_at)).all()
    return {source_id: str(at)[:19] for source_id, at in rows}


def test_dates_in_every_form_systems_export(engine: Engine, tmp_path: Path) -> None:
    """ISO with and without time and offset, dd/mm/yyyy with HH:MM or HH:MM:SS, and dd-MMM-yy."""
    path = _concerns(
        tmp_path,
        _row("C-1", "2023-10-19T08:55:00", "", MAISIE),
        _row("C-2", "19/10/2023 08:55", "", MAISIE),
        _row("C-3", "19/10/2023 08:55:30", "", MAISIE),
        _row("C-4", "03-Nov-23", "09:20", MAISIE),
        _row("C-5", "2024-01-18 14:10", "", MAISIE),
        _row("C-6", "2023-10-19T07:55:00Z", "", MAISIE),
        _row("C-7", "19/10/2023 00:00:00", "08:55", MAISIE),
        _row("C-8", "2024-02-12", "", "Q999201500102,Rowe,Kayden,09-Mar-15,M,Year 4"),
    )
    result = ingest(engine, path)
    assert result.messages == []
    got = {k: v["occurred_at"] for k, v in events(engine).items()}
    assert got == {
        "concern:C-1": "2023-10-19T08:55:00",
        "concern:C-2": "2023-10-19T08:55:00",
        "concern:C-3": "2023-10-19T08:55:30",
        "concern:C-4": "2023-11-03T09:20:00",
        "concern:C-5": "2024-01-18T14:10:00",
        "concern:C-6": "2023-10-19T07:55:00+00:00",
        "concern:C-7": "2023-10-19T08:55:00",
        "concern:C-8": "2024-02-12",
    }
    instants = _stored_instants(engine)  # naive times are England's: BST in October, GMT in January
    assert instants["concern:C-2"] == instants["concern:C-6"] == "2023-10-19 07:55:00"
    assert instants["concern:C-5"] == "2024-01-18 14:10:00"
    assert people(engine)["upn:Q999201500102"]["dob"] == "2015-03-09"
    assert ingest(engine, path).summary.accepted == 0


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("19/10/2023 25:00", "'19/10/2023 25:00' has no such time of day"),
        ("31-Feb-23", "'31-Feb-23' is not a real calendar date"),
        ("03-Foo-23", "'03-Foo-23'"),
    ],
)
def test_a_bad_date_form_says_which_forms_are_accepted(
    engine: Engine, tmp_path: Path, value: str, problem: str
) -> None:
    path = _concerns(tmp_path, _row("C-1", value, "", MAISIE))
    [message] = ingest(engine, path).rejections()
    assert message.startswith(
        f"{path}:2: Date: {problem} (expected a date as YYYY-MM-DD, DD/MM/YYYY or DD-Mon-YY"
    )


def test_a_time_in_the_date_cell_must_agree_with_the_time_column(engine: Engine, tmp_path: Path) -> None:
    path = _concerns(tmp_path, _row("C-1", "19/10/2023 08:55", "09:30", MAISIE))
    assert ingest(engine, path).rejections() == [
        f"{path}:2: Time: '09:30' differs from the time in Date '19/10/2023 08:55' (expected the same "
        "time in both, or the time in one of them)"
    ]


def test_police_and_attendance_read_the_same_date_forms(engine: Engine, tmp_path: Path) -> None:
    police = (
        (DOC_SAMPLES / "incidents.police.csv")
        .read_text()
        .replace("14/06/2023,23:05,15/06/2023", "14-Jun-23,23:05,2023-06-15")
    )
    police_path = tmp_path / "x.police.csv"
    police_path.write_text(police)
    attendance = (DOC_SAMPLES / "school-attendance.attendance.csv").read_text()
    attendance_path = tmp_path / "x.attendance.csv"
    attendance_path.write_text(attendance.replace("2023-09-05,2023-12-20", "05-Sep-23,20/12/2023 00:00:00"))
    assert ingest(engine, police_path).rejections() == []
    assert ingest(engine, attendance_path).rejections() == []
    got = events(engine)
    assert got["occurrence:XX/2023/004411"]["occurred_at"] == "2023-06-14T23:05:00"
    assert "attendance:B999201500101:2023-09-05:2023-12-20" in got


# --- headers --------------------------------------------------------------------------------


def test_headers_match_ignoring_case_spaces_and_punctuation(engine: Engine, tmp_path: Path) -> None:
    """`ConcernID`, `U.P.N.` and `Body-map site` were separate, unknown columns: every row was rejected."""
    header = (
        "ConcernID,DATE,time,School,U.P.N.,surname,FORENAME,date_of_birth,Gender,YearGroup,Category,"
        "Body-map site,Concern,Action Taken,D.S.L.,Recorded_By"
    )
    clean = (DOC_SAMPLES / "school-concerns.concerns.csv").read_text()
    punctuated = tmp_path / "punctuated.concerns.csv"
    punctuated.write_text(header + clean[clean.index("\n") :])
    result = ingest(engine, punctuated)
    assert result.messages == []
    kept = (events(engine), people(engine))
    assert kept[0]["concern:CPM-20231103-0017"]["attrs"]["sites"] == ["left_upper_arm", "back_of_left_arm"]
    assert kept[1]["upn:B999201500101"]["dob"] == "2019-06-14"
    again = ingest(engine, DOC_SAMPLES / "school-concerns.concerns.csv")
    assert again.summary.accepted == 0, "the documented spelling gives exactly the same records"
    assert (events(engine), people(engine)) == kept


def test_an_unknown_column_is_reported_once_as_ignored(engine: Engine, tmp_path: Path) -> None:
    path = _concerns(
        tmp_path,
        _row("C-1", "19/10/2023", "08:55", MAISIE) + ",x",
        _row("C-2", "20/10/2023", "08:55", MAISIE) + ",y",
        header=CONCERNS_HEADER + ",Ethnicity Notes",
    )
    result = ingest(engine, path)
    assert result.messages == [
        f"{path}:1: Ethnicity Notes: warning: not a column of the school-concerns-csv template, so ignored"
    ]
    assert len(events(engine)) == 2


def test_a_column_given_twice_in_different_spellings_uses_the_first(engine: Engine, tmp_path: Path) -> None:
    path = _concerns(
        tmp_path, _row("C-1", "19/10/2023", "08:55", MAISIE) + ",Other", header=CONCERNS_HEADER + ",category"
    )
    result = ingest(engine, path)
    assert result.messages == [
        f"{path}:1: category: warning: column 17 is the same column as 'Category' (column 11) once case, "
        "spaces and punctuation are ignored; column 11 is used, column 17 ignored"
    ]
    assert events(engine)["concern:C-1"]["attrs"]["category"] == "hunger"


def test_attendance_keeps_its_authorised_and_unauthorised_columns(engine: Engine) -> None:
    """They were documented as ignored: a template column that is present is used."""
    ingest(engine, DOC_SAMPLES / "school-attendance.attendance.csv")
    attrs = events(engine)["attendance:B999201500101:2023-09-05:2023-12-20"]["attrs"]
    assert (attrs["authorised_absence"], attrs["unauthorised_absence"]) == (12, 27)


# --- all errors of a row; rows of the wrong width ---------------------------------------------


def test_a_row_reports_all_its_errors(engine: Engine, tmp_path: Path) -> None:
    bad = (
        "C-1,19/13/2023,8:75,Quarry Lane Primary,"
        + "C999201500101,Harker,Maisie,31/02/2019,Gal,Reception,Hunger,,,,,"
    )
    path = _concerns(tmp_path, bad, _row("C-2", "20/10/2023", "09:00", MAISIE))
    result = ingest(engine, path)
    assert result.rejections() == [
        f"{path}:2: Date: '19/13/2023' is not a real calendar date (expected {DATE})",
        f"{path}:2: Time: '8:75' (expected a time as HH:MM or HH:MM:SS (24-hour))",
        f"{path}:2: Date of Birth: '31/02/2019' is not a real calendar date (expected {DATE})",
        f"{path}:2: Gender: 'Gal' (expected M, F, X or U (or Male, Female, Unknown))",
        f"{path}:2: UPN: 'C999201500101' fails the check letter: the other 12 characters give 'B', not 'C', "
        "and the row has no name and date of birth to key the pupil by instead (expected a UPN with the "
        "right check letter, or Surname or Forename and Date of Birth)",
    ]
    assert result.summary.rejected == 1
    with engine.connect() as connection:
        [(line, field, problem)] = connection.execute(
            select(QuarantinedLine.line_no, QuarantinedLine.field, QuarantinedLine.problem)
        ).all()
    assert (line, field) == (2, "Date")
    assert problem.count("\n") == 4 and "Gender: 'Gal'" in problem
    assert list(events(engine)) == ["concern:C-2"]


def test_a_row_reports_its_bad_cells_and_the_format_s_own_problem(engine: Engine, tmp_path: Path) -> None:
    bad = (
        "C-1,19/10/2023,08:55,Quarry Lane Primary," + "C999201500101,Harker,Maisie,,Gal,Reception,Hunger,,,,,"
    )
    path = _concerns(tmp_path, bad)
    messages = ingest(engine, path).rejections()
    assert [m.split(": ")[1] for m in messages] == ["Gender", "UPN"]


def test_a_police_row_reports_all_its_bad_cells(engine: Engine, tmp_path: Path) -> None:
    lines = (DOC_SAMPLES / "incidents.police.csv").read_text().splitlines(keepends=True)
    cells = lines[1].split(",")
    header = lines[0].split(",")
    for column, value in (("DOB", "31/02/1994"), ("Sex", "Wmn"), ("Alcohol", "Lots")):
        cells[header.index(column)] = value
    path = tmp_path / "bad.police.csv"
    path.write_text(lines[0] + ",".join(cells))
    assert [m.split(": ")[1] for m in ingest(engine, path).rejections()] == ["Alcohol", "DOB", "Sex"]


@pytest.mark.parametrize(
    "sample",
    [
        "incidents.police.csv",
        "school-concerns.concerns.csv",
        "school-attendance.attendance.csv",
        "cin-template.cin.csv",
    ],
)
@pytest.mark.parametrize("spoil", ["short", "long"])
def test_a_row_of_the_wrong_width_is_rejected_never_read_shifted(
    engine: Engine, tmp_path: Path, sample: str, spoil: str
) -> None:
    header, *rows = (DOC_SAMPLES / sample).read_text().splitlines(keepends=True)
    width = len(header.split(","))
    cells = rows[0].rstrip("\n").split(",")
    spoilt = cells[:2] + cells[3:] if spoil == "short" else cells[:2] + ["extra"] + cells[2:]
    path = tmp_path / sample
    path.write_text(header + ",".join(spoilt) + "\n" + "".join(rows[1:]))
    width_error = (
        f"{path}:2: (line): {len(spoilt)} cells, the header has {width} (expected one cell per header "
        "column; a cell holding a comma or a line break needs quotes)"
    )
    rejections = ingest(engine, path).rejections()
    assert rejections[0] == width_error
    # A police occurrence with a rejected row is held back whole (its other rows quarantined with it,
    # to be sent again once the row is fixed), so that an incident never lacks or misplaces a person.
    held = [r for r in rejections[1:] if "not recorded: its row" in r]
    assert len(rejections) == 1 + len(held) and (bool(held) == sample.endswith("police.csv"))


# --- a concern naming several pupils -----------------------------------------------------------


def test_a_concern_naming_three_pupils_keeps_all_three(engine: Engine, tmp_path: Path) -> None:
    """One row per pupil under one Concern ID: the rows became versions; only the last pupil was kept."""
    text = "Fight in the playground; all three spoken to."
    path = _concerns(
        tmp_path,
        _row("C-9", "12/02/2024", "12:40", MAISIE, "Behaviour", text),
        _row("C-9", "12/02/2024", "12:40", KAYDEN, "Behaviour", text),
        _row("C-9", "12/02/2024", "12:40", TIA, "Behaviour", text),
    )
    result = ingest(engine, path)
    assert result.messages == []
    concern = events(engine)["concern:C-9"]
    assert concern["subjects"] == ["upn:B999201500101", "upn:Q999201500102", "upn:E999201500103"]
    assert concern["attrs"]["year_group"] == "Reception; Year 4; Year 3"
    with engine.connect() as connection:
        versions = connection.execute(select(EventRecordRow.version)).scalars().all()
    assert versions == [1]
    assert set(people(engine)) == {"upn:B999201500101", "upn:Q999201500102", "upn:E999201500103"}
    again = ingest(engine, path)
    assert (again.summary.accepted, again.summary.rejected) == (0, 0)


def test_rows_of_one_concern_that_disagree_reject_the_later_row(engine: Engine, tmp_path: Path) -> None:
    path = _concerns(
        tmp_path,
        _row("C-9", "12/02/2024", "12:40", MAISIE, "Behaviour"),
        _row("C-9", "12/02/2024", "12:40", KAYDEN, "Injury"),
    )
    assert ingest(engine, path).rejections() == [
        f"{path}:3: Category: 'Injury' differs from 'Behaviour' on line 2, a row of the same concern:C-9 "
        "(expected the same details on every row of one concern (one row per pupil it names))"
    ]
    assert events(engine)["concern:C-9"]["subjects"] == ["upn:B999201500101"]


# --- the docs say exactly what the templates read -------------------------------------------

DOC_PAGES = {
    "school-concerns-csv": "school-concerns-csv.md",
    "school-attendance-csv": "school-attendance-csv.md",
    "police-csv": "police-csv.md",
    "cin-csv": "cin-csv.md",
    "csc-contacts-csv": "csc-contacts-csv.md",
    "health-ed-csv": "health-ed-csv.md",
    "health-community-csv": "health-community-csv.md",
    "health-wnb-csv": "health-wnb-csv.md",
}


def _documented_columns(page: str) -> set[str]:
    text = (REPO / "docs" / "formats" / page).read_text()
    table = text[text.index("| column |") :].split("\n\n")[0]
    found: set[str] = set()
    for line in table.splitlines()[2:]:
        cell = line.split("|")[1].strip()
        if cell.startswith("Q1 ... Q"):
            found |= {f"Q{n}" for n in range(1, int(cell.rsplit("Q", 1)[1]) + 1)}
        else:
            # "Name (or Other, Another)": the documented name and each of its aliases.
            found |= {name.strip() for name in re.split(r",|\(or |\)", cell) if name.strip()}
    return found


@pytest.mark.parametrize("template", sorted(DOC_PAGES))
def test_each_template_reads_exactly_the_columns_its_page_documents(template: str) -> None:
    from alarmbell.ingest.csv_templates import TEMPLATES, column_key

    documented = {column_key(name) for name in _documented_columns(DOC_PAGES[template])}
    assert documented == {key for column in TEMPLATES[template] for key in column.keys}


def test_a_rejected_row_of_a_shared_concern_adds_no_subject(engine: Engine, tmp_path: Path) -> None:
    """A pupil record that fails validation rejects its row whole, so no subject points at nobody."""
    unborn = f"Q999201500102,Rowe,Kayden,01/06/{date.today().year + 1},M,Year 4"
    path = _concerns(
        tmp_path,
        _row("C-9", "12/02/2024", "12:40", MAISIE, "Behaviour"),
        _row("C-9", "12/02/2024", "12:40", unborn, "Behaviour"),
        _row("C-9", "12/02/2024", "12:40", TIA, "Behaviour"),
    )
    [message] = ingest(engine, path).rejections()
    assert message.startswith(f"{path}:3: dob: ")
    assert events(engine)["concern:C-9"]["subjects"] == ["upn:B999201500101", "upn:E999201500103"]
    assert set(people(engine)) == {"upn:B999201500101", "upn:E999201500103"}


def test_police_times_with_and_without_an_offset_order_as_instants(engine: Engine, tmp_path: Path) -> None:
    """An ISO time with `Z` next to England's local times: escalation compares them as instants."""
    sample = (DOC_SAMPLES / "incidents.police.csv").read_text()
    path = tmp_path / "mixed.police.csv"
    path.write_text(sample.replace("14/06/2023,23:05,", "2023-06-14T22:05:00Z,,"))
    assert ingest(engine, path).rejections() == []
    got = events(engine)
    assert got["occurrence:XX/2023/004411"]["occurred_at"] == "2023-06-14T22:05:00+00:00"
    clean = ingest_fresh_copy(tmp_path)
    assert {k: v["attrs"].get("incidents_12m") for k, v in got.items()} == clean


def ingest_fresh_copy(tmp_path: Path) -> dict[str, object]:
    """incidents_12m of each occurrence when the documented sample is loaded into a store of its own."""
    other = make_engine(Settings(database_url=f"sqlite:///{tmp_path / 'clean.db'}"))
    try:
        ingest(other, DOC_SAMPLES / "incidents.police.csv")
        return {k: v["attrs"].get("incidents_12m") for k, v in events(other).items()}
    finally:
        other.dispose()
