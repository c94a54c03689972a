"""`fhir`: the sample bundle becomes the expected health events; bad entries alone are rejected."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine

from .conftest import DOC_SAMPLES, TEST_SAMPLES, events, ingest, people, quarantined

SAMPLE = DOC_SAMPLES / "health-bundle.json"
MALFORMED = TEST_SAMPLES / "health-bundle-malformed.json"


def test_sample_bundle_round_trip(engine: Engine) -> None:
    result = ingest(engine, SAMPLE)
    assert result.rejections() == []
    assert (result.summary.accepted, result.summary.rejected, result.summary.held) == (7, 0, 0)
    persons = people(engine)
    assert persons["nhs:9992345675"]["given_name"] == "Maisie"
    assert persons["nhs:9993456780"]["dob"] == "2023-09-01"
    got = {sid: (e["kind"], e["subjects"], e.get("attrs", {})) for sid, e in events(engine).items()}
    assert got["encounter:ED-2024-031702"][0] == "ed_attendance"
    attendance = got["encounter:ED-2024-031702"][2]
    # The Condition recorded at the attendance is carried on it, not made a second event.
    assert (attendance["injury"], attendance["site"]) == ("bruise", "left_ear")
    assert attendance["delay_in_presentation"] is False
    assert attendance["condition_codes"] == [
        {"system": "http://snomed.info/sct", "code": "125667009", "display": "Contusion"}
    ]
    assert "condition:cond-1" not in got
    assert got["encounter:enc-gp-1"][0] == "gp_consultation"
    assert got["observation:obs-weight-1"][2]["weight_kg"] == 14.2
    assert got["observation:obs-height-1"][2]["height_cm"] == 101.5
    assert got["appointment:appt-1"][0] == "missed_appointment"
    assert got["appointment:appt-1"][2]["was_not_brought"] is True
    assert "appointment:appt-2" not in got  # booked, not missed


def test_reingesting_the_bundle_changes_nothing(engine: Engine) -> None:
    ingest(engine, SAMPLE)
    again = ingest(engine, SAMPLE)
    assert (again.summary.accepted, again.summary.unchanged) == (0, 7)


def test_malformed_bundle_names_entry_and_fhir_path_and_keeps_good_entries(engine: Engine) -> None:
    result = ingest(engine, MALFORMED)
    source = str(MALFORMED)
    assert result.rejections() == [
        f"{source}:2: Bundle.entry[1].resource.birthDate: Input should be a valid date or datetime, day "
        "value "
        "is outside expected range (got '2023-02-30') [entry 2; line = entry number in the bundle]",
        f"{source}:4: Bundle.entry[3].resource.period.start: 'yesterday' is not a FHIR dateTime (expected "
        "YYYY, YYYY-MM, YYYY-MM-DD, or a date and time with its time zone: 2024-06-18T10:00:00+01:00 or "
        "2024-06-18T09:00:00Z) [entry 4; line = entry number in the bundle]",
        f"{source}:7: Bundle.entry[6].resource.severityScore: Extra inputs are not permitted (got 3) "
        "[entry 7; line = entry number in the bundle]",
        f"{source}:5: Bundle.entry[4].resource.valueQuantity.code: '[lb_av]' (expected a weight in UCUM "
        "kg or g) "
        "[entry 5; line = entry number in the bundle]",
        f"{source}:6: Bundle.entry[5].resource.participant.actor.reference: 'Patient/nobody' names no "
        "Patient "
        "in this bundle (expected a Patient entry) [entry 6; line = entry number in the bundle]",
    ]
    assert sorted(events(engine)) == ["encounter:e1", "observation:o2"]
    assert events(engine)["encounter:e1"]["attrs"]["injury"] == "burn"
    assert events(engine)["observation:o2"]["attrs"]["height_cm"] == 101.5
    assert list(people(engine)) == ["nhs:9992345675"]
    assert [line for line, _ in quarantined(engine)] == [2, 4, 5, 6, 7]


def test_an_agency_other_than_health_is_refused(engine: Engine) -> None:
    result = ingest(engine, SAMPLE, agency="police")
    assert result.summary.accepted == 0
    assert "is not the agency this upload is for (police:" in result.rejections()[0]


def test_not_a_bundle_is_one_precise_error(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "patient.json"
    path.write_text('{"resourceType": "Patient", "id": "x"}')
    result = ingest(engine, path)
    assert result.rejections() == [
        f"{path}:0: resourceType: 'Patient' (expected a FHIR Bundle (resourceType 'Bundle'))"
    ]
    path.write_text('{"resourceType": "Bundle",\n "entry": [')
    assert "invalid JSON" in ingest(engine, path).rejections()[0]


def test_a_date_time_without_its_time_zone_says_what_a_fhir_date_time_is(
    engine: Engine, tmp_path: Path
) -> None:
    """FHIR requires a zone on a date-time; the error said only `does not match spec regex`."""
    path = tmp_path / "bundle.json"
    patient = {"resourceType": "Patient", "id": "p1", "name": [{"family": "Harker", "given": ["Maisie"]}]}
    visit = {
        "resourceType": "Encounter",
        "id": "e1",
        "status": "finished",
        "class": {"code": "HH"},
        "subject": {"reference": "Patient/p1"},
        "period": {"start": "2024-06-18T10:00:00"},
    }
    path.write_text(
        json.dumps(
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": patient}, {"resource": visit}],
            }
        )
    )
    assert ingest(engine, path).rejections() == [
        f"{path}:2: Bundle.entry[1].resource.period.start: '2024-06-18T10:00:00' is not a FHIR dateTime "
        "(expected YYYY, YYYY-MM, YYYY-MM-DD, or a date and time with its time zone: "
        "2024-06-18T10:00:00+01:00 or 2024-06-18T09:00:00Z) [entry 2; line = entry number in the bundle]"
    ]


def test_a_bundle_saved_with_a_byte_order_mark_is_read(engine: Engine, tmp_path: Path) -> None:
    """Windows tools save UTF-8 JSON with a BOM; the whole bundle was refused as invalid JSON."""
    path = tmp_path / "bundle.json"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes())
    result = ingest(engine, path)
    assert result.rejections() == []
    assert (result.summary.accepted, result.summary.rejected) == (7, 0)
