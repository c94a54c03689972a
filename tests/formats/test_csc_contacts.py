"""Session 16 (intake16): a case system's contacts-and-referrals report, one row per contact per
child (`csc-contacts-csv`). Set 4's Liquidlogic-style report had no format to read it: loaded as
the CIN census template, its nine rows were rejected for a missing LEA and lost."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from .conftest import REPO, events, ingest, people

SET4 = REPO / "evaluation" / "agency_exports" / "set4" / "lcs-mash-contacts-referrals.csv"
HEADER = (
    "Person ID,Forename,Surname,DOB,Gender,Contact ID,Contact Date,Contact Source,Contact Outcome,"
    "Referral Date,Referral Outcome,Strategy Discussion Date,S47 Start Date,CP Plan Start Date,CP Category"
)


def _report(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "lcs.contacts.csv"
    path.write_text("\r\n".join([HEADER, *rows]) + "\r\n", encoding="utf-8")
    return path


def test_set_4_report_gives_each_contact_and_each_dated_step_its_event(engine: Engine) -> None:
    result = ingest(engine, SET4, format_name="csc-contacts-csv")
    assert result.rejections() == []
    got = events(engine)
    kacey = "person:2204519"
    assert people(engine)[kacey]["nhs_number"] == "9994721860"
    assert got[f"contact:1120345:{kacey}"]["attrs"]["outcome"] == "nfa"
    assert got[f"contact:1123987:{kacey}"]["attrs"]["outcome"] == "assessment"
    assert "outcome" not in got[f"contact:1128850:{kacey}"]["attrs"]  # "Strategy Discussion": a step
    steps = {k: (v["kind"], v["occurred_at"]) for k, v in got.items() if k.startswith(f"{kacey}:")}
    assert steps == {
        f"{kacey}:strategy_discussion:2024-09-10": ("strategy_discussion", "2024-09-10T11:30:00"),
        f"{kacey}:section_47:2024-09-11": ("section_47", "2024-09-11"),
        f"{kacey}:cp_conference:2024-10-01": ("cp_conference", "2024-10-01"),
        f"{kacey}:cp_plan_start:2024-10-01": ("cp_plan_start", "2024-10-01"),
        f"{kacey}:cp_plan_end:2025-06-12": ("cp_plan_end", "2025-06-12"),
        f"{kacey}:strategy_discussion:2024-11-22": ("strategy_discussion", "2024-11-22T10:00:00"),
        f"{kacey}:section_47:2024-11-22": ("section_47", "2024-11-22"),
    }
    assert got[f"{kacey}:cp_plan_start:2024-10-01"]["attrs"]["category"] == "PHY"
    assert got["person:2204518:cp_plan_start:2024-10-01"]["attrs"]["category"] == "EMO"
    again = ingest(engine, SET4, format_name="csc-contacts-csv")
    assert (again.summary.accepted, again.summary.rejected) == (0, 0)


def test_a_plan_repeated_on_a_later_contact_row_is_stored_once(engine: Engine, tmp_path: Path) -> None:
    plan = "2024-10-01,Neglect"
    path = _report(
        tmp_path,
        f"77,Ava,Lund,2020-01-02,F,C1,2024-09-10 08:15,Police,Progress to Referral,,,,,{plan}",
        f"77,Ava,Lund,2020-01-02,F,C2,2024-11-21 11:40,School,NFA,,,,,{plan}",
    )
    result = ingest(engine, path)
    assert result.rejections() == []
    got = events(engine)
    assert [k for k in got if ":cp_plan_start:" in k] == ["person:77:cp_plan_start:2024-10-01"]
    assert got["person:77:cp_plan_start:2024-10-01"]["attrs"]["category"] == "NEG"
    assert got["contact:C2:person:77"]["attrs"]["outcome"] == "nfa"


def test_a_bad_row_is_rejected_alone_naming_every_bad_cell(engine: Engine, tmp_path: Path) -> None:
    path = _report(
        tmp_path,
        "77,Ava,Lund,2020-01-02,F,C1,2024-09-10,Police,NFA,,,,,,",
        "77,Ava,Lund,2020-01-02,Femme,C2,31/09/2024,School,NFA,,,,,,",
    )
    rejections = ingest(engine, path).rejections()
    assert any(
        m.startswith(f"{path}:3: Contact Date: '31/09/2024' is not a real calendar date") for m in rejections
    )
    assert any(m.startswith(f"{path}:3: Gender: 'Femme'") for m in rejections)
    assert set(events(engine)) == {"contact:C1:person:77"}
