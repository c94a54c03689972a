"""Session 17: alerts that exist before the birth, and medical care kept from a child.

Local child protection procedures ask for a referral, and a decision on a pre-birth assessment,
when a brother or sister is on a child protection plan or was taken into care, and they ask for
the referral about an unborn baby as soon as the concern is known. Before the birth the baby has
no record of its own, so these tests give the expected baby only its household's records: the
mother's antenatal booking, a conference about the mother, a sibling's plan. The statutory
definition of neglect includes failing to ensure access to medical care or treatment.

Each firing test has quiet neighbours: a plan that ended, an older child, a sibling's referral
that names the mother only as a parent, a refused vaccination, a mother declining her own
treatment.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.policy import Policy, alert_timeline, evaluate
from alarmbell.policy.engine import PRE_BIRTH

from .conftest import ChronologyBuilder, moment

DUE = date(2021, 6, 1)


def _fired(policy: Policy, builder: ChronologyBuilder, at: str) -> set[str]:
    return {f.indicator_id for f in evaluate(policy, builder.build(), moment(at)).findings}


def _expected_baby(dob: date = DUE) -> ChronologyBuilder:
    """A baby due on `dob`; its mother booked in with the midwife in January."""
    baby = ChronologyBuilder(dob=dob, name="Ruby Lane")
    baby.household("maternity", "2021-01-20", agency="health", note="antenatal booking")
    return baby


# -- a brother or sister on a plan, or taken into care ------------------------------------------


def test_an_expected_baby_whose_brother_is_on_a_plan_is_amber_before_the_birth(policy: Policy) -> None:
    baby = _expected_baby()
    brother = baby.other_child("Kai Lane", date(2017, 3, 4))
    baby.childs(brother, "cp_plan_start", "2020-10-30", category="NEG")
    alerts = alert_timeline(policy, baby.build())
    assert [a.level for a in alerts] == [AlertLevel.AMBER]
    assert alerts[0].rules == ("baby_expected_with_sibling_on_plan_or_in_care",)
    assert alerts[0].raised_at == moment("2021-01-20"), "the alert exists before the birth"
    assert "another child of the household of Ruby, who was expected or newborn" in alerts[0].explanation


def test_a_newborn_whose_sister_was_taken_into_care_years_before_is_amber(policy: Policy) -> None:
    baby = ChronologyBuilder(dob=DUE, name="Ruby Lane")
    sister = baby.other_child("Maya Lane", date(2014, 5, 1))
    baby.childs(sister, "looked_after", "2016-02-11")
    baby.own("health_visitor_contact", "2021-06-14", note="new birth visit")
    assert "baby_expected_with_sibling_on_plan_or_in_care" in _fired(policy, baby, "2021-06-15")


def test_a_plan_that_ended_or_an_older_baby_or_child_raises_nothing(policy: Policy) -> None:
    ended = _expected_baby()
    brother = ended.other_child("Kai Lane", date(2017, 3, 4))
    ended.childs(brother, "cp_plan_start", "2019-10-30", category="NEG")
    ended.childs(brother, "cp_plan_end", "2020-09-01")
    assert alert_timeline(policy, ended.build()) == []

    infant = ChronologyBuilder(dob=date(2020, 7, 1), name="Ruby Lane")
    brother = infant.other_child("Kai Lane", date(2017, 3, 4))
    infant.childs(brother, "cp_plan_start", "2020-10-30", category="NEG")
    infant.own("health_visitor_contact", "2020-11-20", note="four-month contact")
    assert "baby_expected_with_sibling_on_plan_or_in_care" not in _fired(policy, infant, "2020-11-21"), (
        "after the first month the brother's own plan is where the baby is considered"
    )

    toddler = ChronologyBuilder(dob=date(2018, 2, 1), name="Ruby Lane")
    brother = toddler.other_child("Kai Lane", date(2015, 3, 4))
    toddler.childs(brother, "cp_plan_start", "2020-10-30", category="NEG")
    toddler.own("health_visitor_contact", "2020-11-20", note="two-year review")
    assert "baby_expected_with_sibling_on_plan_or_in_care" not in _fired(policy, toddler, "2020-11-21")


def test_a_plan_long_before_the_pregnancy_was_known_raises_nothing_before_the_booking(policy: Policy) -> None:
    """The baby is assessed from 30 weeks before the birth, never years ahead of it."""
    baby = ChronologyBuilder(dob=DUE, name="Ruby Lane")
    brother = baby.other_child("Kai Lane", date(2017, 3, 4))
    baby.childs(brother, "cp_plan_start", "2020-06-30", category="NEG")
    baby.household("domestic_incident", "2020-07-10", relation="mother", children_present=False)
    assert alert_timeline(policy, baby.build()) == []
    baby.household("maternity", "2021-01-20", agency="health", note="antenatal booking")
    (alert,) = alert_timeline(policy, baby.build())
    assert alert.raised_at >= moment("2021-06-01") - PRE_BIRTH


# -- a referral or conference about the parents of an expected baby ------------------------------


def test_a_pre_birth_referral_about_the_mother_makes_the_expected_baby_amber(policy: Policy) -> None:
    baby = _expected_baby()
    baby.household(
        "referral",
        "2021-03-15",
        agency="children_social_care",
        from_agency="health",
        reason="pre-birth concerns: father's violence, little support",
        outcome="early_help",
    )
    alerts = alert_timeline(policy, baby.build())
    assert [(a.level, a.rules) for a in alerts] == [(AlertLevel.AMBER, ("pre_birth_referral",))]
    assert alerts[0].raised_at == moment("2021-03-15")
    explanation = alerts[0].explanation
    assert "about an adult of the household of Ruby, who was expected or newborn then" in explanation


def test_a_siblings_referral_naming_the_mother_or_a_referral_about_an_older_childs_mother_is_not_one(
    policy: Policy,
) -> None:
    sibling_referral = _expected_baby()
    sibling_referral.household_party("referral", "2021-03-15", agency="children_social_care", outcome="nfa")
    assert alert_timeline(policy, sibling_referral.build()) == []

    older = ChronologyBuilder(dob=date(2017, 6, 1), name="Ruby Lane")
    older.household("referral", "2021-03-15", agency="children_social_care", outcome="assessment")
    assert "pre_birth_referral" not in _fired(policy, older, "2021-03-16")


# -- medical care kept from the child ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "attrs"),
    [
        ("referral", {"concern": "refusal of consent to medical treatment for a newborn", "outcome": "nfa"}),
        ("maternity", {"note": "parents initially refused consent to medical treatment for the newborn"}),
        ("gp_consultation", {"note": "Mum didn't seek medical advice for 3 days despite high fever"}),
        ("ed_attendance", {"note": "parents took the baby home against medical advice"}),
        ("school_nurse_contact", {"concern": "family failed to obtain treatment for her tooth decay"}),
        ("paediatric_assessment", {"finding": "not given prescribed medication for asthma for weeks"}),
    ],
)
def test_medical_care_refused_or_not_sought_makes_the_child_amber(
    policy: Policy, kind: str, attrs: dict[str, Any]
) -> None:
    child = ChronologyBuilder(dob=date(2019, 1, 5), name="Ali Dunn")
    child.own(kind, "2021-02-01", **attrs)
    alerts = alert_timeline(policy, child.build())
    assert [(a.level, a.rules) for a in alerts] == [(AlertLevel.AMBER, ("medical_care_withheld",))]


@pytest.mark.parametrize(
    "note",
    [
        "parents refused the MMR vaccine",
        "declined immunisations at the 1-year review",
        "Mother declined treatment for her depression",
        "no concerns: parents did not refuse treatment",
        "Young person refused medication",
        "mum sought medical advice promptly",
        "Family declined early help",
        "mother refused help from the health visitor",
    ],
)
def test_a_refused_vaccination_an_adults_own_treatment_or_a_denial_is_not_medical_care_withheld(
    policy: Policy, note: str
) -> None:
    child = ChronologyBuilder(dob=date(2019, 1, 5), name="Ali Dunn")
    child.own("gp_consultation", "2021-02-01", note=note)
    assert "medical_care_withheld" not in _fired(policy, child, "2021-02-02")


# -- a relationship with a teacher, written in words ---------------------------------------------


def test_a_school_concern_that_a_pupil_held_hands_with_her_teacher_is_amber(policy: Policy) -> None:
    pupil = ChronologyBuilder(dob=date(2007, 6, 1), name="Ella Shaw")
    pupil.own(
        "school_concern",
        "2021-03-01",
        category="other",
        concern="on a school trip the 14-year-old and her maths teacher were seen holding hands",
    )
    alerts = alert_timeline(policy, pupil.build())
    assert [(a.level, a.rules) for a in alerts] == [
        (AlertLevel.AMBER, ("relationship_with_older_person_or_position_of_trust",))
    ]

    ordinary = ChronologyBuilder(dob=date(2007, 6, 1), name="Ella Shaw")
    ordinary.own("school_concern", "2021-03-01", category="other", concern="good relationship with teacher")
    assert alert_timeline(policy, ordinary.build()) == []
