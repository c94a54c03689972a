"""Issue 12's infant: 7½ months, not yet crawling, a forearm fracture brought 19 hours late.

Under the old policy the non-mobile rule stopped at six months and nothing rang. The fracture
alone must now make him red, and the missed growth clinic while his weight fell must ring again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.policy import Policy, alert_timeline

from .conftest import ChronologyBuilder, moment


def _infant() -> ChronologyBuilder:
    builder = ChronologyBuilder(dob=date(2011, 1, 15), name="Noah Reed")
    builder.own("health_visitor_contact", "2011-07-20", note="not yet crawling or rolling far")
    builder.own("growth_measurement", "2011-07-20", weight_kg=7.9, weight_centile=50)
    builder.own(
        "ed_attendance",
        "2011-08-31T14:00",
        injury="fracture",
        site="R forearm",
        explanation_given="father says he rolled off the sofa",
        mobile=False,
        delay_in_presentation=True,
        delay_hours=19,
    )
    builder.own("missed_appointment", "2011-10-05", was_not_brought=True, service="growth_clinic")
    builder.own("missed_appointment", "2011-11-02", was_not_brought=True, service="growth_clinic")
    builder.own("growth_measurement", "2011-11-20", weight_kg=7.3, weight_centile=9, weight_loss=True)
    return builder


def test_forearm_fracture_in_a_non_crawling_baby_is_red_at_once(policy: Policy) -> None:
    alerts = alert_timeline(policy, _infant().build())
    first = alerts[0]
    assert (first.level, first.raised_at) == (AlertLevel.RED, moment("2011-08-31T14:00"))
    assert {"fracture_under_18_months", "injury_not_mobile", "delayed_presentation"} <= set(first.rules)


def test_missed_growth_clinic_while_weight_falls_rings_again(policy: Policy) -> None:
    alerts = alert_timeline(policy, _infant().build())
    later = [a for a in alerts if a.raised_at > moment("2011-09-01")]
    assert later, "the growth clinic and the weight loss raised nothing new"
    assert any(
        "faltering_growth_with_neglect" in a.new_evidence for a in later if a.is_renotification
    ) or any("faltering_growth_with_neglect" in a.rules for a in later)


def test_the_same_fracture_in_a_walking_eight_year_old_is_not_red(policy: Policy) -> None:
    builder = ChronologyBuilder(dob=date(2003, 1, 15))
    builder.own(
        "ed_attendance",
        "2011-08-31",
        injury="fracture",
        site="R forearm",
        mobile=True,
        explanation_given="fell off scooter",
    )
    alerts = alert_timeline(policy, builder.build())
    assert all(a.level is not AlertLevel.RED for a in alerts)


def test_a_walking_toddlers_fracture_is_amber_and_red_when_brought_late(policy: Policy) -> None:
    def toddler(**late: Any) -> list[AlertLevel]:
        builder = ChronologyBuilder(dob=date(2010, 6, 1))
        builder.own("ed_attendance", "2011-09-01", injury="fracture", site="L tibia", mobile=True, **late)
        return [a.level for a in alert_timeline(policy, builder.build())]

    assert toddler() == [AlertLevel.AMBER]
    assert toddler(delay_in_presentation=True) == [AlertLevel.RED]
