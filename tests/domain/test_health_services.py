"""The health-service vocabulary reads a missed appointment's service as agencies write it."""

from __future__ import annotations

import pytest

from alarmbell.domain.health_services import (
    KNOWN_NEED_TYPES,
    SERVICE_TYPES,
    is_known_service_type,
    service_label,
    service_types,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GP / paediatric follow-up", {"gp", "paediatrics"}),
        ("GP/paediatric f/u", {"gp", "paediatrics"}),
        ("Paediatric OPD", {"paediatrics", "hospital_follow_up"}),
        ("community paediatrician", {"paediatrics"}),
        ("Consultant Paediatrician clinic", {"paediatrics"}),
        ("pediatric clinic", {"paediatrics"}),
        ("PAEDS", {"paediatrics"}),
        ("fracture clinic review", {"fracture_orthopaedics"}),
        ("Orthopaedic f/u", {"fracture_orthopaedics"}),
        ("T&O clinic", {"fracture_orthopaedics"}),
        ("Growth clinic (dietitian)", {"growth_nutrition"}),
        ("Dietician appt.", {"growth_nutrition"}),
        ("healthy weight programme", {"growth_nutrition"}),
        ("CAMHS appt", {"mental_health"}),
        ("Child & Adolescent Mental Health Service", {"mental_health"}),
        ("eye clinic", {"hearing_vision"}),
        ("hearing test", {"hearing_vision"}),
        ("Audiology - repeat hearing test", {"hearing_vision"}),
        ("orthoptics", {"hearing_vision"}),
        ("SALT", {"therapy"}),
        ("Speech & Language Therapy", {"therapy"}),
        ("OT assessment", {"therapy"}),
        ("physio", {"therapy"}),
        ("dental extraction under GA", {"dental_treatment"}),
        ("Dental treatment (caries)", {"dental_treatment"}),
        ("hospital appt", {"hospital_follow_up"}),
        ("Out-patients", {"hospital_follow_up"}),
        ("cardiology", {"specialist"}),
        ("childhood immunisations", {"immunisation"}),
        ("MMR booster", {"immunisation"}),
        ("imms", {"immunisation"}),
        ("routine dental check-up", {"dental_check_up"}),
        ("Dentist", {"dental_check_up"}),
        ("dental", {"dental_check_up"}),
        ("HV 2-2.5 year review", {"health_visiting"}),
        ("health visitor", {"health_visiting"}),
        ("GP", {"gp"}),
        ("universal child health (reviews, immunisations, dental)", {"immunisation", "dental_check_up"}),
        ("newborn hearing screen", {"screening"}),
        ("school vision screening", {"screening"}),
        ("educational psychologist", set()),
        ("clinical psychology", {"mental_health"}),
        ("appointment", set()),
        ("not recorded", set()),
        ("", set()),
    ],
)
def test_free_text_maps_to_service_types(text: str, expected: set[str]) -> None:
    assert service_types(text) == expected


#: Every value the known-need indicator matched exactly before it read free text.
EXACT_VALUES_MATCHED_BEFORE = (
    "growth_clinic",
    "growth",
    "paediatrics",
    "paediatric_clinic",
    "fracture_clinic",
    "orthopaedics",
    "dietetics",
    "specialist",
    "hospital_follow_up",
    "outpatients",
    "camhs",
    "audiology",
    "ophthalmology",
    "physiotherapy",
    "weight_management",
    "weight management",
    "dental_treatment",
    "dental treatment",
)


@pytest.mark.parametrize("value", EXACT_VALUES_MATCHED_BEFORE)
def test_every_exact_value_matched_before_is_still_a_known_need(value: str) -> None:
    assert service_types(value) & KNOWN_NEED_TYPES, value


@pytest.mark.parametrize(
    "value", ["immunisation", "dental", "GP", "health visitor", "HV review", "newborn hearing screening"]
)
def test_routine_contacts_are_not_a_known_need(value: str) -> None:
    assert service_types(value), value
    assert not service_types(value) & KNOWN_NEED_TYPES, value


def test_lists_and_non_text() -> None:
    assert service_types(["CAMHS", "eye clinic"]) == {"mental_health", "hearing_vision"}
    assert service_types(None) == frozenset()
    assert service_types(7) == frozenset()


def test_every_type_has_a_label_and_is_known() -> None:
    for name in SERVICE_TYPES:
        assert is_known_service_type(name)
        assert service_label(name) != name
    assert KNOWN_NEED_TYPES < SERVICE_TYPES.keys()
    assert not is_known_service_type("growth_clinic")
