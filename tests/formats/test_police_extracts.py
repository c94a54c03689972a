"""`police-csv` with extracts shaped like real ones: one row per person, DASH wherever the export put it.

Each test writes an occurrence the way police record systems export it (the occurrence's cells
repeated on every nominal's row) and checks one defect found by an independent tester (issue 15).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import Engine

from .conftest import events, ingest, people, relationships

OCCURRENCE = ("Occurrence Ref", "Occurrence Date", "Occurrence Time", "Occurrence Type", "Officer")
NOMINAL = ("Nominal Ref", "Role", "Surname", "Forename", "DOB", "Sex")
ANSWERS = tuple(f"Q{n}" for n in range(1, 28))


def extract(
    tmp_path: Path, rows: list[dict[str, str]], *, extra: tuple[str, ...] = (), name: str = "x.police.csv"
) -> Path:
    """A CSV with the occurrence and nominal columns, then `extra` columns, one dict per row."""
    header = [*OCCURRENCE, *NOMINAL, *extra]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def occurrence(ref: str, day: str = "14/06/2024", kind: str = "Domestic Incident") -> dict[str, str]:
    return {
        "Occurrence Ref": ref,
        "Occurrence Date": day,
        "Occurrence Time": "22:10",
        "Occurrence Type": kind,
        "Officer": "PC 4412",
    }


def nominal(ref: str, role: str, name: str, dob: str, sex: str) -> dict[str, str]:
    surname, forename = name.split()
    return {
        "Nominal Ref": ref,
        "Role": role,
        "Surname": surname,
        "Forename": forename,
        "DOB": dob,
        "Sex": sex,
    }


def answers(yes: int, *, no: int | None = None, unknown: tuple[str, ...] = ()) -> dict[str, str]:
    """`yes` Yes answers, then the unknown spellings, then No (all the rest unless `no` says)."""
    cells = ["Yes"] * yes + list(unknown)
    rest = 27 - len(cells) if no is None else no
    cells += ["No"] * rest
    cells += [""] * (27 - len(cells))
    return dict(zip(ANSWERS, cells, strict=True))


VICTIM = nominal("N1", "Victim", "Harker Jodie", "03/02/1994", "F")
SUSPECT = nominal("N2", "Suspect", "Cole Ryan", "21/11/1990", "M")
CHILD = nominal("N3", "Child Present", "Harker Maisie", "14/06/2019", "F")


def household(ref: str, grade: dict[str, str], victim_extra: dict[str, str]) -> list[dict[str, str]]:
    """A domestic incident: victim, suspect, child present; `grade` on every row."""
    base = occurrence(ref)
    return [
        {**base, **VICTIM, **grade, **victim_extra},
        {**base, **SUSPECT, **grade},
        {**base, **CHILD, **grade},
    ]


# -- 1. validation on every row ---------------------------------------------------------------------


def test_a_bad_dash_grade_is_rejected_on_every_row_it_is_on(engine: Engine, tmp_path: Path) -> None:
    path = extract(
        tmp_path,
        household("XX/2024/1", {"DASH Officer Grade": "Very High"}, {}),
        extra=("DASH Officer Grade",),
    )
    result = ingest(engine, path)
    expected = "DASH Officer Grade: 'Very High' is not a DASH grade (expected one of standard, medium, high)"
    assert result.rejections() == [f"{path}:{line}: {expected}" for line in (2, 3, 4)]
    assert "occurrence:XX/2024/1" not in events(engine)


def test_a_rejected_victim_row_never_leaves_the_suspect_as_subject(engine: Engine, tmp_path: Path) -> None:
    """The grade is bad on the victim's row only: the occurrence is held back whole, never re-cast."""
    rows = household("XX/2024/2", {}, {"DASH Officer Grade": "Hgh"})
    path = extract(tmp_path, rows, extra=("DASH Officer Grade",))
    result = ingest(engine, path)
    assert result.rejections()[0] == (
        f"{path}:2: DASH Officer Grade: 'Hgh' is not a DASH grade (expected one of standard, medium, high)"
    )
    assert result.rejections()[1].startswith(
        f"{path}:3: Occurrence Ref: occurrence XX/2024/2 not recorded: its row on line 2 was rejected"
    )
    assert all("nominal:N2" not in e["subjects"] for e in events(engine).values())
    assert "occurrence:XX/2024/2" not in events(engine)
    assert set(people(engine)) == {"nominal:N2", "nominal:N3"}  # good rows are kept


def test_bad_dash_answers_on_a_suspect_row_are_reported(engine: Engine, tmp_path: Path) -> None:
    rows = household("XX/2024/3", {}, answers(4))
    rows[1].update({"Q5": "Maybe"})
    path = extract(tmp_path, rows, extra=ANSWERS)
    result = ingest(engine, path)
    assert result.rejections()[0] == (
        f"{path}:3: Q5: 'Maybe' (expected Yes, No or Don't know (or Y, N, Not known; blank when not asked))"
    )
    assert "occurrence:XX/2024/3" not in events(engine)


def test_a_row_with_several_bad_fields_reports_every_one(engine: Engine, tmp_path: Path) -> None:
    """A bad Sex (a cell check) and bad DASH cells (the format's own checks): all said, that row alone
    rejected (with its occurrence, which would lack the victim)."""
    rows = household("XX/2024/21", {}, {**answers(4), "Sex": "Fem", "Q5": "Maybe", "Q9": "Perhaps"})
    rows[0]["DASH Officer Grade"] = "Very High"
    rows.append({**occurrence("XX/2024/22"), **nominal("N9", "Victim", "Lowe Dana", "01/01/1990", "F")})
    path = extract(tmp_path, rows, extra=(*ANSWERS, "DASH Officer Grade"))
    result = ingest(engine, path)
    answer = "(expected Yes, No or Don't know (or Y, N, Not known; blank when not asked))"
    assert result.rejections()[:4] == [
        f"{path}:2: Sex: 'Fem' (expected M, F, X or U (or Male, Female, Unknown))",
        f"{path}:2: Q5: 'Maybe' {answer}",
        f"{path}:2: Q9: 'Perhaps' {answer}",
        f"{path}:2: DASH Officer Grade: 'Very High' is not a DASH grade "
        "(expected one of standard, medium, high)",
    ]
    assert result.rejections()[4].startswith(f"{path}:3: Occurrence Ref: occurrence XX/2024/21 not recorded")
    assert len(result.rejections()) == 5
    assert set(people(engine)) == {"nominal:N2", "nominal:N3", "nominal:N9"}
    assert list(events(engine)) == ["occurrence:XX/2024/22"]


def test_a_row_with_only_format_errors_reports_every_one(engine: Engine, tmp_path: Path) -> None:
    """No bad cell of the template's kinds, two of the format's own: a bad role and a bad DASH answer."""
    rows = household("XX/2024/23", {}, {**answers(4), "Role": "Bystander", "Q2": "Maybe"})
    path = extract(tmp_path, rows, extra=ANSWERS)
    fields = [m.split(": ")[1] for m in ingest(engine, path).rejections()]
    assert fields == ["Role", "Q2", "Occurrence Ref"]


# -- 2. "Don't know" --------------------------------------------------------------------------------


def test_dont_know_and_not_known_answers_count_as_unknown(engine: Engine, tmp_path: Path) -> None:
    spellings = ("Don't know", "DON'T KNOW", " dont  know ", "Don\u2019t Know", "Not known", "NOT KNOWN")
    victim = {**answers(15, unknown=spellings), "Q27": "Not asked", "Q26": "N/A"}
    path = extract(tmp_path, household("XX/2024/4", {}, victim), extra=ANSWERS)
    result = ingest(engine, path)
    assert result.messages == []
    event = events(engine)["occurrence:XX/2024/4"]
    assert event["subjects"] == ["nominal:N1", "nominal:N3"]
    assert event["attrs"]["victim"] == "nominal:N1"
    got = {k: event["attrs"][k] for k in ("dash_score", "dash_answered", "dash_unknown", "dash_risk")}
    assert got == {"dash_score": 15, "dash_answered": 19, "dash_unknown": 6, "dash_risk": "high"}


def test_all_dont_know_gives_no_grade(engine: Engine, tmp_path: Path) -> None:
    """No risk grade from zero answers: 27 'Don't know' is an unknown risk, not a standard one."""
    path = extract(
        tmp_path, household("XX/2024/5", {}, answers(0, unknown=("Don't know",) * 27)), extra=ANSWERS
    )
    assert ingest(engine, path).messages == []
    event = events(engine)["occurrence:XX/2024/5"]
    assert event["subjects"] == ["nominal:N1", "nominal:N3"]
    attrs = event["attrs"]
    assert attrs["dash_risk"] == "unknown"
    assert "dash_computed_grade" not in attrs and "dash_score" not in attrs


# -- 3. score-only DASH -----------------------------------------------------------------------------


def test_a_score_only_dash_is_graded_from_the_score(engine: Engine, tmp_path: Path) -> None:
    rows = [
        *household("XX/2024/6", {}, {"DASH Score": "15"}),
        *household("XX/2024/7", {}, {"DASH Score": "11"}),
        *household("XX/2024/8", {}, {"DASH Score": "3"}),
    ]
    path = extract(tmp_path, rows, extra=("DASH Score",))
    result = ingest(engine, path)
    assert result.messages == []
    got = events(engine)
    risks = [got[f"occurrence:XX/2024/{n}"]["attrs"]["dash_risk"] for n in (6, 7, 8)]
    assert risks == ["high", "medium", "standard"]
    attrs = got["occurrence:XX/2024/6"]["attrs"]
    assert (attrs["dash_score"], attrs["dash_answered"]) == (15, 0)
    assert "dash_computed_grade" not in attrs


def test_a_score_that_is_not_a_score_is_rejected(engine: Engine, tmp_path: Path) -> None:
    path = extract(tmp_path, household("XX/2024/14", {"DASH Score": "30"}, {}), extra=("DASH Score",))
    expected = (
        "DASH Score: '30' is not a DASH score (expected a whole number of yes answers, 0 to 27, or a "
        "grade: Standard, Medium, High)"
    )
    assert ingest(engine, path).rejections() == [f"{path}:{line}: {expected}" for line in (2, 3, 4)]


def test_a_risk_grade_column_alone_is_used(engine: Engine, tmp_path: Path) -> None:
    path = extract(
        tmp_path, household("XX/2024/9", {}, {"DASH Risk Level": "High"}), extra=("DASH Risk Level",)
    )
    assert ingest(engine, path).messages == []
    attrs = events(engine)["occurrence:XX/2024/9"]["attrs"]
    assert attrs["dash_risk"] == "high" and "dash_score" not in attrs


def test_a_score_that_contradicts_the_answers_is_warned_about(engine: Engine, tmp_path: Path) -> None:
    """27 answers with 4 yes cannot score 15: the higher is kept (judgement never lowers) and said."""
    path = extract(
        tmp_path,
        household("XX/2024/10", {}, {**answers(4), "DASH Score": "15"}),
        extra=(*ANSWERS, "DASH Score"),
    )
    result = ingest(engine, path)
    assert result.messages == [
        f"{path}:2: DASH Score: warning: 15 contradicts the answers on this row (4 yes, 23 no, "
        "0 not known): the higher score, 15, is kept"
    ]
    attrs = events(engine)["occurrence:XX/2024/10"]["attrs"]
    assert (attrs["dash_risk"], attrs["dash_score"], attrs["dash_computed_grade"]) == ("high", 15, "standard")


# -- 4. DASH on any row -----------------------------------------------------------------------------


def test_dash_answers_on_the_suspects_row_are_used_and_warned_about(engine: Engine, tmp_path: Path) -> None:
    rows = household("XX/2024/11", {}, {})
    rows[1].update(answers(16))
    path = extract(tmp_path, rows, extra=ANSWERS)
    result = ingest(engine, path)
    assert result.messages == [
        f"{path}:3: Q1: warning: DASH answers are on the Suspect's row, not the victim's: used for the "
        "occurrence"
    ]
    assert events(engine)["occurrence:XX/2024/11"]["attrs"]["dash_risk"] == "high"


def test_dash_repeated_on_every_row_is_read_once(engine: Engine, tmp_path: Path) -> None:
    rows = [{**row, **answers(11), "DASH Score": "11"} for row in household("XX/2024/12", {}, {})]
    path = extract(tmp_path, rows, extra=(*ANSWERS, "DASH Score"))
    assert ingest(engine, path).messages == []
    attrs = events(engine)["occurrence:XX/2024/12"]["attrs"]
    assert (attrs["dash_risk"], attrs["dash_score"], attrs["dash_recorded_score"]) == ("medium", 11, 11)


def test_differing_dash_on_another_row_is_warned_about(engine: Engine, tmp_path: Path) -> None:
    rows = household("XX/2024/13", {}, answers(4))
    rows[2].update(answers(2))
    path = extract(tmp_path, rows, extra=ANSWERS)
    result = ingest(engine, path)
    assert result.messages == [
        f"{path}:4: Q1: warning: the DASH on the Child Present's row (2 yes, 25 no) differs from the one "
        "on line 2 (4 yes, 23 no): line 2 used"
    ]


# -- 5. relationships from the extract ---------------------------------------------------------------


def child_victim_rows(ref: str, suspect_relationship: str) -> list[dict[str, str]]:
    """A child is the victim; the mother is a witness; the suspect says what he is to the child."""
    base = occurrence(ref, kind="Child Concern")
    return [
        {**base, **nominal("C1", "Victim", "Harker Maisie", "14/06/2015", "F"), "Relationship": ""},
        {**base, **nominal("M1", "Witness", "Harker Jodie", "03/02/1994", "F"), "Relationship": "Mother"},
        {
            **base,
            **nominal("S1", "Suspect", "Cole Ryan", "21/11/1990", "M"),
            "Relationship": suspect_relationship,
        },
        {
            **base,
            **nominal("C2", "Child Present", "Harker Alfie", "01/09/2021", "M"),
            "Relationship": "Brother",
        },
    ]


def test_a_mothers_partner_is_tied_to_the_child(engine: Engine, tmp_path: Path) -> None:
    path = extract(tmp_path, child_victim_rows("XX/2024/20", "Mother's partner"), extra=("Relationship",))
    assert ingest(engine, path).messages == []
    assert relationships(engine) == {
        ("nominal:M1", "nominal:C1", "mother"),
        ("nominal:S1", "nominal:C1", "mother_partner"),
        ("nominal:C1", "nominal:C2", "sibling"),
    }


def test_relationship_spellings_from_real_extracts(engine: Engine, tmp_path: Path) -> None:
    spellings = {"partner of mother": "mother_partner", "Step-father": "step_parent", "FATHER": "father"}
    for n, (spelling, kind) in enumerate(spellings.items()):
        rows = child_victim_rows(f"XX/2024/2{n}", spelling)
        for row in rows:
            row["Nominal Ref"] += str(n)
        path = extract(tmp_path, rows, extra=("Relationship",), name=f"r{n}.police.csv")
        assert ingest(engine, path).messages == []
        assert (f"nominal:S1{n}", f"nominal:C1{n}", kind) in relationships(engine)


def test_an_adult_victims_boyfriend_is_her_childrens_mothers_partner(engine: Engine, tmp_path: Path) -> None:
    rows = household("XX/2024/30", {}, {})
    for row, relationship in zip(rows, ("", "Boyfriend", "Daughter"), strict=True):
        row["Relationship"] = relationship
    path = extract(tmp_path, rows, extra=("Relationship",))
    assert ingest(engine, path).messages == []
    assert relationships(engine) == {
        ("nominal:N1", "nominal:N3", "mother"),
        ("nominal:N2", "nominal:N3", "mother_partner"),
    }


def test_an_unknown_relationship_is_warned_about_not_rejected(engine: Engine, tmp_path: Path) -> None:
    rows = household("XX/2024/31", {}, {})
    rows[1]["Relationship To Victim"] = "Lodger's friend"
    path = extract(tmp_path, rows, extra=("Relationship To Victim",))
    result = ingest(engine, path)
    assert result.rejections() == []
    assert result.messages == [
        f'{path}:3: Relationship To Victim: warning: "Lodger\'s friend" is not a relationship alarmbell '
        "knows (expected one listed in docs/formats/police-csv.md, e.g. Partner, Daughter, Mother's "
        "partner, Step-father): no family tie recorded"
    ]
    assert events(engine)["occurrence:XX/2024/31"]["others"] == ["nominal:N2"]


# -- 6. re-ingesting changes nothing ----------------------------------------------------------------


def test_reingesting_a_real_shaped_extract_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    """The mother moved between occurrences and the suspect is named two ways: still one version each."""
    first = household("XX/2024/40", {}, {**answers(4, unknown=("Not known",)), "DASH Score": "4"})
    second = [
        {**row, "Occurrence Date": "01/09/2024", "Occurrence Ref": "XX/2024/41"}
        for row in household("XX/2024/41", {"DASH Risk Level": "Medium"}, {})
    ]
    second[0]["Postcode"] = "ZZ9 9ZZ"
    for row, relationship in zip(
        first + second, ("", "Partner", "Daughter", "", "Step-father", "Stepdaughter"), strict=True
    ):
        row["Relationship"] = relationship
    path = extract(
        tmp_path,
        first + second,
        extra=(*ANSWERS, "DASH Score", "DASH Risk Level", "Postcode", "Relationship"),
    )
    once = ingest(engine, path)
    assert once.messages == [
        f"{path}:4: Relationship: warning: nominal:N1 is mother to nominal:N3 here but step_parent on "
        "line(s) 7: mother kept"
    ]
    again = ingest(engine, path)
    assert (again.summary.accepted, again.summary.unchanged) == (0, once.summary.accepted)
    assert people(engine)["nominal:N1"]["postcode"] == "ZZ9 9ZZ"


def test_a_lower_officer_grade_is_kept_apart_and_warned_about(engine: Engine, tmp_path: Path) -> None:
    """Judgement can raise a grade, never lower it (domain-facts.md)."""
    rows = household("XX/2024/50", {"DASH Officer Grade": "Standard"}, answers(15))
    path = extract(tmp_path, rows, extra=(*ANSWERS, "DASH Officer Grade"))
    result = ingest(engine, path)
    assert result.messages == [
        f"{path}:2: DASH Officer Grade: warning: standard is below the high the answers give (15 yes); "
        "judgement can raise a grade, never lower it: high kept"
    ]
    attrs = events(engine)["occurrence:XX/2024/50"]["attrs"]
    assert (attrs["dash_risk"], attrs["dash_officer_grade"]) == ("high", "standard")


def test_a_person_who_moved_between_occurrences_does_not_churn(engine: Engine, tmp_path: Path) -> None:
    """Each row's version of the victim used to be sent, so every reload made two new versions."""
    first = household("XX/2024/60", {}, {})
    second = [{**row, "Occurrence Ref": "XX/2024/61", "Occurrence Date": "01/09/2024"} for row in first]
    second[0]["Postcode"] = "ZZ9 9ZZ"
    path = extract(tmp_path, first + second, extra=("Postcode",))
    once = ingest(engine, path)
    again = ingest(engine, path)
    assert (again.summary.accepted, again.summary.unchanged) == (0, once.summary.accepted)
    assert people(engine)["nominal:N1"]["postcode"] == "ZZ9 9ZZ"


def test_a_name_misspelt_at_the_latest_occurrence_does_not_replace_the_agreed_one(
    engine: Engine, tmp_path: Path
) -> None:
    """The victim's record took every cell from the latest occurrence's row, so one typo there
    renamed her: her name is the one most of her rows give, the latest breaking a tie, while her
    address still follows the latest row."""
    rows = []
    for n, (day, forename) in enumerate(
        (("01/03/2024", "Jodie"), ("01/06/2024", "Jodie"), ("01/09/2024", "Jodei"))
    ):
        victim = {**VICTIM, "Forename": forename, "Postcode": f"ZZ{n} 1AA"}
        rows += [
            {**occurrence(f"XX/2024/7{n}", day=day), **victim},
            {**occurrence(f"XX/2024/7{n}", day=day), **SUSPECT},
        ]
    path = extract(tmp_path, rows, extra=("Postcode",))
    once = ingest(engine, path)
    assert once.rejections() == []
    victim = people(engine)["nominal:N1"]
    assert (victim["given_name"], victim["postcode"]) == ("Jodie", "ZZ2 1AA")
    assert ingest(engine, path).summary.accepted == 0
    tied = extract(tmp_path, rows[:2] + rows[4:], extra=("Postcode",), name="tied.police.csv")
    ingest(engine, tied)
    assert people(engine)["nominal:N1"]["given_name"] == "Jodei"


def test_a_recorded_date_with_a_time_keeps_its_time(engine: Engine, tmp_path: Path) -> None:
    """Niche and Athena export `Recorded Date` as `DD/MM/YYYY HH:MM`: the time was dropped."""
    row = {
        **occurrence("PR/12/301", day="03/03/2012"),
        **nominal("N1", "Victim", "Okafor Grace", "12/05/1988", "F"),
        "Recorded Date": "04/03/2012 09:10",
    }
    ingest(engine, extract(tmp_path, [row], extra=("Recorded Date",)))
    incident = events(engine)["occurrence:PR/12/301"]
    assert incident["occurred_at"] == "2012-03-03T22:10:00"
    assert incident["recorded_at"] == "2012-03-04T09:10:00"


def test_a_domestic_crime_is_stored_with_the_violence_its_offence_names(
    engine: Engine, tmp_path: Path
) -> None:
    """Police systems record the offence, not `violence`; without reading it every exported domestic
    incident was of unknown violence, and the physical-violence indicators never heard a police export."""
    rows = [
        {
            **occurrence("DA/1", kind="Domestic Crime"),
            **nominal("N1", "Victim", "Hale Amy", "02/02/1995", "F"),
            "Offence": "Assault occasioning actual bodily harm",
        },
        {
            **occurrence("DA/1", kind="Domestic Crime"),
            **nominal("N2", "Child Present", "Hale Ivy", "01/01/2024", "F"),
            "Offence": "Assault occasioning actual bodily harm",
        },
        {
            **occurrence("DA/2", kind="Domestic Crime"),
            **nominal("N1", "Victim", "Hale Amy", "02/02/1995", "F"),
            "Offence": "Harassment",
        },
    ]
    path = extract(tmp_path, rows, extra=("Offence",))
    first = ingest(engine, path)
    assert first.summary.rejected == 0, first.messages
    stored = events(engine)
    assert stored["occurrence:DA/1"]["attrs"]["violence"] == "physical"
    assert "violence" not in stored["occurrence:DA/2"]["attrs"]
    again = ingest(engine, path)
    assert again.summary.accepted == 0 and again.summary.rejected == 0
