"""FHIR the way GP systems and trusts send it: a transaction bundle with `urn:uuid` references and no ids.

Each test names a defect found with independently written exports (issue 15).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from alarmbell.chronology import build_chronology
from alarmbell.chronology.render import chronology_json, chronology_lines
from alarmbell.identity import link_people, person_ids_for_records
from alarmbell.storage.db import session_scope

from .conftest import DOC_SAMPLES, TEST_SAMPLES, events, ingest, people, relationships

GP_EXPORT = TEST_SAMPLES / "gp-transaction-bundle.json"
CHILD = "nhs:9993456780"


def _by_kind(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for payload in events(engine).values():
        out.setdefault(payload["kind"], []).append(payload)
    return out


def test_resources_without_ids_are_kept_and_reference_each_other_by_urn_uuid(engine: Engine) -> None:
    result = ingest(engine, GP_EXPORT)
    assert result.rejections() == []
    growth = _by_kind(engine)["growth_measurement"]
    measured = sorted(
        (g["subjects"][0], g["occurred_at"][:10], g["attrs"].get("weight_kg") or g["attrs"]["height_cm"])
        for g in growth
    )
    assert measured == [
        ("nhs:9993456780", "2024-05-02", 9.1),
        ("nhs:9993456780", "2024-05-02", 74.0),
        ("nhs:9993456780", "2024-06-20", 8.7),
        ("patient:GP-20417", "2024-05-03", 13.0),
    ]
    assert not any("urn:uuid" in source_id for source_id in events(engine))


def test_a_re_export_with_new_urn_uuids_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    ingest(engine, GP_EXPORT)
    fresh = re.sub(r"0c7e2a10-5b1f-4d4e-9c2b-0000", "a41d9e77-2c3b-4f10-8e5a-9999", GP_EXPORT.read_text())
    again = tmp_path / "re-export.json"
    again.write_text(fresh)
    result = ingest(engine, again)
    assert result.rejections() == []
    assert result.summary.accepted == 0
    assert result.summary.unchanged > 10


def test_coded_encounter_types_decide_the_kind(engine: Engine) -> None:
    ingest(engine, GP_EXPORT)
    kinds = _by_kind(engine)
    gp = kinds["gp_consultation"]
    assert [g["attrs"]["service"] for g in gp] == ["Face to face consultation in surgery"]
    assert len(kinds["paediatric_assessment"]) == 1  # AMB encounter with specialty 420 Paediatrics
    assert "other" not in kinds


def test_the_attendance_carries_the_injury_its_site_and_the_delay(engine: Engine) -> None:
    ingest(engine, GP_EXPORT)
    kinds = _by_kind(engine)
    assert "injury_presentation" not in kinds, "no separate injury event dated at the onset"
    [attendance] = kinds["ed_attendance"]
    assert attendance["occurred_at"] == "2024-06-18T00:30:00+01:00"  # the arrival, in local time
    attrs = attendance["attrs"]
    assert (attrs["injury"], attrs["site"]) == ("bruise", "left_ear")
    assert attrs["delay_in_presentation"] is True
    assert attrs["hours_from_onset_to_arrival"] == 19.0


def test_mother_is_related_through_related_person_and_patient_contact(engine: Engine) -> None:
    ingest(engine, GP_EXPORT)
    ties = relationships(engine)
    assert ("nhs:9992345675", CHILD, "mother") in ties  # RelatedPerson MTH
    assert (f"contact:{CHILD}:jodie-harker", CHILD, "mother") in ties  # Patient.contact MTH
    assert len(ties) == 2, "an emergency contact is not family"
    assert people(engine)["nhs:9992345675"]["given_name"] == "Jodie"


def test_appointment_specialty_is_the_service(engine: Engine) -> None:
    ingest(engine, GP_EXPORT)
    [missed] = _by_kind(engine)["missed_appointment"]
    assert missed["attrs"]["service"] == "Paediatrics"
    assert missed["attrs"]["was_not_brought"] is True


def test_an_nhs_number_failing_modulus_11_is_warned_about_and_never_a_key(engine: Engine) -> None:
    result = ingest(engine, GP_EXPORT)
    persons = people(engine)
    assert "nhs:9992345676" not in persons
    assert persons["patient:GP-20417"]["nhs_number"] == "9992345676"
    warnings = [m for m in result.messages if ": warning: " in m]
    assert any("9992345676 fails the check digit" in w for w in warnings)


def test_every_code_table_is_documented() -> None:
    from alarmbell.ingest import fhir_codes

    doc = (DOC_SAMPLES.parent / "fhir.md").read_text()
    tables = (
        fhir_codes.SNOMED_ENCOUNTER_KINDS,
        fhir_codes.SPECIALTY_KINDS,
        fhir_codes.INJURY_CODES,
        fhir_codes.ROLE_KINDS,
    )
    missing = [code for table in tables for code in table if not re.search(rf"\b{code}\b", doc)]
    assert missing == []


def test_an_attendance_at_half_past_midnight_bst_is_on_that_day_in_the_chronology(engine: Engine) -> None:
    ingest(engine, GP_EXPORT)
    with session_scope(engine) as session:
        link_people(session)
        child = person_ids_for_records(session, [("health", CHILD)])[("health", CHILD)]
        chronology = build_chronology(session, child)
    assert chronology is not None
    attendance = next(e for e in chronology.entries if e.kind == "ed_attendance")
    assert attendance.occurred_at.date() == date(2024, 6, 18)
    assert attendance.occurred_at == datetime(2024, 6, 17, 23, 30, tzinfo=UTC)  # the same instant
    line = next(line for line in chronology_lines(chronology) if "A&E" in line or "ED attendance" in line)
    assert line.startswith("2024-06-18")
    shown = next(e for e in chronology_json(chronology)["events"] if e["kind"] == "ed_attendance")
    assert shown["occurred_at"] == "2024-06-18T00:30:00+01:00"


def _gp_bundle_with_an_injury_at_a_consultation(uuid: str) -> dict[str, Any]:
    patient = f"urn:uuid:{uuid}-0001"
    consultation = f"urn:uuid:{uuid}-0002"
    snomed = "http://snomed.info/sct"
    entries = [
        (
            patient,
            {
                "resourceType": "Patient",
                "birthDate": "2019-06-14",
                "gender": "female",
                "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9992345675"}],
            },
        ),
        (
            consultation,
            {
                "resourceType": "Encounter",
                "status": "finished",
                "class": {"code": "AMB"},
                "type": [{"coding": [{"system": snomed, "code": "185202000"}]}],
                "subject": {"reference": patient},
                "period": {"start": "2024-06-18T09:10:00+01:00"},
            },
        ),
        (
            f"urn:uuid:{uuid}-0003",
            {
                "resourceType": "Condition",
                "code": {"coding": [{"system": snomed, "code": "125667009"}]},
                "subject": {"reference": patient},
                "encounter": {"reference": consultation},
                "recordedDate": "2024-06-18T09:20:00+01:00",
            },
        ),
    ]
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }


def test_an_injury_at_a_gp_consultation_names_it_by_its_key_so_a_re_export_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    first, again = tmp_path / "export.json", tmp_path / "re-export.json"
    first.write_text(
        json.dumps(_gp_bundle_with_an_injury_at_a_consultation("aaaa0001-0000-4000-8000-00000000"))
    )
    again.write_text(
        json.dumps(_gp_bundle_with_an_injury_at_a_consultation("bbbb0002-0000-4000-8000-00000000"))
    )
    ingest(engine, first)
    [injury] = _by_kind(engine)["injury_presentation"]
    [consultation] = _by_kind(engine)["gp_consultation"]
    assert injury["attrs"]["encounter"] == consultation["source_id"]
    result = ingest(engine, again)
    assert (result.summary.accepted, result.summary.unchanged) == (0, 3)


def test_a_weight_and_height_coded_in_snomed_ct_alone_are_growth_measurements(
    engine: Engine, tmp_path: Path
) -> None:
    """GP systems code a weighing in SNOMED CT (27113001 Body weight) and often send no LOINC."""
    patient = "urn:uuid:cccc0003-0000-4000-8000-000000000001"

    def measured(code: str, display: str, value: float, unit: str) -> dict[str, Any]:
        return {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}]},
            "subject": {"reference": patient},
            "effectiveDateTime": "2024-06-18T09:15:00+01:00",
            "valueQuantity": {"value": value, "system": "http://unitsofmeasure.org", "code": unit},
        }

    child = {
        "resourceType": "Patient",
        "birthDate": "2023-09-01",
        "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9993456780"}],
    }
    resources = [
        (patient, child),
        (None, measured("27113001", "Body weight", 7300, "g")),
        (None, measured("248334005", "Length of body", 66.5, "cm")),
    ]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": url, "resource": resource} if url else {"resource": resource}
            for url, resource in resources
        ],
    }
    path = tmp_path / "snomed.json"
    path.write_text(json.dumps(bundle))
    assert ingest(engine, path).rejections() == []
    growth = {
        (g["attrs"].get("weight_kg"), g["attrs"].get("height_cm"), tuple(g["attrs"]["snomed"]))
        for g in _by_kind(engine)["growth_measurement"]
    }
    assert growth == {(7.3, None, ("27113001",)), (None, 66.5, ("248334005",))}


def test_an_nhs_number_under_the_older_nhs_net_system_is_the_nhs_number(
    engine: Engine, tmp_path: Path
) -> None:
    """Older integration engines still send `http://fhir.nhs.net/Id/nhs-number`; the number was
    taken for a local identifier, so the patient was never keyed or matched by it."""
    patient = {
        "resourceType": "Patient",
        "identifier": [{"system": "http://fhir.nhs.net/Id/nhs-number", "value": "9992345675"}],
        "name": [{"family": "Harker", "given": ["Maisie"]}],
        "birthDate": "2019-06-14",
    }
    path = tmp_path / "older.json"
    path.write_text(
        json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": patient}]})
    )
    assert ingest(engine, path).rejections() == []
    assert people(engine)["nhs:9992345675"]["nhs_number"] == "9992345675"
