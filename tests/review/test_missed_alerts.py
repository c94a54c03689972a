"""Rule 5 groups the alerts that waited on one decision into one missed opportunity.

A child's later alerts update the one open work item (triage.alert_work), so they wait on the same
decision: seven alerts raised while the item stayed undecided are one missed opportunity, not seven
cards. Every alert is still listed in the report's section 5 (`ReviewReport.alerts`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from alarmbell.review.knowledge import who_knew
from alarmbell.review.missed import Context, missed_opportunities
from alarmbell.review.model import AlertResponse, StoredAlert

UNTIL = datetime(2011, 12, 1, 12, tzinfo=UTC)


def _alert(n: int, when: datetime, level: str = "red", *responses: AlertResponse) -> StoredAlert:
    return StoredAlert(
        alert_id=n,
        level=level,
        raised_at=when,
        rules=("injury",),
        explanation="why",
        policy_version="v1",
        evidence=(("health", f"H{n}"),),
        responses=responses,
    )


def _missed(*alerts: StoredAlert) -> list[tuple[str, tuple[str, ...]]]:
    ctx = Context((), (), who_knew(()), lambda _m: None, (), UNTIL, "Leo", alerts=alerts)
    return [(m.title, m.happened) for m in missed_opportunities(ctx)]


def test_alerts_raised_while_the_item_stayed_undecided_are_one_missed_opportunity() -> None:
    days = [
        datetime(2011, 3, 3, tzinfo=UTC),
        *(datetime(2011, 3 + i // 2, 10 + i, tzinfo=UTC) for i in range(5)),
    ]
    days.append(datetime(2011, 4, 9, tzinfo=UTC))
    alerts = [_alert(n, when, "amber" if n == 0 else "red") for n, when in enumerate(days)]
    [(title, happened)] = _missed(*alerts)
    assert title == "7 alarmbell alerts between 3 March 2011 and 9 April 2011 were not acted on in time"
    assert "(6 red and 1 amber)" in happened[0] and "the first was raised on 3 March 2011" in happened[0]
    assert happened[1].startswith(
        "The item is still undecided: no decision was recorded up to 1 December 2011"
    )


def test_alerts_answered_by_one_late_decision_are_one_and_a_decision_in_time_ends_the_run() -> None:
    late = AlertResponse("triage", "Sam Reid", datetime(2011, 5, 20, 10, tzinfo=UTC), "Assessment", "Assess.")
    on_time = AlertResponse(
        "triage", "Sam Reid", datetime(2011, 6, 2, 10, tzinfo=UTC), "Assessment", "Assess."
    )
    alerts = [
        _alert(1, datetime(2011, 3, 3, tzinfo=UTC), "red", late),
        _alert(2, datetime(2011, 4, 9, tzinfo=UTC), "red", late),
        _alert(3, datetime(2011, 6, 1, tzinfo=UTC), "red", on_time),  # decided the next day: in time
        _alert(4, datetime(2011, 9, 5, tzinfo=UTC), "amber"),  # a new item, never decided
    ]
    found = _missed(*alerts)
    assert [title for title, _ in found] == [
        "2 alarmbell alerts between 3 March 2011 and 9 April 2011 were not acted on in time",
        "alarmbell's amber alert of 5 September 2011 was not acted on in time",
    ]
    assert found[0][1][1].startswith("The item was not decided until 20 May 2011")


def test_an_alert_from_records_that_arrived_late_is_counted_from_when_alarmbell_raised_it() -> None:
    """The triage queue's clock (timescales.alert_clock): nobody could decide on an alert before
    alarmbell raised it, so its clock starts then, not at its records' date."""
    raised = datetime(2011, 3, 3, tzinfo=UTC)
    received_the_day_before = replace(_alert(1, raised), received_at=datetime(2011, 11, 30, 9, tzinfo=UTC))
    assert _missed(received_the_day_before) == [], "due at 5pm on 1 December 2011, the report's day"
    received_in_october = replace(_alert(1, raised), received_at=datetime(2011, 10, 3, 9, tzinfo=UTC))
    [(title, happened)] = _missed(received_in_october)
    assert title == "alarmbell's red alert of 3 March 2011 was not acted on in time"
    assert happened[1].startswith("No decision was recorded up to 1 December 2011, 42 working days past")
