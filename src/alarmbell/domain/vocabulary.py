"""The controlled vocabulary of the agency exchange format v1 (docs/exchange-format.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

AGENCIES: Final[tuple[str, ...]] = (
    "police",
    "health",
    "education",
    "children_social_care",
    "housing",
    "probation",
    "other",
)

AGENCY_LABELS: Final[dict[str, str]] = {
    "police": "Police",
    "health": "Health",
    "education": "Education",
    "children_social_care": "Children's social care",
    "housing": "Housing",
    "probation": "Probation",
    "other": "Other",
}

#: Event kinds, each with the agency that usually records it. Any agency may record any kind.
EVENT_KINDS: Final[dict[str, str]] = {
    # police
    "domestic_incident": "police",
    "assault_report": "police",
    "arrest": "police",
    "child_welfare_concern": "police",
    "missing_person": "police",
    "crime_report": "police",
    "intelligence": "police",
    "joint_investigation": "police",
    "police_protection": "police",
    # health
    "ed_attendance": "health",
    "injury_presentation": "health",
    "gp_consultation": "health",
    "growth_measurement": "health",
    "missed_appointment": "health",
    "health_visitor_contact": "health",
    "school_nurse_contact": "health",
    "paediatric_assessment": "health",
    "immunisation_missed": "health",
    "maternity": "health",
    "mental_health_contact": "health",
    "substance_misuse_contact": "health",
    "registration_change": "health",
    # education
    "school_concern": "education",
    "injury_observed": "education",
    "hunger_observed": "education",
    "attendance_concern": "education",
    "child_missing_education": "education",
    "home_education": "education",
    "behaviour_concern": "education",
    "nursery_concern": "education",
    "school_start": "education",
    "school_move": "education",
    # children's social care
    "referral": "children_social_care",
    "assessment": "children_social_care",
    "strategy_discussion": "children_social_care",
    "section_47": "children_social_care",
    "cp_conference": "children_social_care",
    "cp_plan_start": "children_social_care",
    "cp_plan_end": "children_social_care",
    "home_visit": "children_social_care",
    "child_seen_alone": "children_social_care",
    "case_closed": "children_social_care",
    "family_support": "children_social_care",
    "looked_after": "children_social_care",
    # any agency
    "family_member_report": "any",
    "neighbour_report": "any",
    "housing_notice": "any",
    "probation_contact": "any",
    "address_move": "any",
    "other": "any",
    # a child may tell anyone: a health visitor, a GP, a police officer, a social worker
    "disclosure": "any",
    # derived by alarmbell (domain.household_facts), though an agency may also record it
    "new_adult_in_household": "any",
}

RELATIONSHIP_KINDS: Final[tuple[str, ...]] = (
    "mother",
    "father",
    "step_parent",
    "mother_partner",
    "father_partner",
    "carer",
    "sibling",
    "grandparent",
    "household_member",
    "other",
)

#: Relationship kinds through which an adult's events bear on a child's chronology.
HOUSEHOLD_ADULT_KINDS: Final[frozenset[str]] = frozenset(
    {
        "mother",
        "father",
        "step_parent",
        "mother_partner",
        "father_partner",
        "carer",
        "household_member",
        "grandparent",
    }
)

SEXES: Final[tuple[str, ...]] = ("M", "F", "X", "U")
ROLE_HINTS: Final[tuple[str, ...]] = ("child", "adult")
RECORD_TYPES: Final[tuple[str, ...]] = ("person", "relationship", "event")


class AlertLevel(StrEnum):
    """Alert levels, ordered: green < amber < red."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK: Final[dict[AlertLevel, int]] = {
    AlertLevel.GREEN: 0,
    AlertLevel.AMBER: 1,
    AlertLevel.RED: 2,
}
