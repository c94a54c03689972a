"""Page data builders against the demo case, ingested, linked and alerted by the real services."""

from __future__ import annotations

from datetime import UTC, datetime

from alarmbell.identity.search import search_people
from alarmbell.policy import default_policy
from alarmbell.presentation.formatting import event_anchor, kind_label, relation_label, short_date
from alarmbell.storage.db import session_scope
from alarmbell.web.pages.alert_list import build_alert_list
from alarmbell.web.pages.person import PersonPage, build_person_page, timeline_svg
from alarmbell.web.pages.search import build_search

from .conftest import DemoStore

NOW = datetime(2026, 11, 27, tzinfo=UTC)
TITLES = {i.id: i.title for i in default_policy().indicators}


def leo_page(store: DemoStore) -> PersonPage:
    with session_scope(store.engine) as session:
        page = build_person_page(session, store.leo_id, now=NOW, rule_titles=TITLES)
    assert page is not None
    return page


def test_alert_list_puts_red_first_then_most_recent(demo_store: DemoStore) -> None:
    with session_scope(demo_store.engine) as session:
        page = build_alert_list(session)
    ranks = [{"red": 2, "amber": 1, "green": 0}[row.level] for row in page.people]
    assert ranks == sorted(ranks, reverse=True)
    leo = next(row for row in page.people if row.person_id == demo_store.leo_id)
    alerts = leo_page(demo_store).alerts
    assert (leo.name, leo.level_label, leo.alerts) == ("Leo Brennan", "Red", len(alerts))
    # The school's concerns of his last months keep the red ringing (issue 12): the last is Feb 2012.
    assert leo.last_raised_label == "29 Feb 2012"
    assert leo.agency_labels == ("Children's social care", "Education", "Health", "Police")
    assert page.counts["red"] >= 1


def test_person_summary(demo_store: DemoStore) -> None:
    summary = leo_page(demo_store).summary
    assert summary.name == "Leo Brennan" and summary.first_name == "Leo"
    assert summary.dob_label == "15 July 2007"
    assert summary.age == 19
    assert summary.age_label == "19 today (4 at the last recorded event, 29 February 2012)"
    assert summary.role == "Child"
    assert summary.level == "red"
    assert summary.agencies == ("police", "health", "education", "children_social_care")
    assert {r.source_id for r in summary.records} == {
        "CHI-demo-P1", "EDU-demo-P1", "HEA-demo-P1", "POL-demo-P1",
    }  # fmt: skip


def test_household_lists_each_related_person_once_with_the_relation(demo_store: DemoStore) -> None:
    household = leo_page(demo_store).household
    by_name = {row.name: row for row in household}
    assert by_name["Kayleigh Brennan"].relation == "mother"
    assert by_name["Jack Fletcher"].relation == "mother's partner"
    assert by_name["Zofia Brennan"].relation == "sibling"
    assert len({row.person_id for row in household}) == len(household)
    assert household[0].relation == "mother"


def test_alerts_are_most_recent_first_with_titled_rules_and_linked_evidence(
    demo_store: DemoStore,
) -> None:
    page = leo_page(demo_store)
    raised = [a.raised_at for a in page.alerts]
    assert raised == sorted(raised, reverse=True)
    latest = page.alerts[0]
    assert latest.level == "red" and latest.raised_label == "29 February 2012"
    assert latest.explanation.startswith("New evidence on a red child")
    assert "Leo Brennan is rated RED" in latest.explanation
    assert all(rule.title != rule.id for rule in latest.rules)
    anchors = {row.anchor for row in page.chronology}
    for group in latest.evidence:
        dates = [item.occurred_at for item in group.items if item.occurred_at is not None]
        assert len(dates) == len(group.items) and dates == sorted(dates)
        for item in group.items:
            assert item.href is not None and item.href[1:] in anchors
    assert latest.evidence_count == sum(len(g.items) for g in latest.evidence)
    assert [g.agency for g in latest.evidence] == ["police", "health", "education", "children_social_care"]


def test_chronology_rows_say_whose_event_it_is(demo_store: DemoStore) -> None:
    rows = leo_page(demo_store).chronology
    derived = [r for r in rows if r.kind == "new_adult_in_household"]
    assert len(rows) - len(derived) == 57 and len(derived) == 2
    assert [r.occurred_at for r in rows] == sorted(r.occurred_at for r in rows)
    assert {r.agency for r in rows} == {"police", "health", "education", "children_social_care"}
    own = next(r for r in rows if r.kind == "injury_presentation")
    assert own.own and own.about == "Leo" and own.about_person_id is None
    adult = next(r for r in rows if not r.own)
    assert adult.about.startswith("Leo's ") and adult.about_person_id is not None
    flagged = [r for r in rows if r.evidence_for]
    assert flagged and all(f.startswith("alert-") for r in flagged for f in r.evidence_for)


def test_timeline_svg_of_the_demo_case_has_all_lanes_events_and_alerts(demo_store: DemoStore) -> None:
    svg = timeline_svg(leo_page(demo_store))
    for agency in ("police", "health", "education", "children_social_care"):
        assert f"app-tl__event app-lane--{agency}" in svg
    assert svg.count('<circle class="app-tl__mark') == 59  # 57 events and 2 adults joining
    assert svg.count('class="app-tl__alert-line"') == len(leo_page(demo_store).alerts) >= 5
    assert "Leo&#x27;s own events" in svg or "Leo's own events" in svg


def test_unknown_person_has_no_page(demo_store: DemoStore) -> None:
    with session_scope(demo_store.engine) as session:
        assert build_person_page(session, 999_999, now=NOW, rule_titles=TITLES) is None


def test_search_finds_people_by_parts_of_their_names(demo_store: DemoStore) -> None:
    with session_scope(demo_store.engine) as session:
        assert "Leo Brennan" in [r.name for r in build_search(session, "leo bren").results]
        assert len(build_search(session, "brennan").results) >= 3
        assert build_search(session, "  ").searched is False
        assert build_search(session, "zzzz").results == ()


def test_search_binds_wildcards_and_quotes_as_plain_text(demo_store: DemoStore) -> None:
    with session_scope(demo_store.engine) as session:
        assert search_people(session, "%", 10) == []
        assert search_people(session, "_", 10) == []
        assert search_people(session, "' OR 1=1 --", 10) == []


def test_search_is_bounded(demo_store: DemoStore) -> None:
    with session_scope(demo_store.engine) as session:
        assert len(search_people(session, "e", 2)) == 2
        page = build_search(session, "e", limit=2)
    assert page.truncated


def test_formatting() -> None:
    assert relation_label("mother_partner") == "mother's partner"
    assert relation_label("child_of_mother") == "child"
    assert kind_label("gp_consultation") == "GP consultation"
    assert kind_label("ed_attendance") == "ED attendance"
    assert short_date(datetime(2007, 4, 9, tzinfo=UTC)) == "9 Apr 2007"
    assert event_anchor("police", "POL 1/a") == "event-police-POL-1-a"


def test_a_siblings_injury_cited_by_an_alert_says_what_when_and_whose(demo_store: DemoStore) -> None:
    """Harry's red cites Leo's fracture (Leo's own event, not in Harry's chronology table): the
    evidence must still say its date and kind and that it was about his sibling, not "Date not known"."""
    with session_scope(demo_store.engine) as session:
        harry = next(p for p in search_people(session, "Harry Brennan") if p.display_name == "Harry Brennan")
        page = build_person_page(session, harry.person_id, now=NOW, rule_titles=TITLES)
    assert page is not None
    cited = [
        e.item
        for alert in page.alerts
        for finding in alert.findings
        if finding.indicator_id.startswith("household_child")
        for e in finding.evidence
        if e.item.about.startswith("Leo")
    ]
    assert cited, [f.indicator_id for a in page.alerts for f in a.findings]
    for item in cited:
        assert item.date_label == "31 Jan 2011" and item.occurred_at is not None
        assert item.about == "Leo (Harry's sibling)" and item.href is None
    assert all(row.about != "Leo (Harry's sibling)" for row in page.chronology)
