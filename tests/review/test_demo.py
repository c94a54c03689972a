"""The demo case's review, built from the real store: the review's three key missed opportunities,
each with the agencies involved and what was known elsewhere, and the state on the day of closure."""

from __future__ import annotations

from datetime import date

import pytest

from alarmbell.policy import default_policy
from alarmbell.review import ReviewReport, review_report
from alarmbell.review.model import MissedOpportunity
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from tests.web.conftest import DemoStore

from .conftest import NOW


def report_for(store: DemoStore, as_of: date | None = None) -> ReviewReport:
    with session_scope(store.engine) as session:
        found = review_report(
            session,
            person_id=store.leo_id,
            policy=default_policy(),
            as_of=as_of,
            now=NOW,
            alert_working_days=Settings().triage_alert_working_days,
        )
    assert found is not None
    return found


@pytest.fixture(scope="module")
def full(review_store: DemoStore) -> ReviewReport:
    return report_for(review_store)


@pytest.fixture(scope="module")
def at_closure(review_store: DemoStore) -> ReviewReport:
    return report_for(review_store, date(2011, 6, 30))


def one(report: ReviewReport, *words: str) -> MissedOpportunity:
    found = [m for m in report.missed if all(w in m.title for w in words)]
    assert len(found) == 1, [m.title for m in report.missed]
    return found[0]


def elsewhere(item: MissedOpportunity) -> str:
    return " ".join(g.sentence for g in item.known_elsewhere)


def test_the_fractured_arm_in_january_2011(full: ReviewReport) -> None:
    item = one(full, "Fracture (left arm)", "January 2011")
    assert item.agencies == ("police", "health", "children_social_care")
    assert "not_shared" in item.rules and "not_seen" in item.rules and "closed_while_at_risk" in item.rules
    text = elsewhere(item)
    assert (
        "When health acted on 31 January 2011: Police held 22 domestic abuse incidents in the household"
        in text
    )
    assert (
        "When children's social care acted on 31 January 2011: Health held 2 injuries to Leo from "
        "31 March 2008 to 31 July 2010 (bruising (side of head), 31 July 2010). "
        "Children's social care never received any of it"
    ) in text
    missing = " ".join(item.missing)
    assert "No record shows Leo seen alone within 30 days of the strategy discussion" in missing
    assert "Initial child protection conference: none recorded" in missing
    assert item.policy is not None and item.policy.level == "red"


def test_the_schools_observations_from_autumn_2011(full: ReviewReport) -> None:
    item = one(full, "recorded by education", "October 2011 to January 2012")
    assert item.rules == ("no_response", "not_shared")
    assert item.agencies == ("police", "health", "education", "children_social_care")
    assert any("hunger observed" in line for line in item.happened)
    assert any("bruising (neck)" in line for line in item.happened)
    assert item.missing[0].startswith("None of the 8 concerns was followed within 1 working day")
    text = elsewhere(item)
    assert "Health held 3 injuries to Leo from 31 March 2008 to 31 January 2011 (fracture (left arm)" in text
    assert "Police held 27 domestic abuse incidents in the household" in text
    assert "Education never received any of it" in text
    assert "Children's social care held 1 case closure on 30 June 2011" in text


def test_the_paediatric_assessment_in_february_2012(full: ReviewReport) -> None:
    item = one(full, "Paediatric assessment: weight loss (13.8 kg)", "February 2012")
    assert "no_response" in item.rules and "not_shared" in item.rules
    assert item.agencies == ("police", "health", "education", "children_social_care")
    text = elsewhere(item)
    assert "When health acted on 29 February 2012: Education held 3 injuries to Leo" in text
    assert "Education held 1 record of hunger or weight loss on 30 November 2011" in text


def test_the_closure_and_the_household_domestic_abuse_throughout(full: ReviewReport) -> None:
    closure = one(full, "Case closed while risk indicators were active, 30 June 2011")
    assert "rated Leo red" in closure.missing[0]
    domestic = [
        m for m in full.missed if "domestic abuse incidents in the household recorded by police" in m.title
    ]
    assert len(domestic) >= 3
    assert min(m.start for m in domestic).year == 2007 and max(m.end for m in domestic).year == 2011


def test_as_of_the_closure_day_shows_only_what_was_known_then(at_closure: ReviewReport) -> None:
    entries = at_closure.chronology.entries
    assert max(e.recorded_at for e in entries).date() == date(2011, 6, 30)
    kinds = {e.kind for e in entries}
    assert "case_closed" in kinds and "injury_presentation" in kinds
    assert not kinds & {"school_start", "hunger_observed", "paediatric_assessment"}
    assert not [m for m in at_closure.missed if m.end.date() > date(2011, 6, 30)]
    one(at_closure, "Case closed while risk indicators were active, 30 June 2011")
    one(at_closure, "Fracture (left arm)", "January 2011")
    assert at_closure.policy_now is not None and at_closure.policy_now.level == "red"
    assert all(a.alert.raised_at.date() <= date(2011, 6, 30) for a in at_closure.alerts)
    assert "Harry Brennan" not in {v.member.name for v in at_closure.family}, "born October 2011"


def test_alerts_show_what_was_done_and_the_next_action(full: ReviewReport) -> None:
    assert full.alerts[0].alert.level == "amber" and full.alerts[0].alert.raised_at.year == 2007
    (last,) = [a for a in full.alerts if a.alert.raised_at.date() == date(2011, 1, 31)]
    assert last.alert.level == "red"
    assert last.response == "No acknowledgement recorded."
    assert last.next_action.startswith("Next recorded safeguarding action:")
    assert "(the same day)" in last.next_action


def test_the_knowledge_matrix_shows_the_fracture_never_reached_education(full: ReviewReport) -> None:
    (row,) = [r for r in full.matrix.rows if r.key == ("health", "HEA-demo-E18")]
    known = {k.agency: k for k in row.known}
    assert known["health"].how == "recorded it"
    assert known["police"].since is not None and known["police"].how.startswith(
        "shared at strategy discussion"
    )
    assert known["education"].since is None


def test_the_household_is_drawn_with_roles(full: ReviewReport) -> None:
    views = {v.member.name: v for v in full.family}
    assert views["Kayleigh Brennan"].in_household and views["Jack Fletcher"].in_household
    assert not views["Tomasz Whitfield"].in_household, "last in a record November 2010"
    assert "named as perpetrator in 9 recorded incidents" in views["Tomasz Whitfield"].notes


def test_alarmbells_own_alerts_are_counted_from_when_it_raised_them(full: ReviewReport) -> None:
    """Rule 5 counts a decision's clock as the triage queue does (timescales.alert_clock). Leo's
    alerts were raised when his history was loaded, years after the records behind them: the MASH
    could not have decided on them before, so none is a missed opportunity of the MASH's, and each
    says when its clock started. (Rule 5's grouping: tests/review/test_missed_alerts.py.)"""
    assert [m for m in full.missed if m.rules == ("alert_not_acted_on",)] == []
    urgent = [a for a in full.alerts if a.alert.level in ("amber", "red")]
    assert len(urgent) > 1
    assert all("its records reached alarmbell on" in a.clock for a in urgent)
    assert all(a.clock.startswith("Decision due by 5pm on ") for a in urgent)
