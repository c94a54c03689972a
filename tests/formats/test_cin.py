"""Children in Need census: the XML return and the CSV template map to the same records."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from alarmbell.ingest.cin.schema import XSD_PATH, cin_schema, patched_xsd

from .conftest import DOC_SAMPLES, TEST_SAMPLES, events, ingest, people, quarantined

RETURN = DOC_SAMPLES / "cin-return.xml"
TEMPLATE = DOC_SAMPLES / "cin-template.cin.csv"
UPSTREAM = TEST_SAMPLES / "cin-2022.xml"
UPSTREAM_MALFORMED = TEST_SAMPLES / "cin-2022-malformed.xml"
BAD_TEMPLATE = TEST_SAMPLES / "cin-template-malformed.cin.csv"
MAISIE, ALFIE = "cin:999:C20441", "cin:999:C20442"


def test_return_round_trip(engine: Engine) -> None:
    result = ingest(engine, RETURN)
    assert result.messages == []
    persons = people(engine)
    assert persons[MAISIE] == {
        "type": "person",
        "agency": "children_social_care",
        "source_id": MAISIE,
        "names_withheld": True,
        "upn": "B999201500101",
        "dob": "2019-06-14",
        "sex": "F",
        "role_hint": "child",
        "la_child_id": "C20441",
        "lea": "999",
        "ethnicity": "WBRI",
        "disabilities": ["NONE"],
    }
    assert "upn" not in persons[ALFIE] and persons[ALFIE]["upn_unknown"] == "UN1"
    got = {sid: (e["kind"], e["occurred_at"], e["attrs"]) for sid, e in events(engine).items()}
    assert got[f"{MAISIE}:2023-11-03:referral"] == (
        "referral",
        "2023-11-03",
        {"from_agency": "education", "referral_source": "2A", "primary_need": "N1", "outcome": "cp_plan"},
    )
    assessment = got[f"{MAISIE}:2023-11-03:assessment:2023-11-06"]
    assert assessment[2] == {"factors": ["3B", "16A", "2B"], "authorised_at": "2023-12-15"}
    assert events(engine)[f"{MAISIE}:2023-11-03:assessment:2023-11-06"]["recorded_at"] == "2023-12-15"
    assert got[f"{MAISIE}:2023-11-03:section_47:2023-11-08"][2]["outcome"] == "icpc"
    assert got[f"{MAISIE}:2023-11-03:cp_plan_start:2023-11-27"][2] == {"category": "NEG", "previous_plans": 0}
    conferences = sorted(v[1:] for v in got.values() if v[0] == "cp_conference")
    assert conferences == [
        ("2023-11-27", {"conference": "initial"}),  # in Section47 and CINdetails: one conference
        ("2024-02-19", {"conference": "review"}),
    ]
    assert got[f"{ALFIE}:2023-11-02:referral"][2]["outcome"] == "nfa"
    assert got[f"{ALFIE}:2023-11-02:case_closed:2023-11-03"][2] == {
        "reason_for_closure": "RC7",
        "outcome": "closed",
    }
    assert got[f"{ALFIE}:2024-03-18:referral"][2]["from_agency"] == "health"
    assert len(got) == 10
    again = ingest(engine, RETURN)
    assert (again.summary.accepted, again.summary.unchanged) == (0, 12)


def test_csv_template_gives_the_same_records_as_the_xml(engine: Engine) -> None:
    from_xml = ingest(engine, RETURN)
    assert from_xml.summary.accepted == 12
    from_csv = ingest(engine, TEMPLATE)
    assert from_csv.messages == []
    assert (from_csv.summary.accepted, from_csv.summary.unchanged) == (0, 12)


def test_first_plan_with_no_previous_plans_is_accepted_though_the_upstream_xsd_says_no() -> None:
    import xmlschema

    strict = xmlschema.XMLSchema(XSD_PATH.read_text(encoding="utf-8"))
    assert any("NumberOfPreviousCPP" in str(e.path) for e in strict.iter_errors(str(RETURN)))
    assert xmlschema.XMLSchema(patched_xsd(XSD_PATH.read_text(encoding="utf-8"))).is_valid(str(RETURN))
    assert cin_schema() is cin_schema()


def test_upstream_sample_ingests_whole(engine: Engine) -> None:
    result = ingest(engine, UPSTREAM)
    assert result.rejections() == []
    assert result.messages == [
        f"{UPSTREAM}:18: upn: warning: 'A123456789123' fails the check letter: the other 12 characters give "
        "'P', not 'A'; kept on the record, but never matched on or used as its key (expected a UPN whose "
        "first letter is the modulus-23 check letter of the rest)"
    ]
    kinds = sorted(e["kind"] for e in events(engine).values())
    assert kinds == sorted(
        ["referral", "assessment", "family_support", "section_47", "cp_plan_start", "cp_plan_end"]
        + ["cp_conference"] * 3
        + ["case_closed", "other"]
    )


def test_upstream_malformed_sample_keeps_the_good_child(engine: Engine) -> None:
    result = ingest(engine, UPSTREAM_MALFORMED)
    rejected = result.rejections()
    assert len(rejected) == 2
    source = str(UPSTREAM_MALFORMED)
    child = "Message/Children/Child"
    assert rejected[0].startswith(
        f"{source}:76: {child}[2]/ChildIdentifiers: child without LAchildID (from line 75) does not match "
        f"the CIN census schema: line 76: {child}[2]/ChildIdentifiers: Unexpected child with tag 'UPN' at "
        "position 1."
    )
    assert (
        f"line 113: {child}[2]/CINdetails[1]/Section47/InitialCPCtarget: Invalid datetime string 'notadate' "
        "(expected a real date as YYYY-MM-DD)" in rejected[0]
    )
    assert (
        f"line 117: {child}[2]/CINdetails[1]/ReferralNFA: 'wrong' is not one of the codes allowed here "
        "(expected one of true false TRUE FALSE 0 1)" in rejected[0]
    )
    assert rejected[1].startswith(f"{source}:130: {child}[3]: child DfEX0000003")
    assert f"line 130: {child}[3]: Unexpected child with tag 'ChildCharacteristics'" in rejected[1]
    assert list(people(engine)) == ["cin:201:DfEX0000001"]
    assert len(events(engine)) == 11
    assert [line for line, _ in quarantined(engine)] == [76, 130]


def test_a_return_without_a_council_code_is_refused_child_by_child(engine: Engine, tmp_path: Path) -> None:
    text = RETURN.read_text(encoding="utf-8")
    path = tmp_path / "no-header.xml"
    path.write_text(text[: text.index("<Header>")] + text[text.index("</Header>") + len("</Header>") :])
    result = ingest(engine, path)
    assert len(result.rejections()) == 2
    assert "Header/Source/LEA: missing: the return has no council code" in result.rejections()[0]


def test_xml_cut_short_keeps_the_children_before_the_break(engine: Engine, tmp_path: Path) -> None:
    text = RETURN.read_text(encoding="utf-8")
    path = tmp_path / "cut.xml"
    path.write_text(text[: text.index("<LAchildID>C20442")])
    result = ingest(engine, path)
    assert len(result.rejections()) == 1
    assert ": (file): not well-formed XML:" in result.rejections()[0]
    assert MAISIE in people(engine)


def test_malformed_template_rows(engine: Engine) -> None:
    result = ingest(engine, BAD_TEMPLATE)
    source = str(BAD_TEMPLATE)
    assert result.rejections() == [
        f"{source}:3: Factors: '16Z' is not a census factor code (expected codes such as 3B 16A, "
        "space-separated)",
        f"{source}:4: Date: review on 2024-02-19 comes before any cp_plan row of this episode "
        "(expected the cp_plan row above its reviews)",
        f"{source}:5: PersonBirthDate: '2019-06-15' differs from '2019-06-14' on line 2 for the same child "
        "(expected the same child details on every row of a child)",
        f"{source}:6: Code: '11' is not a referral source code "
        "(expected one of 10 1A 1B 1C 1D 2A 2B 3A 3B 3C 3D 3E 3F 4 5A 5B 5C 5D 6 7 8 9)",
        f"{source}:8: LEA: '99' (expected the council's 3-digit LEA code)",
        f"{source}:9: Step: 'visit' (expected one of referral, assessment, cin_plan, section_47, "
        "initial_cpc, "
        "cp_plan, cp_review, closure)",
    ]
    assert sorted(events(engine)) == [
        f"{MAISIE}:2023-11-03:referral",
        f"{ALFIE}:2023-11-02:case_closed:2023-11-03",
    ]


@pytest.mark.parametrize("name", ["cin-return.xml", "cin-template.cin.csv"])
def test_file_endings_pick_the_census_adapters(name: str) -> None:
    from alarmbell.ingest.service import default_registry

    adapter = default_registry().for_path(DOC_SAMPLES / name)
    assert adapter.name == ("cin-xml" if name.endswith(".xml") else "cin-csv")


def test_steps_are_read_as_case_systems_write_them(engine: Engine, tmp_path: Path) -> None:
    """`Section 47`, `CP Plan`, `Initial CPC`: the census step, spelt with spaces and capitals."""
    head = "LEA,LAchildID,PersonBirthDate,CINreferralDate,Step,Date,Code,ICPCTarget\n"
    rows = [
        "Referral,2023-11-03,2A,",
        "Section 47,2023-11-08,,2023-11-29",
        "Initial CPC,2023-11-27,,",
        "CP-Plan,2023-11-27,NEG,",
        "Home Visit,2023-11-28,,",
    ]
    path = tmp_path / "steps.cin.csv"
    path.write_text(head + "".join(f"999,C1,2019-06-14,2023-11-03,{row}\n" for row in rows))
    result = ingest(engine, path)
    assert result.rejections() == [
        f"{path}:6: Step: 'Home Visit' (expected one of referral, assessment, cin_plan, section_47, "
        "initial_cpc, cp_plan, cp_review, closure)"
    ]
    assert sorted(payload["kind"] for payload in events(engine).values()) == [
        "cp_conference",
        "cp_plan_start",
        "referral",
        "section_47",
    ]
