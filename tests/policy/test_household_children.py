"""Issue 12: a young child at home with a child whose injury may have been abusive.

Lindberg et al. (Pediatrics 2012) found abusive fractures in about one in eight household
contacts under two of physically abused children, none visible on examination, and twins at far
higher risk. The sibling's records are usually with other agencies, or on the sibling's file
only: these tests give the baby a sibling (or twin) whose events name no one else, as
`Chronology.other_child_entries` holds them.

Each firing test has a quiet neighbour: an ordinary injury, an old one, an older child.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from alarmbell.domain.chronology import Chronology, ChronologyEntry, HouseholdMember
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.policy import Policy, alert_timeline, evaluate
from alarmbell.policy.engine import PRE_BIRTH

from .conftest import ChronologyBuilder, moment


def _baby(dob: date = date(2020, 1, 10)) -> ChronologyBuilder:
    baby = ChronologyBuilder(dob=dob, name="Noah Reed")
    baby.own("health_visitor_contact", "2020-01-24", note="new birth visit")
    return baby


def _fired(policy: Policy, builder: ChronologyBuilder, at: str) -> set[str]:
    return {f.indicator_id for f in evaluate(policy, builder.build(), moment(at)).findings}


def test_a_baby_whose_sibling_had_an_enquiry_for_physical_abuse_is_amber(policy: Policy) -> None:
    baby = _baby()
    sister = baby.other_child("Maya Reed", date(2017, 4, 2))
    baby.childs(sister, "section_47", "2020-03-02", outcome="cp_conference", factors=["18C"])
    alerts = alert_timeline(policy, baby.build())
    assert [a.level for a in alerts] == [AlertLevel.AMBER]
    (finding,) = [f for f in alerts[0].findings if f.indicator_id == "household_child_abusive_injury"]
    assert "Noah's sibling Maya (2 years old then)" in finding.explanation
    assert "on 2 Mar 2020" in finding.explanation


def test_a_toddler_whose_baby_sibling_had_a_fracture_before_walking_is_amber(policy: Policy) -> None:
    toddler = _baby(date(2019, 2, 1))
    brother = toddler.other_child("Eli Reed", date(2020, 1, 5))
    toddler.childs(
        brother, "ed_attendance", "2020-03-20", injury="fracture", site="left forearm", mobile=False
    )
    alerts = alert_timeline(policy, toddler.build())
    assert [a.level for a in alerts] == [AlertLevel.AMBER]
    explanation = alerts[0].findings[0].explanation
    assert "ED attendance with a fracture for Noah's sibling Eli (2 months old then)" in explanation


def test_a_baby_born_after_a_non_mobile_siblings_head_injury_is_amber(policy: Policy) -> None:
    """A published review's sister: 4 months old, a head injury at A&E; her brother born later.

    The head injury of a baby who cannot yet move about counts as a bruise or fracture would;
    the brother is amber, not red (a recorded head injury includes short falls), and a walking
    sibling's head injury raises nothing.
    """
    baby = _baby(date(2021, 3, 29))
    sister = baby.other_child("Maya Reed", date(2020, 4, 30))
    baby.childs(sister, "ed_attendance", "2020-08-31", injury="head_injury", site="head", mobile=False)
    baby.own("health_visitor_contact", "2021-04-12", note="new birth visit")
    alerts = alert_timeline(policy, baby.build())
    assert [a.level for a in alerts] == [AlertLevel.AMBER]
    assert "household_child_abusive_injury" in alerts[0].rules
    assert alerts[0].raised_at >= moment("2021-03-29") - PRE_BIRTH, "not before the pregnancy was known"

    walker = _baby(date(2021, 3, 29))
    brother = walker.other_child("Eli Reed", date(2018, 4, 30))
    walker.childs(brother, "ed_attendance", "2020-08-31", injury="head_injury", site="head", mobile=True)
    walker.own("health_visitor_contact", "2021-04-12", note="new birth visit")
    assert alert_timeline(policy, walker.build()) == []


def test_a_sibling_with_a_grazed_knee_or_an_enquiry_of_another_kind_raises_nothing(policy: Policy) -> None:
    baby = _baby()
    sister = baby.other_child("Maya Reed", date(2017, 4, 2))
    baby.childs(sister, "ed_attendance", "2020-03-02", injury="laceration", site="knee", mobile=True)
    baby.childs(sister, "ed_attendance", "2020-04-12", injury="bruise", site="shin", mobile=True)
    baby.childs(sister, "section_47", "2020-05-02", outcome="nfa", factors=["16A"])
    assert alert_timeline(policy, baby.build()) == []


def test_a_sibling_enquiry_three_years_before_raises_nothing(policy: Policy) -> None:
    baby = _baby()
    sister = baby.other_child("Maya Reed", date(2014, 4, 2))
    baby.childs(sister, "section_47", "2017-01-15", outcome="cp_conference", factors=["18C"])
    assert alert_timeline(policy, baby.build()) == []
    assert "household_child_abusive_injury" not in _fired(policy, baby, "2020-01-24")


def test_an_older_child_is_not_alerted_for_a_siblings_enquiry(policy: Policy) -> None:
    """The study screened contacts under two (skeletal survey); a 6-year-old is not this signal."""
    older = ChronologyBuilder(dob=date(2014, 1, 10), name="Noah Reed")
    older.own("school_concern", "2020-01-24", category="attendance")
    sister = older.other_child("Maya Reed", date(2017, 4, 2))
    older.childs(sister, "section_47", "2020-03-02", factors=["18C"])
    assert alert_timeline(policy, older.build()) == []


def test_a_baby_whose_sibling_a_doctor_thought_injured_non_accidentally_is_red(policy: Policy) -> None:
    baby = _baby()
    sister = baby.other_child("Maya Reed", date(2017, 4, 2))
    baby.childs(
        sister,
        "paediatric_assessment",
        "2020-03-02",
        injury="bruise",
        site="ear",
        medical_opinion="possible_nai",
    )
    alerts = alert_timeline(policy, baby.build())
    assert [a.level for a in alerts] == [AlertLevel.RED]
    fired = {f.indicator_id: f.explanation for f in alerts[0].findings}
    assert "household_child_non_accidental_injury" in fired
    assert (
        "doctor's opinion that the injury may be non-accidental"
        in fired["household_child_non_accidental_injury"]
    )
    assert "Maya" in fired["household_child_non_accidental_injury"]


def test_an_accidental_opinion_on_the_siblings_injury_is_not_red(policy: Policy) -> None:
    baby = _baby()
    sister = baby.other_child("Maya Reed", date(2017, 4, 2))
    baby.childs(
        sister,
        "paediatric_assessment",
        "2020-03-02",
        injury="bruise",
        site="ear",
        medical_opinion="accidental",
    )
    assert alert_timeline(policy, baby.build()) == []


def test_the_twin_of_a_baby_with_a_bruise_is_red(policy: Policy) -> None:
    baby = _baby()
    twin = baby.other_child("Isla Reed", date(2020, 1, 10), twin=True)
    baby.childs(twin, "health_visitor_contact", "2020-02-20", injury="bruise", site="cheek", mobile=False)
    alerts = alert_timeline(policy, baby.build())
    assert [a.level for a in alerts] == [AlertLevel.RED]
    fired = {f.indicator_id: f.explanation for f in alerts[0].findings}
    assert "Noah's twin Isla (1 month old then)" in fired["twin_of_injured_child"]


def test_a_sibling_of_another_age_with_the_same_bruise_is_amber_not_red(policy: Policy) -> None:
    baby = _baby()
    baby.own("health_visitor_contact", "2021-01-12", note="one-year review")
    brother = baby.other_child("Eli Reed", date(2021, 1, 2))
    baby.childs(brother, "health_visitor_contact", "2021-02-20", injury="bruise", site="cheek", mobile=False)
    assert [a.level for a in alert_timeline(policy, baby.build())] == [AlertLevel.AMBER]


def test_another_childs_events_feed_no_other_indicator(policy: Policy) -> None:
    """A sibling's A&E visits, school concerns and missed appointments are not the baby's."""
    baby = _baby()
    sister = baby.other_child("Maya Reed", date(2017, 4, 2))
    for month in range(2, 8):
        baby.childs(
            sister, "ed_attendance", f"2020-{month:02d}-03", injury="fracture", site="wrist", mobile=True
        )
        baby.childs(
            sister, "missed_appointment", f"2020-{month:02d}-10", was_not_brought=True, service="paediatrics"
        )
        baby.childs(sister, "school_concern", f"2020-{month:02d}-12", category="hunger")
        baby.childs(sister, "domestic_incident", f"2020-{month:02d}-14", agency="police", dash_risk="high")
    assert alert_timeline(policy, baby.build()) == []


def test_another_childs_ordinary_records_leave_this_childs_alerts_as_they_were(
    policy: Policy, leo: Chronology
) -> None:
    """Leo with a sister whose school and GP records fill every week: his alerts do not move.

    A moment holding only the sister's records, none of which an indicator reads, is not a moment
    of Leo's history, so absence deadlines and decay are judged at the same moments as before.
    """
    sister = HouseholdMember(99, "sibling", "Zara Brennan", "child", dob=date(2009, 5, 1))
    start = moment("2008-01-03")
    records = [
        ChronologyEntry(
            agency="education" if week % 2 else "health",
            source_id=f"Z{week}",
            kind="school_concern" if week % 2 else "gp_consultation",
            occurred_at=start + timedelta(days=7 * week),
            recorded_at=start + timedelta(days=7 * week),
            attrs={"category": "behaviour"} if week % 2 else {"note": "cough"},
            text=None,
            involvement="subject",
            relation="sibling",
            other_child=99,
        )
        for week in range(230)
    ]
    with_sister = replace(leo, other_children=(sister,), other_child_entries=tuple(records))

    def _alerts(chronology: Chronology) -> list[tuple[object, ...]]:
        return [(a.raised_at, a.level, a.rules, a.new_evidence) for a in alert_timeline(policy, chronology)]

    assert _alerts(with_sister) == _alerts(leo)
