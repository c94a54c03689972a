"""One case that fires and one that does not, for every indicator in the default policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from alarmbell.domain.alerts import Assessment
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.policy import Policy, evaluate

from .conftest import ChronologyBuilder, moment

Case = Callable[[ChronologyBuilder], ChronologyBuilder]
AT = "2012-01-01"

# Each case: (indicator id, should fire, builder steps). The child was born 2008-01-01.
CASES: list[tuple[str, bool, Case]] = [
    (
        "domestic_abuse_child_present",
        True,
        lambda b: b.household("domestic_incident", "2011-06-01", children_present=True),
    ),
    (
        "domestic_abuse_child_present",
        True,
        lambda b: b.own("domestic_incident", "2011-06-01"),
    ),
    (
        "domestic_abuse_child_present",
        False,
        lambda b: b.household("domestic_incident", "2011-06-01", children_present=False),
    ),
    (
        "repeat_domestic_abuse",
        True,
        lambda b: (
            b.household("domestic_incident", "2011-02-01")
            .household("domestic_incident", "2011-06-01", relation="mother_partner")
            .household("domestic_incident", "2011-11-01")
        ),
    ),
    (
        "repeat_domestic_abuse",
        False,
        lambda b: (
            b.household("domestic_incident", "2010-02-01")
            .household("domestic_incident", "2010-11-01")
            .household("domestic_incident", "2011-11-01")
        ),
    ),
    (
        "repeat_domestic_abuse",
        True,
        lambda b: b.household("domestic_incident", "2011-11-01", dash_risk="high"),
    ),
    (
        "injury_with_domestic_abuse_history",
        True,
        lambda b: b.household("domestic_incident", "2010-06-01").own(
            "injury_presentation", "2011-10-01", injury="bruise", site="L cheek"
        ),
    ),
    (
        "injury_with_domestic_abuse_history",
        False,
        lambda b: b.household("domestic_incident", "2010-06-01").own(
            "injury_presentation", "2011-10-01", injury="bruise", site="grazed knee"
        ),
    ),
    (
        "injury_with_domestic_abuse_history",
        False,
        lambda b: b.household("domestic_incident", "2008-06-01").own(
            "injury_presentation", "2011-10-01", injury="bruise", site="cheek"
        ),
    ),
    (
        "injury_with_domestic_abuse_history",
        False,
        lambda b: b.own("injury_presentation", "2011-10-01").household("domestic_incident", "2011-11-01"),
    ),
    (
        "injuries_seen_by_two_agencies",
        True,
        lambda b: b.own("injury_presentation", "2011-05-01").own("injury_observed", "2011-09-01"),
    ),
    (
        "injuries_seen_by_two_agencies",
        False,
        lambda b: b.own("injury_presentation", "2011-05-01").own("injury_presentation", "2011-09-01"),
    ),
    (
        "injuries_seen_by_two_agencies",
        False,
        lambda b: b.own("injury_presentation", "2011-01-15").own("injury_observed", "2011-09-01"),
    ),
    (
        "injuries_seen_by_two_agencies",
        False,
        lambda b: b.own("ed_attendance", "2011-05-01", injury="laceration", site="forehead").own(
            "injury_observed", "2011-09-01", injury="bruise", site="grazed knee"
        ),
    ),
    (
        "injuries_seen_by_two_agencies",
        True,
        lambda b: b.own("ed_attendance", "2011-05-01", injury="burn", site="L forearm").own(
            "injury_observed", "2011-09-01", injury="bruise", sites=["left_lower_leg", "left_ear"]
        ),
    ),
    ("hunger_or_weight_loss", True, lambda b: b.own("hunger_observed", "2011-11-01")),
    (
        "hunger_or_weight_loss",
        True,
        lambda b: b.own("school_concern", "2011-11-01", category="hunger"),
    ),
    (
        "hunger_or_weight_loss",
        True,
        lambda b: b.own("paediatric_assessment", "2011-11-01", weight_loss=True),
    ),
    (
        "hunger_or_weight_loss",
        True,
        lambda b: b.own("growth_measurement", "2011-03-01", weight_centile=50).own(
            "growth_measurement", "2011-11-01", weight_centile=20
        ),
    ),
    (
        "hunger_or_weight_loss",
        False,
        lambda b: (
            b.own("growth_measurement", "2011-03-01", weight_centile=50)
            .own("growth_measurement", "2011-11-01", weight_centile=40)
            .own("school_concern", "2011-11-01", category="behaviour")
        ),
    ),
    (
        "injury_not_mobile",
        True,
        lambda b: b.own("injury_observed", "2011-12-01", injury="bruise", mobile=False),
    ),
    (
        "injury_not_mobile",
        False,
        lambda b: b.own("injury_observed", "2011-12-01", injury="bruise", mobile=True),
    ),
    # NICE's alerting features are bruises, fractures, burns and bites; a cut is not one.
    (
        "injury_not_mobile",
        False,
        lambda b: b.own("ed_attendance", "2011-12-01", injury="laceration", mobile=False),
    ),
    (
        "repeated_hunger_or_weight_loss",
        True,
        lambda b: b.own("hunger_observed", "2011-03-01").own(
            "growth_measurement", "2011-09-01", weight_loss=True
        ),
    ),
    ("repeated_hunger_or_weight_loss", False, lambda b: b.own("hunger_observed", "2011-03-01")),
    (
        "child_not_seen_at_visits",
        True,
        lambda b: b.own("home_visit", "2011-06-01", child_seen=False).own(
            "home_visit", "2011-08-01", child_seen=False
        ),
    ),
    (
        "child_not_seen_at_visits",
        False,
        lambda b: b.own("home_visit", "2011-06-01", child_seen=False).own(
            "home_visit", "2011-08-01", child_seen=True
        ),
    ),
    (
        "persistent_was_not_brought",
        True,
        lambda b: (
            b.own("missed_appointment", "2011-01-10", was_not_brought=True)
            .own("missed_appointment", "2011-04-10", was_not_brought=True)
            .own("immunisation_missed", "2011-07-10", was_not_brought=True)
            .own("missed_appointment", "2011-10-10", was_not_brought=True)
        ),
    ),
    (
        "persistent_was_not_brought",
        False,
        lambda b: (
            b.own("missed_appointment", "2011-01-10", was_not_brought=True)
            .own("missed_appointment", "2011-04-10", was_not_brought=True)
            .own("missed_appointment", "2011-07-10", was_not_brought=True)
        ),
    ),
    (
        "delayed_presentation",
        True,
        lambda b: b.own("injury_presentation", "2011-10-01", delay_in_presentation=True),
    ),
    (
        "delayed_presentation",
        False,
        lambda b: b.own("injury_presentation", "2011-10-01", delay_in_presentation=False),
    ),
    (
        "repeat_injuries",
        True,
        lambda b: (
            b.own("injury_presentation", "2011-02-01")
            .own("ed_attendance", "2011-06-01", injury="burn")
            .own("injury_observed", "2011-10-01")
        ),
    ),
    (
        "repeat_injuries",
        False,
        lambda b: (
            b.own("injury_presentation", "2011-02-01")
            .own("ed_attendance", "2011-06-01")
            .own("injury_observed", "2011-10-01")
        ),
    ),
    (
        "repeat_injuries",
        False,
        lambda b: (
            b.own("injury_presentation", "2011-02-01", site="R shin")
            .own("ed_attendance", "2011-06-01", injury="burn")
            .own("injury_observed", "2011-10-01", site="both knees")
        ),
    ),
    (
        "repeated_was_not_brought",
        True,
        lambda b: b.own("missed_appointment", "2011-03-01", was_not_brought=True).own(
            "immunisation_missed", "2011-09-01", was_not_brought=True
        ),
    ),
    (
        "repeated_was_not_brought",
        False,
        lambda b: b.own("missed_appointment", "2011-03-01", was_not_brought=True).own(
            "missed_appointment", "2011-09-01", was_not_brought=False
        ),
    ),
    (
        "was_not_brought_on_plan",
        True,
        lambda b: b.own("cp_plan_start", "2011-06-01").own(
            "missed_appointment", "2011-11-01", was_not_brought=True
        ),
    ),
    (
        "was_not_brought_on_plan",
        False,
        lambda b: (
            b.own("cp_plan_start", "2011-06-01")
            .own("cp_plan_end", "2011-09-01")
            .own("missed_appointment", "2011-11-01", was_not_brought=True)
        ),
    ),
    (
        "several_agencies_concerned",
        True,
        lambda b: (
            b.own("child_welfare_concern", "2011-10-01")
            .own("school_concern", "2011-11-01")
            .own("referral", "2011-12-01")
        ),
    ),
    (
        "several_agencies_concerned",
        False,
        lambda b: (
            b.own("child_welfare_concern", "2011-04-01")
            .own("school_concern", "2011-08-01")
            .own("referral", "2011-12-01")
        ),
    ),
    (
        "closed_then_new_concerns",
        True,
        lambda b: b.own("case_closed", "2011-08-01").own("school_concern", "2011-10-01"),
    ),
    (
        "closed_then_new_concerns",
        False,
        lambda b: b.own("case_closed", "2011-01-01").own("school_concern", "2011-10-01"),
    ),
    (
        "violent_adult_in_household",
        True,
        lambda b: b.household(
            "probation_contact", "2011-10-01", relation="mother_partner", adult_history=["violence"]
        ),
    ),
    (
        "violent_adult_in_household",
        False,
        lambda b: b.household(
            "probation_contact", "2011-10-01", relation="mother_partner", adult_history=["theft"]
        ),
    ),
    (
        "violent_adult_in_household",
        True,
        lambda b: b.household(
            "probation_contact",
            "2011-10-01",
            relation="mother_partner",
            adult_history=["Schedule 1 offender"],
        ),
    ),
    (
        "violent_adult_in_household",
        True,
        lambda b: b.household(
            "crime_report", "2011-10-01", relation="mother_partner", adult_history=["Violent offending (ABH)"]
        ),
    ),
    (
        "attendance_collapse",
        True,
        lambda b: b.own("attendance_concern", "2011-12-01", absence_pct=37),
    ),
    (
        "attendance_collapse",
        False,
        lambda b: b.own("attendance_concern", "2011-12-01", absence_pct=12),
    ),
    ("concern_not_seen_alone", True, lambda b: b.own("referral", "2011-11-01", outcome="assessment")),
    ("concern_not_seen_alone", True, lambda b: b.own("section_47", "2011-11-01")),
    # A referral closed with no further action sets no visit to miss.
    ("concern_not_seen_alone", False, lambda b: b.own("referral", "2011-11-01", outcome="nfa")),
    (
        "concern_not_seen_alone",
        False,
        lambda b: b.own("referral", "2011-11-01", outcome="assessment").own("child_seen_alone", "2011-11-10"),
    ),
    (
        "concern_not_seen_alone",
        False,
        lambda b: b.own("referral", "2011-11-01", outcome="s47").own(
            "home_visit", "2011-11-20", child_seen_alone=True
        ),
    ),
    # The deadline has not passed yet at AT: not fired.
    ("concern_not_seen_alone", False, lambda b: b.own("referral", "2011-12-15", outcome="assessment")),
    (
        "repeat_domestic_abuse",
        True,
        lambda b: b.household("domestic_incident", "2011-11-01", dash_risk="medium", dash_score=15),
    ),
    (
        "repeat_domestic_abuse",
        False,
        lambda b: b.household("domestic_incident", "2011-11-01", dash_risk="medium", dash_score=9),
    ),
    (
        "toxic_trio",
        True,
        lambda b: (
            b.household("domestic_incident", "2010-09-01", relation="mother_partner")
            .household("mental_health_contact", "2011-03-01")
            .household("substance_misuse_contact", "2011-10-01", relation="mother_partner")
        ),
    ),
    (
        "toxic_trio",
        True,
        lambda b: b.own("assessment", "2011-05-01", factors=["1B", "3B", "4B"]),
    ),
    (
        "toxic_trio",
        True,
        lambda b: b.household("domestic_incident", "2011-02-01").own(
            "assessment", "2011-05-01", factors=["2B", "4C"]
        ),
    ),
    # A mental health contact that records the father's alcohol is the third (a published
    # review's father: a suicide attempt put down to alcohol misuse).
    (
        "toxic_trio",
        True,
        lambda b: b.household("domestic_incident", "2011-02-01", relation="father").household(
            "mental_health_contact", "2011-03-01", relation="father", alcohol=True
        ),
    ),
    # Alcohol at a police incident is not misuse: with mental ill-health, still two of three.
    (
        "toxic_trio",
        False,
        lambda b: b.household("domestic_incident", "2011-02-01", alcohol=True, drugs=True).household(
            "mental_health_contact", "2011-03-01"
        ),
    ),
    # Two of the three only, or the third long ago, or the child's own mental health (4A).
    (
        "toxic_trio",
        False,
        lambda b: b.household("domestic_incident", "2011-02-01").household(
            "mental_health_contact", "2011-03-01"
        ),
    ),
    (
        "toxic_trio",
        False,
        lambda b: (
            b.household("substance_misuse_contact", "2009-06-01")
            .household("domestic_incident", "2011-02-01")
            .household("mental_health_contact", "2011-03-01")
        ),
    ),
    (
        "toxic_trio",
        False,
        lambda b: b.own("assessment", "2011-05-01", factors=["1B", "3B", "4A"]),
    ),
    (
        "withdrawn_from_education_after_concerns",
        True,
        lambda b: b.own("school_concern", "2011-03-01", category="emotional").own(
            "home_education", "2011-09-01"
        ),
    ),
    # Home education after attendance problems alone is common (parents avoiding fines): not read.
    (
        "withdrawn_from_education_after_concerns",
        False,
        lambda b: b.own("attendance_concern", "2011-03-01", absence_pct=24).own(
            "home_education", "2011-06-01"
        ),
    ),
    (
        "withdrawn_from_education_after_concerns",
        False,
        lambda b: b.own("injury_presentation", "2011-03-01", injury="sprain").own(
            "child_missing_education", "2011-06-01"
        ),
    ),
    (
        "withdrawn_from_education_after_concerns",
        True,
        lambda b: b.own("school_concern", "2011-03-01", category="neglect").own(
            "child_missing_education", "2011-06-01"
        ),
    ),
    # A child who moves away stops attending before leaving the roll: absence alone is not a
    # concern before missing education (session 7: it made common moves red on the background).
    (
        "withdrawn_from_education_after_concerns",
        False,
        lambda b: b.own("attendance_concern", "2011-03-01", absence_pct=24).own(
            "child_missing_education", "2011-06-01"
        ),
    ),
    ("withdrawn_from_education_after_concerns", False, lambda b: b.own("home_education", "2011-09-01")),
    (
        "withdrawn_from_education_after_concerns",
        False,
        lambda b: b.own("school_concern", "2010-03-01", category="emotional").own(
            "home_education", "2011-09-01"
        ),
    ),
    (
        "repeated_family_referrals",
        True,
        lambda b: b.own("family_member_report", "2011-03-01", agency="children_social_care").own(
            "referral", "2011-08-01", from_agency="family"
        ),
    ),
    (
        "repeated_family_referrals",
        True,
        lambda b: b.own("referral", "2011-03-01", referral_source="1A").own(
            "referral", "2011-08-01", referral_source="1A"
        ),
    ),
    (
        "repeated_family_referrals",
        False,
        lambda b: b.own("family_member_report", "2011-03-01").own(
            "referral", "2011-08-01", from_agency="police"
        ),
    ),
    (
        "repeated_family_referrals",
        True,
        lambda b: b.own("referral", "2011-03-01", from_agency="Maternal grandmother").own(
            "referral", "2011-08-01", referral_source="Aunt (paternal), by phone"
        ),
    ),
    (
        "repeated_family_referrals",
        True,
        lambda b: b.own("referral", "2011-03-01", from_agency="neighbour").own(
            "referral", "2011-08-01", referral_source="Anonymous caller"
        ),
    ),
    (
        "repeated_family_referrals",
        False,
        lambda b: b.own("referral", "2011-03-01", from_agency="Family Support Worker").own(
            "referral", "2011-08-01", referral_source="family liaison officer"
        ),
    ),
    (
        "ten4_faces_bruise",
        True,
        lambda b: b.own("injury_observed", "2011-10-01", injury="bruise", site="behind L ear"),
    ),
    (
        "ten4_faces_bruise",
        False,
        lambda b: b.own("injury_observed", "2011-10-01", injury="bruise", site="shins and knees"),
    ),
    (
        "ten4_faces_bruise",
        True,
        lambda b: b.own("referral", "2011-10-01", concern="Bruising to face and ears seen at contact"),
    ),
    (
        "ten4_faces_bruise",
        True,
        lambda b: b.own("nursery_concern", "2011-10-01", concerns=["hungry", "black eye"]),
    ),
    (
        "ten4_faces_bruise",
        False,
        lambda b: b.own("referral", "2011-10-01", concern="no bruising to face or ears seen"),
    ),
    (
        "ten4_faces_bruise",
        True,
        lambda b: b.own(
            "nursery_concern", "2011-10-01", category="injury", narrative="A bruise behind her left ear."
        ),
    ),
    (
        "ten4_faces_bruise",
        False,
        lambda b: b.own("referral", "2011-10-01", narrative="Mother had a black eye after the incident."),
    ),
    (
        "ten4_faces_bruise",
        False,
        lambda b: b.own("nursery_concern", "2011-10-01", narrative="Checked: no bruising to ears or face."),
    ),
    (
        "ten4_faces_bruise",
        True,
        lambda b: b.own(
            "school_concern",
            "2011-10-01",
            category="injury",
            site="left_upper_arm",
            bruise_sites=["left_ear"],
        ),
    ),
    (
        "ten4_faces_bruise",
        False,
        lambda b: b.own("referral", "2011-10-01", concern="bruising to both shins from a fall"),
    ),
    (
        "ten4_faces_more_than_one_bruise",
        True,
        lambda b: b.own("injury_observed", "2011-10-01", injury="bruise", site="face and ears"),
    ),
    (
        "ten4_faces_more_than_one_bruise",
        True,
        lambda b: b.own("injury_observed", "2011-10-01", injury="bruise", site="tummy").own(
            "injury_presentation", "2011-10-06", injury="bruise", site="forehead"
        ),
    ),
    (
        "ten4_faces_more_than_one_bruise",
        False,
        lambda b: b.own("injury_observed", "2011-10-01", injury="bruise", site="R ear").own(
            "injury_presentation", "2011-11-20", injury="bruise", site="shin"
        ),
    ),
    (
        "patterned_bruising",
        True,
        lambda b: b.own("injury_observed", "2011-10-01", injury="bruise", site="upper arm", patterned=True),
    ),
    (
        "patterned_bruising",
        False,
        lambda b: b.own("injury_observed", "2011-10-01", injury="bruise", site="upper arm"),
    ),
    (
        "fracture_under_18_months",
        True,
        lambda b: _baby(b).own("ed_attendance", "2011-12-01", injury="fracture", site="left forearm"),
    ),
    (
        "fracture_under_18_months",
        False,
        lambda b: b.own("ed_attendance", "2011-12-01", injury="fracture", site="left forearm", mobile=True),
    ),
    (
        "sentinel_injury_infant",
        True,
        lambda b: (
            _baby(b)
            .own("gp_consultation", "2011-05-01")
            .own("injury_presentation", "2011-09-01", injury="laceration", site="torn frenulum")
        ),
    ),
    (
        "sentinel_injury_infant",
        False,
        lambda b: _baby(b).own("injury_presentation", "2011-12-20", injury="laceration", site="chin"),
    ),
    (
        "injury_unsuitable_explanation",
        True,
        lambda b: b.own(
            "ed_attendance", "2011-10-01", injury="laceration", site="knee", explanation="changing"
        ),
    ),
    (
        "injury_unsuitable_explanation",
        False,
        lambda b: b.own(
            "ed_attendance", "2011-10-01", injury="laceration", site="knee", explanation="consistent"
        ),
    ),
    (  # no explanation at all: a toddler cannot say what happened, so it counts...
        "injury_unsuitable_explanation",
        True,
        lambda b: _baby(b).own(
            "ed_attendance", "2011-10-01", injury="laceration", site="knee", explanation="none"
        ),
    ),
    (  # ...but a school-age child's unwitnessed grazed knee does not, by that alone
        "injury_unsuitable_explanation",
        False,
        lambda b: _school_age(b).own(
            "ed_attendance", "2011-10-01", injury="laceration", site="knee", explanation="none"
        ),
    ),
    (
        "suspicious_injury_unsuitable_explanation",
        True,
        lambda b: b.own(
            "ed_attendance", "2011-10-01", injury="bruise", site="neck", explanation_given="none"
        ),
    ),
    (
        "suspicious_injury_unsuitable_explanation",
        False,
        lambda b: b.own(
            "ed_attendance", "2011-10-01", injury="bruise", site="shin", explanation_given="none"
        ),
    ),
    (
        "medical_opinion_non_accidental",
        True,
        lambda b: b.own("paediatric_assessment", "2011-10-01", medical_opinion="possible_nai"),
    ),
    (
        "medical_opinion_non_accidental",
        False,
        lambda b: b.own("paediatric_assessment", "2011-10-01", medical_opinion="accidental"),
    ),
    (
        "injury_during_child_protection",
        True,
        lambda b: b.own("cp_plan_start", "2011-03-01").own("injury_observed", "2011-10-01", injury="bruise"),
    ),
    (
        "injury_during_child_protection",
        True,
        lambda b: (
            b.own("cp_plan_start", "2010-03-01")
            .own("cp_plan_end", "2011-03-01")
            .own("injury_observed", "2011-10-01", injury="bruise")
        ),
    ),
    (
        "injury_during_child_protection",
        True,
        lambda b: b.own("police_protection", "2011-09-01").own(
            "injury_observed", "2011-10-01", injury="bruise"
        ),
    ),
    (
        "injury_during_child_protection",
        False,
        lambda b: b.own("police_protection", "2011-03-01").own(
            "injury_observed", "2011-10-01", injury="bruise"
        ),
    ),
    (
        "injury_during_child_protection",
        False,
        lambda b: (
            b.own("cp_plan_start", "2009-03-01")
            .own("cp_plan_end", "2010-03-01")
            .own("injury_observed", "2011-10-01", injury="bruise")
        ),
    ),
    (
        "new_concern_during_child_protection",
        True,
        lambda b: b.own("cp_plan_start", "2011-03-01").own("neighbour_report", "2011-10-01"),
    ),
    (
        "new_concern_during_child_protection",
        False,
        lambda b: b.own("neighbour_report", "2011-10-01"),
    ),
    (
        "injury_during_child_protection",
        True,
        lambda b: b.own("looked_after", "2011-04-01", reason_ceased="E4A").own(
            "injury_observed", "2011-10-01", injury="bruise"
        ),
    ),
    (
        "injury_during_child_protection",
        True,
        lambda b: b.own(
            "case_closed", "2011-04-01", narrative="Returned home to mother's care; case closed"
        ).own("ed_attendance", "2011-10-01", injury="burn", site="R forearm"),
    ),
    (
        "injury_during_child_protection",
        False,
        lambda b: b.own("looked_after", "2011-04-01", note="plan for return home to mother").own(
            "injury_observed", "2011-10-01", injury="bruise"
        ),
    ),
    (
        "injury_during_child_protection",
        False,
        lambda b: b.own("looked_after", "2010-04-01", reason_ceased="E4B").own(
            "injury_observed", "2011-10-01", injury="bruise"
        ),
    ),
    (
        "new_concern_during_child_protection",
        True,
        lambda b: b.own("family_support", "2011-06-01", outcome="Reunified with birth parents").own(
            "school_concern", "2011-10-01", category="neglect"
        ),
    ),
    (
        "new_concern_during_child_protection",
        False,
        lambda b: b.own(
            "family_support", "2011-06-01", note="Return home interview after missing episode"
        ).own("school_concern", "2011-10-01", category="neglect"),
    ),
    (
        "violence_during_child_protection",
        True,
        lambda b: b.own("cp_plan_start", "2011-03-01").own(
            "domestic_incident", "2011-10-01", children_present=True, violence="physical"
        ),
    ),
    (
        "violence_during_child_protection",
        False,
        lambda b: b.own("cp_plan_start", "2011-03-01").own(
            "domestic_incident", "2011-10-01", children_present=True, violence="verbal"
        ),
    ),
    (
        "baby_with_adult_who_harmed_a_child",
        True,
        lambda b: (
            _baby(b)
            .household(
                "crime_report", "2008-06-01", relation="father", adult_history=["offence against a child"]
            )
            .own("health_visitor_contact", "2011-10-01")
        ),
    ),
    (
        "baby_with_adult_who_harmed_a_child",
        True,
        lambda b: (
            _baby(b)
            .household(
                "crime_report", "2008-06-01", relation="father", adult_history=["convicted of child cruelty"]
            )
            .own("health_visitor_contact", "2011-10-01")
        ),
    ),
    (
        "baby_with_adult_who_harmed_a_child",
        False,
        lambda b: b.household(
            "crime_report", "2008-06-01", relation="father", adult_history=["offence against a child"]
        ).own("health_visitor_contact", "2011-10-01"),
    ),
    (
        "baby_at_domestic_abuse_by_violent_adult",
        True,
        lambda b: (
            _baby(b)
            .household(
                "arrest", "2010-02-01", relation="mother_partner", offence="Actual bodily harm (s47 OAPA)"
            )
            .household("domestic_incident", "2011-10-01", children_present=True, violence="verbal")
        ),
    ),
    (
        "baby_at_domestic_abuse_by_violent_adult",
        False,
        lambda b: (
            _baby(b)
            .household(
                "arrest", "2010-02-01", relation="mother_partner", offence="Possession with intent to supply"
            )
            .household("domestic_incident", "2011-10-01", children_present=True, violence="verbal")
        ),
    ),
    (
        "baby_at_domestic_abuse_by_violent_adult",
        False,
        lambda b: (
            _baby(b)
            .household("domestic_incident", "2010-02-01", adult_history=["victim of domestic abuse"])
            .household("domestic_incident", "2011-10-01", children_present=True, violence="verbal")
        ),
    ),
    (
        "baby_at_domestic_abuse_by_violent_adult",
        True,
        lambda b: (
            _baby(b)
            .household(
                "arrest", "2010-02-01", relation="father", adult_history=["domestic abuse perpetrator"]
            )
            .household("domestic_incident", "2011-10-01", children_present=True, violence="verbal")
        ),
    ),
    (
        "physical_domestic_abuse_baby_present",
        False,
        lambda b: _baby(b).household(
            "domestic_incident", "2011-01-15", children_present=True, violence="physical"
        ),
    ),
    (
        "physical_domestic_abuse_baby_present",
        True,
        lambda b: _baby(b).household(
            "domestic_incident", "2011-10-01", children_present=True, violence="physical"
        ),
    ),
    (
        "physical_domestic_abuse_baby_present",
        True,
        lambda b: _baby(b).own("domestic_incident", "2011-10-01", dash_risk="high"),
    ),
    (
        "physical_domestic_abuse_baby_present",
        False,
        lambda b: _baby(b).household(
            "domestic_incident", "2011-10-01", children_present=True, violence="verbal"
        ),
    ),
    (
        "physical_domestic_abuse_baby_present",
        False,
        lambda b: b.household("domestic_incident", "2011-10-01", children_present=True, violence="physical"),
    ),
    (
        "baby_at_domestic_abuse_by_violent_adult",
        True,
        lambda b: (
            _baby(b)
            .household("arrest", "2009-05-01", relation="father", adult_history=["violence"])
            .household("domestic_incident", "2011-10-01", children_present=True, violence="verbal")
        ),
    ),
    (
        "baby_at_domestic_abuse_by_violent_adult",
        True,
        lambda b: _baby(b).own(
            "domestic_incident",
            "2011-10-01",
            children_present=True,
            adult_history=["assault on a partner"],
            violence="physical",
        ),
    ),
    (
        "baby_at_domestic_abuse_by_violent_adult",
        False,
        lambda b: b.household(
            "arrest", "2009-05-01", relation="father", adult_history=["violence"]
        ).household("domestic_incident", "2011-10-01", children_present=True, violence="physical"),
    ),
    (
        "baby_at_domestic_abuse_by_violent_adult",
        False,
        lambda b: (
            _baby(b)
            .household("arrest", "2009-05-01", relation="father", adult_history=["drug supply"])
            .household("domestic_incident", "2011-10-01", children_present=True, violence="physical")
        ),
    ),
    (
        "baby_at_domestic_abuse_by_violent_adult",
        False,
        lambda b: (
            _baby(b)
            .household("arrest", "2011-05-01", relation="father", adult_history=["violence"])
            .household("domestic_incident", "2011-10-01", children_present=False, violence="physical")
        ),
    ),
    (
        "new_adult_during_child_protection",
        True,
        lambda b: b.own("cp_plan_start", "2011-03-01").household(
            "new_adult_in_household", "2011-10-01", relation="mother_partner", adult_history=[]
        ),
    ),
    (
        "new_adult_during_child_protection",
        False,
        lambda b: (
            b.own("cp_plan_start", "2011-03-01")
            .own("cp_plan_end", "2011-06-01")
            .household("new_adult_in_household", "2011-10-01", relation="mother_partner", adult_history=[])
        ),
    ),
    (
        "child_not_seen_on_plan",
        True,
        lambda b: b.own("cp_plan_start", "2011-03-01").own("home_visit", "2011-10-01", no_access=True),
    ),
    (
        "child_not_seen_on_plan",
        False,
        lambda b: b.own("cp_plan_start", "2011-03-01").own("home_visit", "2011-10-01", child_seen=True),
    ),
    (
        "faltering_growth_with_neglect",
        True,
        lambda b: b.own("growth_measurement", "2011-09-01", weight_loss=True).own(
            "missed_appointment", "2011-10-01", was_not_brought=True, service="growth_clinic"
        ),
    ),
    (
        "faltering_growth_with_neglect",
        False,
        lambda b: b.own("growth_measurement", "2011-09-01", weight_loss=True),
    ),
    (
        "was_not_brought_health_needs_known",
        True,
        lambda b: (
            b.own("missed_appointment", "2011-08-01", was_not_brought=True, service="fracture_clinic")
            .own("missed_appointment", "2011-09-01", was_not_brought=True, service="fracture_clinic")
            .own("missed_appointment", "2011-10-01", was_not_brought=True, health_need_known=True)
        ),
    ),
    (
        "was_not_brought_health_needs_known",
        False,
        lambda b: b.own("missed_appointment", "2011-09-01", was_not_brought=True, service="immunisation").own(
            "missed_appointment", "2011-10-01", was_not_brought=True, service="dental_check"
        ),
    ),
    (
        "new_adult_in_household",
        True,
        lambda b: b.household("new_adult_in_household", "2011-10-01", relation="mother_partner"),
    ),
    (
        "new_adult_in_household",
        False,
        lambda b: b.household("new_adult_in_household", "2010-10-01", relation="mother_partner"),
    ),
    (
        "violent_adult_in_household",
        True,
        lambda b: b.household(
            "new_adult_in_household",
            "2011-10-01",
            relation="mother_partner",
            adult_history=["violent offending"],
        ),
    ),
    (
        "violent_adult_in_household",
        False,
        lambda b: b.household(
            "new_adult_in_household", "2011-10-01", relation="mother_partner", adult_history=[]
        ),
    ),
    (
        "household_child_abusive_injury",
        True,
        lambda b: _with_sibling(_baby(b).own("health_visitor_contact", "2011-04-01")).childs(
            10, "section_47", "2011-10-01", factors=["18C"]
        ),
    ),
    (
        "household_child_abusive_injury",
        False,
        lambda b: _with_sibling(_baby(b).own("health_visitor_contact", "2011-04-01")).childs(
            10, "ed_attendance", "2011-10-01", injury="laceration", site="knee", mobile=True
        ),
    ),
    (
        "household_child_non_accidental_injury",
        True,
        lambda b: _with_sibling(_baby(b).own("health_visitor_contact", "2011-04-01")).childs(
            10, "paediatric_assessment", "2011-10-01", injury="bruise", medical_opinion="nai"
        ),
    ),
    (
        "household_child_non_accidental_injury",
        False,
        lambda b: _with_sibling(_baby(b).own("health_visitor_contact", "2011-04-01")).childs(
            10, "paediatric_assessment", "2011-10-01", injury="bruise", medical_opinion="accidental"
        ),
    ),
    (
        "twin_of_injured_child",
        True,
        lambda b: _with_sibling(_baby(b).own("health_visitor_contact", "2011-04-01"), twin=True).childs(
            10, "health_visitor_contact", "2011-10-01", injury="bruise", mobile=False
        ),
    ),
    (
        "twin_of_injured_child",
        False,
        lambda b: _with_sibling(_baby(b).own("health_visitor_contact", "2011-04-01")).childs(
            10, "health_visitor_contact", "2011-10-01", injury="bruise", mobile=False
        ),
    ),
    (
        "was_not_brought_health_needs_known",
        True,
        lambda b: (
            b.own("missed_appointment", "2011-07-01", was_not_brought=True, service="weight management")
            .own("missed_appointment", "2011-09-01", was_not_brought=True, service="weight management")
            .own("missed_appointment", "2011-11-01", was_not_brought=True, service="dental_treatment")
        ),
    ),
    (
        "nutritional_deficiency_diagnosed",
        True,
        lambda b: b.own("paediatric_assessment", "2011-10-01", diagnosis="nutritional rickets"),
    ),
    (
        "nutritional_deficiency_diagnosed",
        True,
        lambda b: b.own("gp_consultation", "2011-10-01", diagnosis=["anaemia", "scurvy"]),
    ),
    (
        "nutritional_deficiency_diagnosed",
        False,
        lambda b: b.own("gp_consultation", "2011-10-01", diagnosis="vitamin D deficiency"),
    ),
    (
        "young_child_left_alone",
        True,
        lambda b: _baby(b).own(
            "child_welfare_concern", "2011-10-01", finding="baby found home alone by officers"
        ),
    ),
    (
        "young_child_left_alone",
        False,
        lambda b: _school_age(b).own(
            "child_welfare_concern", "2011-10-01", concern="children left home alone"
        ),
    ),
    (
        "missing_education_not_seen",
        True,
        lambda b: _school_age(b).own("child_missing_education", "2011-03-01"),
    ),
    (
        "missing_education_not_seen",
        True,
        lambda b: _school_age(b).own("home_education", "2011-10-01", child_seen=False, access_refused=True),
    ),
    (
        "missing_education_not_seen",
        False,
        lambda b: (
            _school_age(b).own("child_missing_education", "2011-03-01").own("gp_consultation", "2011-05-01")
        ),
    ),
    (
        "missing_education_not_seen",
        False,
        lambda b: _school_age(b).own("home_education", "2011-10-01", child_seen=True),
    ),
    (
        "criminal_exploitation_signs",
        True,
        lambda b: _teenager(b).own(
            "arrest", "2011-10-01", offence="possession of class A drugs with intent to supply"
        ),
    ),
    (
        "criminal_exploitation_signs",
        True,
        lambda b: _teenager(b).own("missing_person", "2011-10-01", found_out_of_area=True),
    ),
    (
        "criminal_exploitation_signs",
        True,
        lambda b: _teenager(b).own("missing_person", "2011-10-01", drugs_found=True),
    ),
    # A teenager's cannabis for personal use is common and is not a sign on its own (session 7).
    (
        "criminal_exploitation_signs",
        False,
        lambda b: _teenager(b).own(
            "arrest",
            "2011-10-01",
            offence="possession of a controlled drug - class b (cannabis)",
            drugs_found=True,
        ),
    ),
    (
        "criminal_exploitation_signs",
        False,
        lambda b: (
            _teenager(b)
            .own("arrest", "2011-10-01", offence="criminal damage")
            .own("missing_person", "2011-11-01", found_within_hours=6)
        ),
    ),
    (
        "repeated_missing_episodes",
        True,
        lambda b: (
            _teenager(b)
            .own("missing_person", "2011-02-01")
            .own("missing_person", "2011-06-01")
            .own("missing_person", "2011-11-01")
        ),
    ),
    (
        "repeated_missing_episodes",
        False,
        lambda b: (
            _teenager(b)
            .own("missing_person", "2010-06-01")
            .own("missing_person", "2011-06-01")
            .own("missing_person", "2011-11-01")
        ),
    ),
    (
        "exploitation_signs_out_of_education",
        True,
        lambda b: (
            _teenager(b).own("child_missing_education", "2011-03-01").own("missing_person", "2011-10-01")
        ),
    ),
    (
        "exploitation_signs_out_of_education",
        True,
        lambda b: (
            _teenager(b)
            .own("intelligence", "2011-06-01", offence="drug supply (suspected)")
            .own("behaviour_concern", "2011-09-01", exclusion="permanent")
        ),
    ),
    (
        "exploitation_signs_out_of_education",
        False,
        lambda b: (
            _teenager(b)
            .own("attendance_concern", "2011-03-01", absence_pct=20)
            .own("missing_person", "2011-10-01")
        ),
    ),
    (
        "relationship_with_older_person_or_position_of_trust",
        True,
        lambda b: _teenager(b).own("school_concern", "2011-10-01", category="other", position_of_trust=True),
    ),
    (
        "relationship_with_older_person_or_position_of_trust",
        True,
        lambda b: _teenager(b).own("crime_report", "2011-10-01", offence="abuse of a position of trust"),
    ),
    (
        "relationship_with_older_person_or_position_of_trust",
        False,
        lambda b: _teenager(b).own("school_concern", "2011-10-01", category="behaviour"),
    ),
    (
        "baby_expected_with_sibling_on_plan_or_in_care",
        True,
        lambda b: _expected_with_sibling_plan(b, ended=False),
    ),
    (
        "baby_expected_with_sibling_on_plan_or_in_care",
        False,
        lambda b: _expected_with_sibling_plan(b, ended=True),
    ),
    (
        "pre_birth_referral",
        True,
        lambda b: _expected(b).household("referral", "2011-11-01", reason="pre-birth concerns"),
    ),
    (
        "pre_birth_referral",
        False,
        lambda b: _expected(b).household_party("referral", "2011-11-01", reason="sibling's school concern"),
    ),
    (
        "medical_care_withheld",
        True,
        lambda b: _baby(b).own(
            "gp_consultation", "2011-10-01", note="parents refused treatment for the baby"
        ),
    ),
    (
        "medical_care_withheld",
        False,
        lambda b: _baby(b).own("gp_consultation", "2011-10-01", note="parents declined the MMR vaccine"),
    ),
]


def _expected(builder: ChronologyBuilder) -> ChronologyBuilder:
    """The same builder for a baby due on 1 Mar 2012 (expected at the assessment)."""
    builder.dob = date(2012, 3, 1)
    return builder


def _expected_with_sibling_plan(builder: ChronologyBuilder, *, ended: bool) -> ChronologyBuilder:
    """An expected baby whose sister's plan started in August; the mother booked in November."""
    _expected(builder)
    sister = builder.other_child("Maya Taylor", date(2008, 6, 1))
    builder.childs(sister, "cp_plan_start", "2011-08-01", category="NEG")
    if ended:
        builder.childs(sister, "cp_plan_end", "2011-10-01")
    return builder.household("maternity", "2011-11-01", agency="health", note="antenatal booking")


def _with_sibling(builder: ChronologyBuilder, *, twin: bool = False) -> ChronologyBuilder:
    """The builder with another household child (person 10): a twin, or a sister born 2008."""
    builder.other_child("Maya Taylor", builder.dob if twin else date(2008, 6, 1), twin=twin)
    return builder


def _teenager(builder: ChronologyBuilder) -> ChronologyBuilder:
    """The same builder for a child born 1 Jun 1997 (fourteen at the assessment)."""
    builder.dob = date(1997, 6, 1)
    return builder


def _school_age(builder: ChronologyBuilder) -> ChronologyBuilder:
    """The same builder for a child born 1 Mar 2003 (eight at the assessment)."""
    builder.dob = date(2003, 3, 1)
    return builder


def _baby(builder: ChronologyBuilder) -> ChronologyBuilder:
    """The same builder for a baby born 1 Mar 2011 (under 10 months at the assessment)."""
    builder.dob = date(2011, 3, 1)
    return builder


def _assess(policy: Policy, case: Case) -> Assessment:
    chronology = case(ChronologyBuilder()).build()
    return evaluate(policy, chronology, moment(AT))


@pytest.mark.parametrize(
    ("indicator_id", "fires", "case"),
    CASES,
    ids=[f"{c[0]}-{'fires' if c[1] else 'quiet'}-{i}" for i, c in enumerate(CASES)],
)
def test_indicator(policy: Policy, indicator_id: str, fires: bool, case: Case) -> None:
    found = {f.indicator_id: f for f in _assess(policy, case).findings}
    assert (indicator_id in found) is fires
    if fires:
        finding = found[indicator_id]
        assert finding.evidence
        assert finding.explanation.endswith(".")
        assert "{" not in finding.explanation


def test_every_indicator_has_a_firing_and_a_quiet_case(policy: Policy) -> None:
    ids = {i.id for i in policy.indicators}
    assert {c[0] for c in CASES if c[1]} == ids
    assert {c[0] for c in CASES if not c[1]} == ids


def test_injury_to_a_baby_under_six_months_is_red(policy: Policy) -> None:
    chronology = (
        ChronologyBuilder(dob=moment("2011-09-01").date())
        .own("injury_observed", "2011-12-01", injury="bruise")
        .build()
    )
    assessment = evaluate(policy, chronology, moment(AT))
    assert assessment.level is AlertLevel.RED
    assert assessment.findings[0].indicator_id == "injury_not_mobile"


def test_injury_in_household_with_domestic_abuse_is_at_least_amber(policy: Policy) -> None:
    chronology = (
        ChronologyBuilder()
        .household("domestic_incident", "2010-06-01")
        .own("injury_presentation", "2011-10-01", injury="bruise", site="jaw line")
        .build()
    )
    assert evaluate(policy, chronology, moment(AT)).level is AlertLevel.AMBER


def test_a_child_missing_education_is_not_an_alert_on_that_record_alone(policy: Policy) -> None:
    """Both out-of-school indicators read the record; as one story they add to other signals."""
    chronology = (
        _school_age(ChronologyBuilder())
        .own("attendance_concern", "2011-06-01", absence_pct=82)
        .own("child_missing_education", "2011-09-01", no_access=True)
        .build()
    )
    assessment = evaluate(policy, chronology, moment(AT))
    found = {f.indicator_id for f in assessment.findings}
    assert {"attendance_collapse", "missing_education_not_seen"} <= found
    assert assessment.level is AlertLevel.GREEN
    assert any("Counted as part of one story" in f.explanation for f in assessment.findings)


def test_an_injury_soon_after_a_return_home_from_care_is_red_and_says_why(policy: Policy) -> None:
    chronology = (
        ChronologyBuilder()
        .own("looked_after", "2011-05-01", narrative="Returned home to father's care (E4A)")
        .own("injury_observed", "2011-10-01", injury="bruise", site="upper arm")
        .build()
    )
    assessment = evaluate(policy, chronology, moment(AT))
    assert assessment.level is AlertLevel.RED
    finding = next(f for f in assessment.findings if f.indicator_id == "injury_during_child_protection")
    assert "looked after" in finding.explanation.lower()
    assert "1 May 2011" in finding.explanation


def test_one_incident_with_children_present_is_not_an_alert(policy: Policy) -> None:
    chronology = (
        ChronologyBuilder()
        .household("domestic_incident", "2011-12-01", children_present=True, dash_risk="medium")
        .build()
    )
    assert evaluate(policy, chronology, moment(AT)).level is AlertLevel.GREEN


def test_explanation_names_agency_dates_and_relation(policy: Policy) -> None:
    chronology = (
        ChronologyBuilder(name="Leo Brennan")
        .household("domestic_incident", "2010-02-03", agency="police")
        .household("domestic_incident", "2010-06-01", agency="police")
        .household("domestic_incident", "2010-09-01", agency="police")
        .household("domestic_incident", "2011-01-28", agency="police")
        .build()
    )
    assessment = evaluate(policy, chronology, moment("2011-01-31"))
    sentence = {f.indicator_id: f.explanation for f in assessment.findings}["repeat_domestic_abuse"]
    assert sentence == (
        "Police recorded 4 domestic incidents in the household between 3 Feb 2010 and "
        "28 Jan 2011 (involving Leo's mother)."
    )


@pytest.mark.parametrize(
    "given", ["unknown", "N/K", "Mum not sure how it happened", "No explanation offered"]
)
def test_a_face_bruise_with_no_explanation_in_the_carers_words_is_red(policy: Policy, given: str) -> None:
    """Reviews record "unknown" or "not sure how", not the policy's own words (child-bs-2016)."""
    bruise: dict[str, Any] = {"injury": "bruise", "site": "face", "explanation_given": given, "mobile": True}
    chronology = ChronologyBuilder().own("injury_observed", "2011-12-01", **bruise).build()
    assessment = evaluate(policy, chronology, moment(AT))
    assert assessment.level is AlertLevel.RED
    assert "suspicious_injury_unsuitable_explanation" in {f.indicator_id for f in assessment.findings}


def test_a_face_bruise_with_an_account_is_not_red(policy: Policy) -> None:
    bruise: dict[str, Any] = {
        "injury": "bruise",
        "site": "face",
        "explanation_given": "fell from changing mat",
    }
    chronology = ChronologyBuilder().own("injury_observed", "2011-12-01", **bruise).build()
    assert evaluate(policy, chronology, moment(AT)).level is not AlertLevel.RED


def test_recorded_words_in_another_case_or_wording_still_count(policy: Policy) -> None:
    chronology = (
        ChronologyBuilder()
        .household("domestic_incident", "2011-11-01", dash_risk="High")
        .own(
            "injury_presentation",
            "2011-11-02",
            injury="bruise",
            site="arm",
            explanation="Inconsistent with it",
        )
        .build()
    )
    found = {f.indicator_id for f in evaluate(policy, chronology, moment(AT)).findings}
    assert {"repeat_domestic_abuse", "injury_unsuitable_explanation"} <= found


def _missed(builder: ChronologyBuilder, days: tuple[str, ...], **attrs: Any) -> ChronologyBuilder:
    for day in days:
        builder = builder.own("missed_appointment", day, **attrs)
    return builder


THREE_IN_A_YEAR = ("2011-03-01", "2011-06-01", "2011-09-01")


def test_a_childs_missed_appointments_are_not_brought_even_when_the_writer_leaves_the_flag_out(
    policy: Policy,
) -> None:
    """Reviews write "community paediatric appointment" under `appointment`, with no flag."""
    chronology = _missed(ChronologyBuilder(), THREE_IN_A_YEAR, appointment="community paediatric appointment")
    found = {f.indicator_id for f in evaluate(policy, chronology.build(), moment(AT)).findings}
    assert {"repeated_was_not_brought", "was_not_brought_health_needs_known"} <= found


@pytest.mark.parametrize(
    ("dob", "attrs"),
    [
        (date(2008, 1, 1), {"was_not_brought": False, "service": "Paediatric OPD"}),  # recorded otherwise
        (date(1994, 6, 1), {"service": "Paediatric OPD"}),  # 17: may attend alone; needs the flag
    ],
)
def test_a_missed_appointment_recorded_as_not_a_was_not_brought_or_of_a_young_person_needs_the_flag(
    policy: Policy, dob: date, attrs: dict[str, Any]
) -> None:
    chronology = _missed(ChronologyBuilder(dob=dob), THREE_IN_A_YEAR, **attrs)
    found = {f.indicator_id for f in evaluate(policy, chronology.build(), moment(AT)).findings}
    assert not found & {"repeated_was_not_brought", "was_not_brought_health_needs_known"}
