"""A census child with one bad episode keeps the rest: the bad episode alone is quarantined (issue 15).

The sample is a council's return with four children: one clean, one whose middle episode has
an unknown factor code ("16B"), one whose first referral date does not exist (30 February),
and one whose plan starts in 2093 (a typed 2023) and whose UPN fails its check letter.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Engine, select

from alarmbell.domain.plausible import event_range_text
from alarmbell.storage.tables import QuarantinedLine

from .conftest import TEST_SAMPLES, events, ingest, people, quarantined

RETURN = TEST_SAMPLES / "cin-one-bad-episode.xml"
KEPT = "this episode is quarantined; the child and their other episodes are kept"
CLEAN_EVENTS = [
    "cin:999:C30001:2023-09-12:assessment:2023-09-14",
    "cin:999:C30001:2023-09-12:referral",
    "cin:999:C30002:2022-01-10:assessment:2022-01-12",
    "cin:999:C30002:2022-01-10:case_closed:2022-03-01",
    "cin:999:C30002:2022-01-10:referral",
    "cin:999:C30002:2024-01-15:referral",
    "cin:999:C30002:2024-01-15:section_47:2024-01-16",
    "cin:999:C30003:2023-06-01:case_closed:2023-06-02",
    "cin:999:C30003:2023-06-01:referral",
    "cin:999:C30004:2024-02-12:referral",
]


def test_a_child_with_one_bad_episode_keeps_the_person_and_the_clean_episodes(engine: Engine) -> None:
    result = ingest(engine, RETURN)
    assert sorted(people(engine)) == [f"cin:999:C3000{n}" for n in range(1, 5)]
    assert sorted(events(engine)) == CLEAN_EVENTS
    assert (result.summary.accepted, result.summary.rejected) == (14, 3)
    assert quarantined(engine) == [
        (
            84,
            "Message/Children/Child[2]/CINdetails[2]/Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors[2]",
        ),
        (116, "Message/Children/Child[3]/CINdetails[1]/CINreferralDate"),
        (143, "Message/Children/Child[4]/CINdetails[1]/ChildProtectionPlans/CPPstartDate"),
    ]


def test_each_error_quotes_the_bad_value_and_says_what_was_expected(engine: Engine) -> None:
    factor, day, plan = ingest(engine, RETURN).rejections()
    source = str(RETURN)
    assert factor.startswith(
        f"{source}:84: Message/Children/Child[2]/CINdetails[2]/Assessments/FactorsIdentifiedAtAssessment/"
        "AssessmentFactors[2]: episode CINdetails[2] of child C30002 (referral 2023-04-03, from line 75) "
        "does not match the CIN census schema: '16B' is not one of the codes allowed here "
        "(expected one of 1A "
    )
    assert factor.endswith(" 16A 17A 18A 18B 18C 19A 19B 19C 20 21 22A 23A 24A); " + KEPT)
    assert day == (
        f"{source}:116: Message/Children/Child[3]/CINdetails[1]/CINreferralDate: episode CINdetails[1] of "
        "child C30003 (referral 2023-02-30, from line 115) does not match the CIN census schema: "
        f"'2023-02-30': day is out of range for month (expected a real date as YYYY-MM-DD); {KEPT}"
    )
    assert plan == (
        f"{source}:143: Message/Children/Child[4]/CINdetails[1]/ChildProtectionPlans/CPPstartDate: "
        f"'2093-11-27' is after the end of {event_range_text()[-10:-6]} (expected {event_range_text()}) "
        f"[occurred_at of the event cin:999:C30004:2023-11-03:cp_plan_start:2093-11-27; {KEPT}]"
    )


def test_the_quarantined_episode_is_kept_with_its_child_identifiers(engine: Engine) -> None:
    ingest(engine, RETURN)
    with engine.connect() as connection:
        raw = connection.execute(
            select(QuarantinedLine.raw).where(QuarantinedLine.line_no == 84)
        ).scalar_one()
    child = etree.fromstring(raw)
    assert child.findtext("ChildIdentifiers/LAchildID") == "C30002"
    assert [e.findtext("CINreferralDate") for e in child.iterfind("CINdetails")] == ["2023-04-03"]


def test_reloading_changes_nothing_and_a_corrected_episode_adds_only_itself(
    engine: Engine, tmp_path: Path
) -> None:
    ingest(engine, RETURN)
    again = ingest(engine, RETURN)
    assert (again.summary.accepted, again.summary.unchanged, again.summary.rejected) == (0, 14, 3)
    assert sorted(events(engine)) == CLEAN_EVENTS
    fixed = tmp_path / "cin-fixed.xml"
    fixed.write_text(RETURN.read_text(encoding="utf-8").replace(">16B<", ">16A<"), encoding="utf-8")
    corrected = ingest(engine, fixed)
    assert (corrected.summary.accepted, corrected.summary.unchanged) == (2, 14)
    assert events(engine)["cin:999:C30002:2023-04-03:assessment:2023-04-05"]["attrs"]["factors"] == [
        "2B",
        "16A",
        "3C",
    ]


def test_an_error_in_the_childs_own_items_still_rejects_the_child_whole(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "cin-bad-birth-date.xml"
    text = RETURN.read_text(encoding="utf-8")
    path.write_text(text.replace("<PersonBirthDate>2017-08-20<", "<PersonBirthDate>2017-13-20<"))
    result = ingest(engine, path)
    first = result.rejections()[0]
    assert first.startswith(
        f"{path}:51: Message/Children/Child[2]/ChildIdentifiers/PersonBirthDate: child C30002 (from line 47) "
        "does not match the CIN census schema: line 51: Message/Children/Child[2]/ChildIdentifiers/"
        "PersonBirthDate: '2017-13-20': month must be in 1..12 (expected a real date as YYYY-MM-DD); "
        "line 84: "
    )
    assert "cin:999:C30002" not in people(engine)
    assert not [e for e in events(engine) if e.startswith("cin:999:C30002:")]


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (">N1<", ">N12<", "'N12' is not one of the codes allowed here (expected one of N1 N2 N3"),
        (
            ">2023-09-14<",
            ">2023-9-14<",
            "Invalid datetime string '2023-9-14' (expected a real date as YYYY-MM-DD)",
        ),
        (">false<", ">nope<", "'nope' is not one of the codes allowed here (expected one of true false TRUE"),
        (
            ">0</NumberOfPreviousCPP>",
            ">-1</NumberOfPreviousCPP>",
            "'-1' is below 0 (expected a whole number, 0 or more)",
        ),
        (
            ">0</NumberOfPreviousCPP>",
            ">two</NumberOfPreviousCPP>",
            "'two' is not a whole number (expected a whole number)",
        ),
        (
            ">X999201600201<",
            ">X99920160020<",
            "'X99920160020' does not have the right form (expected 13 characters",
        ),
    ],
)
def test_schema_errors_quote_the_value(engine: Engine, tmp_path: Path, old: str, new: str, said: str) -> None:
    path = tmp_path / "cin.xml"
    text = RETURN.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert said in " ".join(ingest(engine, path).rejections())


def test_a_death_keeps_its_id_when_the_last_episode_is_quarantined_then_corrected(
    engine: Engine, tmp_path: Path
) -> None:
    born = "<PersonBirthDate>2017-08-20</PersonBirthDate>\n                <GenderCurrent>2</GenderCurrent>"
    text = RETURN.read_text(encoding="utf-8")
    died = text.replace(born, born + "<PersonDeathDate>2024-03-01</PersonDeathDate>")
    bad, good = tmp_path / "bad.xml", tmp_path / "good.xml"
    bad.write_text(died.replace("<ReferralSource>6<", "<ReferralSource>66<"), encoding="utf-8")
    good.write_text(died, encoding="utf-8")
    ingest(engine, bad)
    death = "cin:999:C30002:2024-01-15:other:2024-03-01"
    assert death in events(engine) and "cin:999:C30002:2024-01-15:referral" not in events(engine)
    ingest(engine, good)
    assert [e for e in events(engine) if ":other:" in e] == [death]
