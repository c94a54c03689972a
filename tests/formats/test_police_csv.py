"""`police-csv`: incidents with DASH answers -> people, incidents and family ties; bad rows alone lost."""

from __future__ import annotations

from sqlalchemy import Engine

from alarmbell.ingest.police_csv import computed_grade

from .conftest import DOC_SAMPLES, TEST_SAMPLES, events, ingest, people, quarantined, relationships

SAMPLE = DOC_SAMPLES / "incidents.police.csv"
MALFORMED = TEST_SAMPLES / "incidents-malformed.police.csv"


def test_dash_grades_follow_domain_facts() -> None:
    assert [computed_grade(n) for n in (0, 9, 10, 13, 14, 27)] == [
        "standard",
        "standard",
        "medium",
        "medium",
        "high",
        "high",
    ]


def test_sample_round_trip(engine: Engine) -> None:
    result = ingest(engine, SAMPLE)
    assert result.messages == []
    assert set(people(engine)) == {
        "nominal:N100234",
        "nominal:N100235",
        "nominal:N100236",
        "nominal:N100237",
        "nominal:N200410",
    }
    got = events(engine)
    first, second, third = (
        got[f"occurrence:{ref}"] for ref in ("XX/2023/004411", "XX/2023/009120", "XX/2024/001877")
    )
    assert first["kind"] == "domestic_incident"
    assert first["subjects"] == ["nominal:N100234", "nominal:N100236"]
    assert first["others"] == ["nominal:N100235"]
    assert first["attrs"]["children_present"] is True
    assert (first["attrs"]["dash_score"], first["attrs"]["dash_risk"]) == (4, "standard")
    assert (second["attrs"]["dash_score"], second["attrs"]["dash_risk"]) == (11, "medium")
    assert second["attrs"]["offence"] == "assault occasioning actual bodily harm"
    assert (third["attrs"]["dash_score"], third["attrs"]["dash_risk"]) == (16, "high")
    assert third["attrs"]["incidents_12m"] == 3 and third["attrs"]["escalation"] is True
    assert third["attrs"]["marac_criteria"] == ["high_risk", "escalation"]
    assert second["attrs"]["escalation"] is False
    crime = got["occurrence:XX/2024/002010"]
    assert (crime["kind"], crime["attrs"]["offence"]) == ("crime_report", "criminal damage to a dwelling")
    assert relationships(engine) == {
        ("nominal:N100234", "nominal:N100236", "mother"),
        ("nominal:N100234", "nominal:N100237", "mother"),
        ("nominal:N100235", "nominal:N100236", "mother_partner"),
        ("nominal:N100235", "nominal:N100237", "mother_partner"),
    }
    again = ingest(engine, SAMPLE)
    assert again.summary.accepted == 0 and again.summary.unchanged == result.summary.accepted


def test_malformed_rows_are_rejected_by_line_and_column(engine: Engine) -> None:
    result = ingest(engine, MALFORMED)
    source = str(MALFORMED)
    assert result.rejections() == [
        f"{source}:4: DOB: '31/02/2019' is not a real calendar date (expected a date as YYYY-MM-DD, "
        "DD/MM/YYYY or DD-Mon-YY)",
        f"{source}:6: Occurrence Date: '02/02/2024' differs from '01/02/2024' on line 2 for occurrence "
        "XX/2024/100001 (expected the same occurrence details on every row of one occurrence)",
        f"{source}:7: Q5: 'Maybe' (expected Yes, No or Don't know (or Y, N, Not known; blank when not "
        "asked))",
        f"{source}:8: Role: 'Bystander' is not a role (expected one of victim, child present, missing "
        "person, subject, suspect, offender, witness, informant, reporting person, other, child, "
        "perpetrator, injured party, aggrieved, person reporting, ip, child normally resident, "
        "child resident)",
        f"{source}:9: Occurrence Type: 'Burglary' is not an occurrence type alarmbell knows (expected one of "
        "domestic incident, domestic abuse, domestic crime, domestic abuse crime, domestic abuse non "
        "crime, domestic incident non crime, domestic non crime, assault, crime, arrest, child concern, "
        "child welfare concern, concern for safety, concern for welfare, missing person, intelligence, "
        "police protection)",
        f"{source}:10: (line): 51 cells, the header has 48 (expected one cell per header column; a cell "
        "holding a comma or a line break needs quotes)",
        f"{source}:2: Occurrence Ref: occurrence XX/2024/100001 not recorded: its rows on lines 4, 6 were "
        "rejected, and an incident without them would leave people out or misplace them (expected every "
        "row of the occurrence valid; fix the rejected rows and send the occurrence again)",
    ]
    # Lines 4 and 6 were rejected: an incident without Maisie (line 4) would say fewer children
    # were present than were, so the occurrence waits for its rows to be fixed; its good people stay.
    assert "occurrence:XX/2024/100001" not in events(engine)
    assert set(people(engine)) == {"nominal:N1", "nominal:N2", "nominal:N4"}
    assert [line for line, _ in quarantined(engine)] == [2, 4, 6, 7, 8, 9, 10]
