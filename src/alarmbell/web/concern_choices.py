"""What the record-a-concern form offers: kinds by agency in plain words, and injury types.

Schools and health visitors are used to CPOMS and MyConcern, which offer a short list of the
things their own service records, in their own words. The exchange vocabulary
(`domain.vocabulary.EVENT_KINDS`) already says which agency usually records each kind; the
form offers a user their agency's kinds and the ones any agency may record, so a health
visitor never sees "Arrest". The API and agency files may still send any kind.
"""

from __future__ import annotations

from typing import Final

from alarmbell.domain.vocabulary import EVENT_KINDS
from alarmbell.presentation import kind_label

#: Kinds alarmbell derives itself (domain.household_facts); no one records them on the form.
DERIVED_KINDS: Final[frozenset[str]] = frozenset({"new_adult_in_household"})

#: The form's groups, in page order, each with its kinds and their plain-words labels.
KIND_GROUPS: Final[tuple[tuple[str, tuple[tuple[str, str], ...]], ...]] = (
    (
        "Something you saw or the child told you",
        (
            ("school_concern", "Welfare concern"),
            ("nursery_concern", "Nursery or early years concern"),
            ("injury_observed", "Injury or mark seen on the child"),
            ("disclosure", "The child told me something (disclosure)"),
            ("hunger_observed", "Child hungry, or not fed"),
            ("behaviour_concern", "Change in behaviour"),
        ),
    ),
    (
        "Attendance and education",
        (
            ("attendance_concern", "Poor attendance"),
            ("child_missing_education", "Child missing from education"),
            ("home_education", "Taken out of school for home education"),
            ("school_start", "Started at this school"),
            ("school_move", "Moved school"),
        ),
    ),
    (
        "Health",
        (
            ("health_visitor_contact", "Health visitor contact"),
            ("school_nurse_contact", "School nurse contact"),
            ("injury_presentation", "Injury seen by a health professional"),
            ("ed_attendance", "Attended A&E (emergency department)"),
            ("gp_consultation", "GP appointment"),
            ("paediatric_assessment", "Paediatric assessment"),
            ("growth_measurement", "Weight or height measured"),
            ("missed_appointment", "Missed appointment (was not brought)"),
            ("immunisation_missed", "Missed immunisation"),
            ("maternity", "Maternity care"),
            ("mental_health_contact", "Mental health contact"),
            ("substance_misuse_contact", "Drug or alcohol service contact"),
            ("registration_change", "Changed GP registration"),
        ),
    ),
    (
        "Police",
        (
            ("child_welfare_concern", "Child welfare concern"),
            ("domestic_incident", "Domestic abuse incident"),
            ("assault_report", "Assault reported"),
            ("missing_person", "Child reported missing"),
            ("crime_report", "Crime reported"),
            ("arrest", "Arrest"),
            ("intelligence", "Police intelligence"),
            ("joint_investigation", "Joint investigation with social care"),
            ("police_protection", "Police protection used"),
        ),
    ),
    (
        "Children's social care",
        (
            ("referral", "Referral received"),
            ("assessment", "Assessment"),
            ("strategy_discussion", "Strategy discussion"),
            ("section_47", "Child protection enquiry (section 47)"),
            ("cp_conference", "Child protection conference"),
            ("cp_plan_start", "Child protection plan started"),
            ("cp_plan_end", "Child protection plan ended"),
            ("home_visit", "Home visit"),
            ("child_seen_alone", "Child seen alone"),
            ("family_support", "Family support or early help"),
            ("looked_after", "Child became looked after"),
            ("case_closed", "Case closed"),
        ),
    ),
    (
        "Told to you by someone else, or other",
        (
            ("family_member_report", "A family member told me"),
            ("neighbour_report", "A neighbour or member of the public told me"),
            ("housing_notice", "Housing notice (for example eviction)"),
            ("probation_contact", "Probation contact"),
            ("address_move", "Family moved address"),
            ("other", "Something else"),
        ),
    ),
)

KIND_LABELS: Final[dict[str, str]] = {kind: label for _, kinds in KIND_GROUPS for kind, label in kinds}


def usual_for(kind: str, agency: str) -> bool:
    """The vocabulary's own answer: this agency records this kind, or any agency may."""
    return EVENT_KINDS.get(kind) in (agency, "any") and kind not in DERIVED_KINDS


def kinds_for(agency: str | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The form's kind groups for one agency (None: every agency's, for a MASH analyst)."""
    groups = []
    for group, kinds in KIND_GROUPS:
        offered = [(k, label) for k, label in kinds if agency is None or usual_for(k, agency)]
        if offered:
            groups.append((group, offered))
    return groups


def form_kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind) or kind_label(kind)
