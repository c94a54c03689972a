"""Issue 12: signals the corpus of published reviews showed the policy could not hear.

- A bruise a doctor or health visitor records at a routine contact is an injury: a baby with a
  bruise noted at a paediatric assessment (Derby, 2008) stayed green because only A&E,
  injury-presentation and school-injury records were read.
- Physical violence at home while the child is on a protection plan (Manchester, 2018) was only
  "a new concern": amber.
- A new adult moving in during a plan (Kettering, 2018) added 4 points, like any new partner.
- Relatives reported bruising to a one-year-old's face, eye and ears four times and the case
  was closed three times (issue 12): amber only, because the referrals said it in words
  ("Maternal grandmother", "bruising to face and eye") the policy compared as whole values.

Each test also checks the nearest ordinary case stays quiet, so the test fails if a rule is
simply made louder.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from alarmbell.domain.injuries import INJURY_RECORDING_KINDS, injury_attrs
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.policy import Policy, alert_timeline
from alarmbell.policy.model import CountPattern

from .conftest import ChronologyBuilder


def _levels(policy: Policy, builder: ChronologyBuilder) -> list[AlertLevel]:
    return [a.level for a in alert_timeline(policy, builder.build())]


@pytest.mark.parametrize(
    "kind", ["paediatric_assessment", "health_visitor_contact", "gp_consultation", "home_visit"]
)
def test_a_bruise_recorded_at_a_routine_contact_on_a_baby_is_red(policy: Policy, kind: str) -> None:
    baby = ChronologyBuilder(dob=date(2008, 3, 3))
    baby.own(kind, "2008-03-07", injury="bruise", site="mark on the chest", mobile=False)
    assert _levels(policy, baby) == [AlertLevel.RED]


def test_the_same_contact_without_an_injury_raises_nothing(policy: Policy) -> None:
    baby = ChronologyBuilder(dob=date(2008, 3, 3))
    baby.own("paediatric_assessment", "2008-03-07", mobile=False, explanation_given="none")
    baby.own("health_visitor_contact", "2008-03-20", note="baby feeding well")
    assert _levels(policy, baby) == []


def test_the_policy_reads_injuries_on_every_kind_intake_validates_them_on(policy: Policy) -> None:
    (indicator,) = [i for i in policy.indicators if i.id == "injury_not_mobile"]
    assert isinstance(indicator.pattern, CountPattern)
    kinds = {kind for selector in indicator.pattern.match for kind in selector.kinds}
    assert kinds == INJURY_RECORDING_KINDS


def _on_a_plan(violence: str, dash_risk: str = "unknown") -> ChronologyBuilder:
    baby = ChronologyBuilder(dob=date(2018, 7, 15))
    baby.own("cp_plan_start", "2018-09-30", agency="children_social_care", category="neglect")
    baby.own(
        "domestic_incident",
        "2018-10-31",
        agency="police",
        children_present=True,
        violence=violence,
        dash_risk=dash_risk,
    )
    return baby


def test_physical_violence_at_home_during_a_plan_is_red(policy: Policy) -> None:
    assert AlertLevel.RED in _levels(policy, _on_a_plan(violence="physical"))
    assert AlertLevel.RED in _levels(policy, _on_a_plan(violence="unknown", dash_risk="high"))


def test_a_verbal_argument_during_a_plan_is_not_red(policy: Policy) -> None:
    assert AlertLevel.RED not in _levels(policy, _on_a_plan(violence="verbal", dash_risk="standard"))


def test_the_same_violence_with_no_plan_is_not_red_on_its_own(policy: Policy) -> None:
    baby = ChronologyBuilder(dob=date(2018, 7, 15))
    baby.own("domestic_incident", "2018-10-31", agency="police", children_present=True, violence="physical")
    assert AlertLevel.RED not in _levels(policy, baby)


def test_violence_after_the_plan_ended_is_not_read_as_during_it(policy: Policy) -> None:
    baby = ChronologyBuilder(dob=date(2016, 7, 15))
    baby.own("cp_plan_start", "2016-09-30", agency="children_social_care", category="neglect")
    baby.own("cp_plan_end", "2017-03-30", agency="children_social_care")
    baby.own("domestic_incident", "2018-10-31", agency="police", children_present=True, violence="physical")
    timeline = alert_timeline(policy, baby.build())
    assert all("violence_during_child_protection" not in a.rules for a in timeline)


def _new_adult(baby: ChronologyBuilder, when: str) -> ChronologyBuilder:
    baby.household(
        "new_adult_in_household",
        when,
        relation="mother_partner",
        agency="police",
        adult_person_id=9,
        evidence="police intelligence",
        adult_history=[],
    )
    return baby


def test_a_new_adult_moving_in_during_a_plan_is_red(policy: Policy) -> None:
    """Session 13: the plan was made for the household the conference knew (was amber)."""
    baby = ChronologyBuilder(dob=date(2017, 4, 10))
    baby.own("cp_plan_start", "2017-04-30", agency="children_social_care", category="emotional abuse")
    assert _levels(policy, _new_adult(baby, "2017-05-31")) == [AlertLevel.RED]


def test_a_new_adult_moving_in_after_the_plan_ended_is_not_red_for_it(policy: Policy) -> None:
    baby = ChronologyBuilder(dob=date(2017, 4, 10))
    baby.own("cp_plan_start", "2017-04-30", agency="children_social_care", category="emotional abuse")
    baby.own("cp_plan_end", "2017-05-20", agency="children_social_care")
    assert AlertLevel.RED not in _levels(policy, _new_adult(baby, "2017-05-31"))


def test_a_new_partner_with_no_plan_raises_nothing_on_its_own(policy: Policy) -> None:
    baby = ChronologyBuilder(dob=date(2017, 4, 10))
    assert _levels(policy, _new_adult(baby, "2017-05-31")) == []


def _relatives_report(concerns: list[str], sources: list[str]) -> ChronologyBuilder:
    child = ChronologyBuilder(dob=date(2019, 2, 10))
    days = ["2020-03-02", "2020-05-14", "2020-07-30", "2020-09-15"]
    for day, concern, source in zip(days, concerns, sources, strict=True):
        child.own("referral", day, agency="children_social_care", concern=concern, from_agency=source)
    child.own("case_closed", "2020-03-10", agency="children_social_care")
    child.own("case_closed", "2020-06-20", agency="children_social_care")
    return child


def test_relatives_reporting_bruising_to_a_toddlers_face_and_ears_is_red_by_the_second_report(
    policy: Policy,
) -> None:
    child = _relatives_report(
        ["Bruising to face and eye seen at contact", "bruises on both ears", "further bruising", "black eye"],
        ["Maternal grandmother", "Aunt", "family member", "grandparent"],
    )
    alerts = alert_timeline(policy, child.build())
    assert [(a.level, a.raised_at.date().isoformat()) for a in alerts][:2] == [
        (AlertLevel.AMBER, "2020-03-02"),
        (AlertLevel.RED, "2020-05-14"),
    ]


def test_the_same_referrals_about_untidiness_from_professionals_are_not_red(policy: Policy) -> None:
    child = _relatives_report(
        ["untidy home", "late for nursery", "untidy home again", "late again"],
        ["health visitor", "nursery", "health visitor", "nursery"],
    )
    assert AlertLevel.RED not in _levels(policy, child)


def test_a_toddlers_fracture_with_ear_cheek_and_genital_bruising_on_a_body_map_is_red(policy: Policy) -> None:
    toddler = ChronologyBuilder(dob=date(2018, 1, 10))
    toddler.own(
        "ed_attendance",
        "2020-03-02",
        delay_in_presentation=True,
        **injury_attrs(
            [
                ("left humerus", "fracture"),
                ("both ears", "bruise"),
                ("cheeks", "bruise"),
                ("genitals", "bruise"),
            ]
        ),
    )
    assert _levels(policy, toddler) == [AlertLevel.RED]


def test_the_same_fracture_with_bruised_shins_on_the_body_map_is_not_red(policy: Policy) -> None:
    toddler = ChronologyBuilder(dob=date(2018, 1, 10))
    toddler.own(
        "ed_attendance", "2020-03-02", **injury_attrs([("left humerus", "fracture"), ("shins", "bruise")])
    )
    assert AlertLevel.RED not in _levels(policy, toddler)


def test_a_doctors_note_of_bruising_to_the_ears_and_cheeks_is_red_and_a_denial_is_not(policy: Policy) -> None:
    def with_note(note: str) -> list[AlertLevel]:
        toddler = ChronologyBuilder(dob=date(2018, 1, 10))
        toddler.own("ed_attendance", "2020-03-02", injury="fracture", site="left arm", note=note)
        return _levels(policy, toddler)

    assert with_note("bruising to ears, cheeks and genital area") == [AlertLevel.RED]
    assert AlertLevel.RED not in with_note("no bruising to ears, cheeks or genital area")


def test_a_burn_in_a_gps_note_during_a_plan_is_red_and_a_note_of_none_is_not(policy: Policy) -> None:
    def with_note(note: str) -> list[AlertLevel]:
        child = ChronologyBuilder(dob=date(2012, 5, 1))
        child.own("cp_plan_start", "2019-09-10", agency="children_social_care", category="physical abuse")
        child.own("gp_consultation", "2019-10-20", note=note)
        return _levels(policy, child)

    assert with_note("small round burn on left forearm, mother says from a curling iron") == [AlertLevel.RED]
    assert AlertLevel.RED not in with_note("seen for a cough; no bruises or burns seen")


def _ids_now(policy: Policy, builder: ChronologyBuilder) -> set[str]:
    from alarmbell.policy import evaluate

    from .conftest import moment

    return {f.indicator_id for f in evaluate(policy, builder.build(), moment("2021-03-20")).findings}


@pytest.mark.parametrize(
    ("attrs", "narrative"),
    [
        ({"injury": "fracture", "site": "left arm; bruising to both ears, cheeks and genitals"}, None),
        ({"injury": "fracture", "site": "arm"}, "Fractured arm. Bruising to both ears and the left cheek."),
    ],
)
def test_a_toddlers_fracture_with_ten4_bruises_written_in_words_is_red(
    policy: Policy, attrs: dict[str, Any], narrative: str | None
) -> None:
    """The issue's toddler: a fracture, and bruises to the ears, cheeks and genitals written in the
    site or the narrative rather than as separate bruise records, brought late: amber only before."""
    toddler = ChronologyBuilder(dob=date(2019, 2, 1))
    toddler.own("ed_attendance", "2021-03-10", narrative=narrative, delay_in_presentation=True, **attrs)
    assert _levels(policy, toddler)[-1] is AlertLevel.RED
    assert "ten4_faces_more_than_one_bruise" in _ids_now(policy, toddler)


@pytest.mark.parametrize(
    ("dob", "attrs", "narrative"),
    [
        (date(2019, 2, 1), {"injury": "fracture", "site": "left arm; no bruising to ears or face"}, None),
        (
            date(2019, 2, 1),
            {"injury": "fracture", "site": "arm"},
            "Fell from climbing frame. No other marks.",
        ),
        (
            date(2014, 2, 1),
            {"injury": "fracture", "site": "left arm; bruising to both ears and cheeks"},
            None,
        ),
    ],
)
def test_a_denied_bruise_or_a_child_of_four_or_more_is_not_read_as_ten4(
    policy: Policy, dob: date, attrs: dict[str, Any], narrative: str | None
) -> None:
    child = ChronologyBuilder(dob=dob)
    child.own("ed_attendance", "2021-03-10", narrative=narrative, **attrs)
    assert not {"ten4_faces_bruise", "ten4_faces_more_than_one_bruise"} & _ids_now(policy, child)


def _expected_baby_with_convicted_mother(history: list[str]) -> ChronologyBuilder:
    """A mother convicted years before; a pre-birth conference about her, weeks before the birth."""
    baby = ChronologyBuilder(dob=date(2011, 3, 20))
    baby.household("crime_report", "2005-12-31", agency="police", adult_history=history)
    baby.household("cp_conference", "2011-02-25", agency="children_social_care", outcome="cp_plan")
    return baby


def test_a_pre_birth_conference_about_a_parent_who_harmed_a_child_is_red_before_the_birth(
    policy: Policy,
) -> None:
    """Session 13: the moment is any record about the household while the baby is expected."""
    alerts = alert_timeline(policy, _expected_baby_with_convicted_mother(["offence against a child"]).build())
    assert [(a.level, a.raised_at.date().isoformat()) for a in alerts][:1] == [(AlertLevel.RED, "2011-02-25")]


def test_a_pre_birth_conference_about_a_parent_with_another_offence_is_not_red(policy: Policy) -> None:
    alerts = alert_timeline(policy, _expected_baby_with_convicted_mother(["burglary"]).build())
    assert AlertLevel.RED not in [a.level for a in alerts]
