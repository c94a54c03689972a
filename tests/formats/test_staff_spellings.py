"""Spellings agency staff really write, read as the vocabulary's codes with a warning each.

`High Risk` for a DASH grade, `2305` for a time, `Woman` for a sex and `Neglect` for a CIN
category of abuse were rejected, losing the row's evidence. Each is now read as the code it
stands for, said in a warning naming the file, line and column; anything else keeps its error.
Every file is loaded twice into the real store: the second load changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from .conftest import events, ingest, people
from .test_police_extracts import extract, nominal, occurrence

POLICE_EXTRA = ("DASH Officer Grade", "DASH Score")
GRADE_EXPECTED = "expected one of standard, medium, high"
CATEGORIES_EXPECTED = "expected one of EMO MUL NEG PHY SAB"
CONCERNS_HEADER = (
    "Concern ID,Date,Time,School,UPN,Surname,Forename,Date of Birth,Gender,Year Group,Category,"
    "Body Map Site,Concern,Action Taken,DSL,Recorded By"
)
CIN_HEADER = (
    "LEA,LAchildID,UPN,UPNunknown,PersonBirthDate,GenderCurrent,Ethnicity,Disabilities,"
    "CINreferralDate,Step,Date,EndDate,Code,PrimaryNeed,NFA,Factors,ICPCTarget,ICPCDate,"
    "ICPCNotRequired,LatestCategory,PreviousPlans"
)


def _warnings(messages: list[str]) -> list[str]:
    """Each warning without its file name: `2: Sex: warning: read 'Woman' as 'F'`."""
    return [m.split(".csv:", 1)[1] for m in messages if ": warning: " in m]


def _loaded_twice(engine: Engine, path: Path) -> list[str]:
    """The first load's messages; the second load must accept nothing new."""
    first = ingest(engine, path)
    second = ingest(engine, path)
    assert second.summary.accepted == 0 and second.summary.rejected == first.summary.rejected
    return first.messages


def _police(tmp_path: Path) -> Path:
    rows = [
        {
            **occurrence("XX/2024/31"),
            "Occurrence Time": "2305",
            **nominal("N1", "Victim", "Harker Jodie", "03/02/1994", "Woman"),
            "DASH Officer Grade": "High Risk",
        },
        {
            **occurrence("XX/2024/31"),
            "Occurrence Time": "2305",
            **nominal("N2", "Suspect", "Cole Ryan", "21/11/1990", "MAN"),
        },
        {
            **occurrence("XX/2024/31"),
            "Occurrence Time": "23:05",
            **nominal("N3", "Child Present", "Harker Maisie", "14/06/2019", "girl"),
        },
        {
            **occurrence("XX/2024/32", day="20/06/2024"),
            "Occurrence Time": "0930",
            **nominal("N4", "Child Present", "Harker Alfie", "01/01/2017", "Boy"),
            "DASH Score": "medium  risk",
        },
        {
            **occurrence("XX/2024/33", day="21/06/2024"),
            **nominal("N5", "Victim", "Lowe Dana", "01/01/1990", "F"),
            "DASH Officer Grade": "Standard Risk",
        },
    ]
    return extract(tmp_path, rows, extra=POLICE_EXTRA)


def test_police_staff_spellings_are_read_with_a_warning_each(engine: Engine, tmp_path: Path) -> None:
    path = _police(tmp_path)
    messages = _loaded_twice(engine, path)
    assert [m for m in messages if ": warning: " not in m] == []
    assert sorted(_warnings(messages)) == sorted(
        [
            "2: Occurrence Time: warning: read '2305' as '23:05'",
            "2: Sex: warning: read 'Woman' as 'F'",
            "2: DASH Officer Grade: warning: read 'High Risk' as 'high'",
            "3: Occurrence Time: warning: read '2305' as '23:05'",
            "3: Sex: warning: read 'MAN' as 'M'",
            "4: Sex: warning: read 'girl' as 'F'",
            "5: Occurrence Time: warning: read '0930' as '09:30'",
            "5: Sex: warning: read 'Boy' as 'M'",
            "5: DASH Score: warning: read 'medium  risk' as 'medium'",
            "6: DASH Officer Grade: warning: read 'Standard Risk' as 'standard'",
        ]
    )
    got = events(engine)
    first = got["occurrence:XX/2024/31"]
    assert first["occurred_at"] == "2024-06-14T23:05:00"
    assert first["attrs"]["dash_risk"] == "high" and first["attrs"]["dash_officer_grade"] == "high"
    assert got["occurrence:XX/2024/32"]["occurred_at"] == "2024-06-20T09:30:00"
    assert got["occurrence:XX/2024/32"]["attrs"]["dash_officer_grade"] == "medium"
    assert got["occurrence:XX/2024/33"]["attrs"]["dash_officer_grade"] == "standard"
    sexes = {sid: p["sex"] for sid, p in people(engine).items()}
    assert sexes == {f"nominal:N{n}": s for n, s in enumerate("FMFMF", start=1)}


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("Sex", "Lady", "'Lady' (expected M, F, X or U (or Male, Female, Unknown))"),
        ("Sex", "Women", "'Women' (expected M, F, X or U (or Male, Female, Unknown))"),
        ("Occurrence Time", "2405", "'2405' (expected a time as HH:MM or HH:MM:SS (24-hour))"),
        ("Occurrence Time", "0975", "'0975' (expected a time as HH:MM or HH:MM:SS (24-hour))"),
        ("Occurrence Time", "930", "'930' (expected a time as HH:MM or HH:MM:SS (24-hour))"),
        (
            "DASH Officer Grade",
            "Low Risk",
            "'Low Risk' is not a DASH grade (expected one of standard, medium, high)",
        ),
        (
            "DASH Officer Grade",
            "Very High Risk",
            "'Very High Risk' is not a DASH grade (expected one of standard, medium, high)",
        ),
        # Shortened forms read since session 14 stop at what names one grade or time only.
        ("Occurrence Time", "25.10", "'25.10' (expected a time as HH:MM or HH:MM:SS (24-hour))"),
        ("Occurrence Time", "19.3", "'19.3' (expected a time as HH:MM or HH:MM:SS (24-hour))"),
        # The 12-hour clock (session 15) only where it names one time: `12am` is midnight to some.
        *(
            ("Occurrence Time", time, f"{time!r} (expected a time as HH:MM or HH:MM:SS (24-hour))")
            for time in ("12am", "12.30am", "13.00pm", "0.30am", "9.60pm", "930pm")
        ),
        *(
            ("DASH Officer Grade", grade, f"{grade!r} is not a DASH grade ({GRADE_EXPECTED})")
            for grade in ("V", "Very high", "Hi")
        ),
    ],
)
def test_other_police_spellings_keep_their_precise_error(
    engine: Engine, tmp_path: Path, column: str, value: str, expected: str
) -> None:
    row = {**occurrence("XX/2024/34"), **nominal("N1", "Victim", "Harker Jodie", "03/02/1994", "F")}
    path = extract(tmp_path, [{**row, column: value}], extra=POLICE_EXTRA)
    assert ingest(engine, path).rejections() == [f"{path}:2: {column}: {expected}"]


def test_school_concerns_read_a_four_digit_time_and_sex_words(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "log.concerns.csv"
    rows = [
        "C-1,19/10/2023,0855,Quarry Lane Primary,B999201500101,Harker,Maisie,14/06/2019,Girl,Reception,"
        "Hunger,,Hungry at breakfast club,Logged,Mrs A. Bell,Teacher",
        "C-2,20/10/2023,1410,Quarry Lane Primary,Q999201500102,Rowe,Kayden,09/03/2015,boy,Year 4,"
        "Behaviour,,Swearing,Logged,Mrs A. Bell,Teacher",
    ]
    path.write_text("\r\n".join([CONCERNS_HEADER, *rows]) + "\r\n", encoding="utf-8")
    messages = _loaded_twice(engine, path)
    assert _warnings(messages) == [
        "2: Time: warning: read '0855' as '08:55'",
        "2: Gender: warning: read 'Girl' as 'F'",
        "3: Time: warning: read '1410' as '14:10'",
        "3: Gender: warning: read 'boy' as 'M'",
    ]
    assert events(engine)["concern:C-1"]["occurred_at"] == "2023-10-19T08:55:00"
    assert sorted(p["sex"] for p in people(engine).values()) == ["F", "M"]


def test_times_on_the_twelve_hour_clock_are_read(engine: Engine, tmp_path: Path) -> None:
    """`9.30am` and `1.15pm`, as staff type a time into a log, lost the whole concern (set 3)."""
    path = tmp_path / "log.concerns.csv"
    times = ("9.30am", "1.15pm", "12.40 p.m.", "9 PM")
    rows = [
        f"C-{n},19/10/2023,{time},Quarry Lane Primary,B999201500101,Harker,Maisie,14/06/2019,F,Reception,"
        "Hunger,,Hungry at breakfast club,Logged,Mrs A. Bell,Teacher"
        for n, time in enumerate(times, start=1)
    ]
    path.write_text("\r\n".join([CONCERNS_HEADER, *rows]) + "\r\n", encoding="utf-8")
    messages = _loaded_twice(engine, path)
    read = ("09:30", "13:15", "12:40", "21:00")
    assert _warnings(messages) == [
        f"{n}: Time: warning: read {time!r} as {clock!r}"
        for n, time, clock in zip((2, 3, 4, 5), times, read, strict=True)
    ]
    got = events(engine)
    assert [got[f"concern:C-{n}"]["occurred_at"] for n in (1, 2, 3, 4)] == [
        f"2023-10-19T{c}:00" for c in read
    ]


def _cin(tmp_path: Path, plans: list[tuple[str, str]]) -> Path:
    """One child per plan, (Code, LatestCategory) each, with its referral."""
    lines = [CIN_HEADER]
    for n, (initial, latest) in enumerate(plans, start=1):
        child = f"999,C{n:05d},,UN1,2019-06-14,2,WBRI,NONE,2023-11-03"
        lines.append(f"{child},referral,2023-11-03,,2A,N1,No,,,,,,")
        lines.append(f"{child},cp_plan,2023-11-27,,{initial},,,,,,,{latest},0")
    path = tmp_path / "plans.cin.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cin_category_words_are_read_as_census_codes(engine: Engine, tmp_path: Path) -> None:
    plans = [
        ("Neglect", ""),
        ("Physical abuse", "Emotional Abuse"),
        ("emotional abuse", "NEG"),
        ("SEXUAL ABUSE", "Multiple"),
        ("Multiple", "sexual  abuse"),
    ]
    messages = _loaded_twice(engine, _cin(tmp_path, plans))
    assert _warnings(messages) == [
        "3: Code: warning: read 'Neglect' as 'NEG'",
        "5: Code: warning: read 'Physical abuse' as 'PHY'",
        "5: LatestCategory: warning: read 'Emotional Abuse' as 'EMO'",
        "7: Code: warning: read 'emotional abuse' as 'EMO'",
        "9: Code: warning: read 'SEXUAL ABUSE' as 'SAB'",
        "9: LatestCategory: warning: read 'Multiple' as 'MUL'",
        "11: Code: warning: read 'Multiple' as 'MUL'",
        "11: LatestCategory: warning: read 'sexual  abuse' as 'SAB'",
    ]
    got = {e["source_id"].split(":")[2]: e["attrs"]["category"] for e in events(engine).values()
           if e["kind"] == "cp_plan_start"}  # fmt: skip
    assert got == {"C00001": "NEG", "C00002": "PHY", "C00003": "EMO", "C00004": "SAB", "C00005": "MUL"}


@pytest.mark.parametrize(
    ("code", "latest", "column"), [("Neglected", "", "Code"), ("NEG", "Abuse", "LatestCategory")]
)
def test_other_cin_category_words_keep_their_error(
    engine: Engine, tmp_path: Path, code: str, latest: str, column: str
) -> None:
    path = _cin(tmp_path, [(code, latest)])
    [rejection] = ingest(engine, path).rejections()
    assert rejection.startswith(f"{path}:3: {column}: ")
    assert rejection.endswith("(expected one of EMO MUL NEG PHY SAB)")


def test_police_shortened_grades_dotted_times_and_other_role_names_are_read(
    engine: Engine, tmp_path: Path
) -> None:
    """Exports write a DASH grade as its initial or a short form (`H`, `Med`, `std`), a time with
    a full stop (`19.30`), and roles in other systems' words (`Injured Party`, `Person
    Reporting`): before, each rejected the row and so the whole occurrence (a GBH with two
    children present was lost for an `H`)."""
    rows = [
        {
            **occurrence("XX/2024/41"),
            "Occurrence Time": "19.30",
            **nominal("N1", "Injured Party", "Harker Jodie", "03/02/1994", "F"),
            "DASH Officer Grade": "H",
        },
        {
            **occurrence("XX/2024/41"),
            "Occurrence Time": "19.30",
            **nominal("N2", "Suspect", "Cole Ryan", "21/11/1990", "M"),
        },
        {
            **occurrence("XX/2024/42", day="20/06/2024"),
            "Occurrence Time": "9.05",
            **nominal("N3", "Aggrieved", "Lowe Dana", "01/01/1990", "F"),
            "DASH Score": "Med",
        },
        {
            **occurrence("XX/2024/42", day="20/06/2024"),
            "Occurrence Time": "9.05",
            **nominal("N4", "Person Reporting", "Lowe Sam", "01/01/1960", "M"),
        },
        {
            **occurrence("XX/2024/43", day="21/06/2024"),
            **nominal("N5", "Victim", "Amis Kim", "01/01/1990", "F"),
            "DASH Officer Grade": "std",
        },
        {
            **occurrence("XX/2024/44", day="22/06/2024"),
            **nominal("N6", "Victim", "Amis Jo", "01/01/1991", "F"),
            "DASH Officer Grade": "s",
        },
    ]
    messages = _loaded_twice(engine, extract(tmp_path, rows, extra=POLICE_EXTRA))
    assert [m for m in messages if ": warning: " not in m] == []
    assert sorted(_warnings(messages)) == sorted(
        [
            "2: Occurrence Time: warning: read '19.30' as '19:30'",
            "2: DASH Officer Grade: warning: read 'H' as 'high'",
            "3: Occurrence Time: warning: read '19.30' as '19:30'",
            "4: Occurrence Time: warning: read '9.05' as '09:05'",
            "4: DASH Score: warning: read 'Med' as 'medium'",
            "5: Occurrence Time: warning: read '9.05' as '09:05'",
            "6: DASH Officer Grade: warning: read 'std' as 'standard'",
            "7: DASH Officer Grade: warning: read 's' as 'standard'",
        ]
    )
    got = events(engine)
    assert got["occurrence:XX/2024/41"]["occurred_at"] == "2024-06-14T19:30:00"
    assert got["occurrence:XX/2024/41"]["attrs"]["dash_risk"] == "high"
    assert got["occurrence:XX/2024/41"]["subjects"] == ["nominal:N1"]
    assert got["occurrence:XX/2024/42"]["attrs"]["dash_risk"] == "medium"
    assert got["occurrence:XX/2024/42"]["subjects"] == ["nominal:N3"]
    assert got["occurrence:XX/2024/42"]["others"] == ["nominal:N4"]
    assert [got[f"occurrence:XX/2024/4{n}"]["attrs"]["dash_risk"] for n in (3, 4)] == ["standard"] * 2


def test_a_cin_row_reports_every_bad_cell_at_once(engine: Engine, tmp_path: Path) -> None:
    """Before, a plan row stopped at its first error: the sender fixed `Code`, sent it again, and
    only then heard of `LatestCategory` and `PreviousPlans` (gap (a) of session 13)."""
    child = "999,C00001,,UN1,2019-06-14,2,WBRI,NONE,2023-11-03"
    lines = [
        CIN_HEADER,
        f"{child},referral,2023-11-03,,Lodger,N11,Maybe,,,,,,",
        f"{child},cp_plan,2023-11-27,31/02/2024,Sexual exploitation,,,,,,,CSE,none",
        f"{child},S47,2023-11-10,,,,,,01/12/2023,,,,",
    ]
    path = tmp_path / "many.cin.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ingest(engine, path).rejections() == [
        f"{path}:2: NFA: 'Maybe' (expected Yes or No (or Y/N; blank when not known))",
        f"{path}:2: Code: 'LODGER' is not a referral source code "
        "(expected one of 10 1A 1B 1C 1D 2A 2B 3A 3B 3C 3D 3E 3F 4 5A 5B 5C 5D 6 7 8 9)",
        f"{path}:2: PrimaryNeed: 'N11' (expected N0 to N9)",
        f"{path}:3: EndDate: '31/02/2024' is not a real calendar date "
        "(expected a date as YYYY-MM-DD, DD/MM/YYYY or DD-Mon-YY)",
        f"{path}:3: PreviousPlans: 'none' (expected a whole number, 0 or more)",
        f"{path}:3: Code: 'SEXUAL EXPLOITATION' is not a category of abuse ({CATEGORIES_EXPECTED})",
        f"{path}:3: LatestCategory: 'CSE' ({CATEGORIES_EXPECTED})",
    ]
    # The good row (a section 47 written `S47`, as case systems name it) is kept.
    assert [e["kind"] for e in events(engine).values()] == ["section_47"]


def test_cin_referral_sources_in_the_census_guides_words_are_read(engine: Engine, tmp_path: Path) -> None:
    """A case-system report writes the source's name ("Neighbour", "Police"): before, the
    referral was rejected; a relative ("Maternal grandmother") is family, 1A."""
    written = ["Neighbour", "Police", "anonymous", "A&E", "Maternal grandmother", "Self-referral"]
    lines = [CIN_HEADER]
    for n, source in enumerate(written, start=1):
        lines.append(
            f"999,C{n:05d},,UN1,2019-06-14,2,WBRI,NONE,2023-11-03,referral,2023-11-03,,{source},N1,No,,,,,,"
        )
    lines.append(
        "999,C00009,,UN1,2019-06-14,2,WBRI,NONE,2023-11-03,referral,2023-11-03,,Member of public,N1,No,,,,,,"
    )
    path = tmp_path / "sources.cin.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages = _loaded_twice(engine, path)
    codes = ["1B", "6", "9", "3E", "1A", "1C"]
    assert _warnings(messages) == [
        f"{n}: Code: warning: read {source!r} as {code!r}"
        for n, source, code in zip(range(2, 8), written, codes, strict=True)
    ]
    assert [m for m in messages if ": warning: " not in m] == [
        f"{path}:8: Code: 'MEMBER OF PUBLIC' is not a referral source code "
        "(expected one of 10 1A 1B 1C 1D 2A 2B 3A 3B 3C 3D 3E 3F 4 5A 5B 5C 5D 6 7 8 9)"
    ]
    got = {e["source_id"].split(":")[2]: e["attrs"]["referral_source"] for e in events(engine).values()}
    assert got == {f"C{n:05d}": code for n, code in enumerate(codes, start=1)}


def test_a_cin_review_row_with_a_bad_episode_date_says_only_that(engine: Engine, tmp_path: Path) -> None:
    """A review whose episode cannot be found (its CINreferralDate is not a date) is not also
    said to come before any plan; and a bad row leaves the good rows' episode as it was."""
    child = "999,C00001,,UN1,2019-06-14,2,WBRI,NONE"
    lines = [
        CIN_HEADER,
        f"{child},2023-11-03,referral,2023-11-03,,2A,N1,No,,,,,,",
        f"{child},2023-11-03,cp_plan,2023-11-20,31/02/2024,NEG,,,,,,,NEG,0",
        f"{child},2023-11-3x,cp_review,2024-02-19,,,,,,,,,,",
        f"{child},2023-11-03,cp_plan,2023-11-27,,NEG,,,,,,,NEG,0",
    ]
    path = tmp_path / "review.cin.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ingest(engine, path).rejections() == [
        f"{path}:3: EndDate: '31/02/2024' is not a real calendar date "
        "(expected a date as YYYY-MM-DD, DD/MM/YYYY or DD-Mon-YY)",
        f"{path}:4: CINreferralDate: '2023-11-3x' (expected a date as YYYY-MM-DD, DD/MM/YYYY or "
        "DD-Mon-YY, optionally with a time (HH:MM or HH:MM:SS))",
    ]
    plans = [e["occurred_at"] for e in events(engine).values() if e["kind"] == "cp_plan_start"]
    assert plans == ["2023-11-27"]
