"""Lists that name children are views of them: who-viewed lists each, and none shows children
to a role that sees no live records (docs/security.md, "The audit log")."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import select, update
from starlette.testclient import TestClient

from alarmbell.audit import entries_for, who_viewed
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import TriageItem
from alarmbell.triage import NewItem, load_displacement_scenario, open_item
from tests.auth_support import form_token, sign_in
from tests.web.conftest import DemoStore


def test_the_reviews_list_and_the_unanswered_report_are_listed_by_who_viewed(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    """A reviewer's start page and the unanswered-alarms report (page, CSV, JSON) name Leo: each
    is an entry naming him, as a search or the alert list is."""
    client = TestClient(access_app)
    reviewer = sign_in(client, role="reviewer")
    urls = ("/reviews", "/triage/unanswered", "/triage/unanswered.csv", "/api/v1/triage/unanswered")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 and "Leo Brennan" in response.text, url
    with session_scope(access_store.engine) as session:
        seen = [v for v in who_viewed(session, [access_store.leo_id]) if v.actor == reviewer.name]
    assert sorted(v.action for v in seen) == ["reports.unanswered"] * 3 + ["reviews.list"]
    assert {v.detail.get("route") for v in seen if v.action == "reports.unanswered"} == set(urls[1:])


def test_a_housing_managers_unanswered_report_names_nobody_in_the_log(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    """Rows she may not open are counted, not listed: her entry names no one."""
    client = TestClient(access_app)
    manager = sign_in(client, role="team_manager", agency="housing", team="housing-options")
    assert client.get("/api/v1/triage/unanswered").json()["listed"] == []
    with session_scope(access_store.engine) as session:
        seen = [v for v in who_viewed(session, [access_store.leo_id]) if v.actor == manager.name]
    assert seen == []


def test_what_an_agency_reported_is_not_shown_to_administrators_or_reviewers(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    """Work item titles name children and offences. An administrator sees no records and a
    reviewer closed cases only, whatever agency their account names: both are refused, as the
    menu offers them no link; a police practitioner sees what police reported."""
    with session_scope(access_store.engine) as session:
        load_displacement_scenario(session, now=datetime.now(UTC))
    for role in ("admin", "reviewer"):
        client = TestClient(access_app)
        sign_in(client, role=role, agency="police")
        api = client.get("/api/v1/triage/reported", params={"referrer": "police"})
        assert api.status_code == 403 and "Crime report" not in api.text, role
        page = client.get("/triage/reported", params={"referrer": "police"})
        assert page.status_code == 403 and "Crime report" not in page.text, role
    police = TestClient(access_app)
    sign_in(police, role="practitioner", agency="police")
    assert police.get("/api/v1/triage/reported").json()["items"]


def test_what_a_referrer_reported_is_listed_by_who_viewed(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    """The titles name children: asking what a referrer reported is a list of them."""
    with session_scope(access_store.engine) as session:
        load_displacement_scenario(session, now=datetime.now(UTC))
        child = session.scalars(
            select(TriageItem.person_id).where(
                TriageItem.referrer == "alarmbell early warning", TriageItem.person_id.is_not(None)
            )
        ).first()
    assert child is not None
    client = TestClient(access_app)
    analyst = sign_in(client, role="mash_analyst")
    for url in ("/triage/reported", "/api/v1/triage/reported"):
        assert client.get(url, params={"referrer": "alarmbell early warning"}).status_code == 200
    with session_scope(access_store.engine) as session:
        seen = [v for v in who_viewed(session, [child]) if v.actor == analyst.name]
    assert [v.action for v in seen] == ["triage.reported"] * 2


def test_a_triage_queue_is_listed_by_who_viewed(access_app: FastAPI, access_store: DemoStore) -> None:
    """A queue's titles name children: a page of it (browser and API) is a list of them."""
    now, leo = datetime.now(UTC), access_store.leo_id
    item = NewItem(
        source_key="list-audit:leo",
        kind="referral_decision",
        title="Referral from health: Leo Brennan",
        team="list-audit",
        opened_at=now,
        due_at=now + timedelta(days=1),
        timescale="mash_amber",
        harm_days=30.0,
        harm_basis="alert level",
        harm_source="test",
        person_id=leo,
    )
    with session_scope(access_store.engine) as session:
        open_item(session, item=item, now=now)
    client = TestClient(access_app)
    analyst = sign_in(client, role="mash_analyst")
    for url in ("/triage", "/api/v1/triage/queue"):
        response = client.get(url, params={"team": "list-audit"})
        assert response.status_code == 200 and "Leo Brennan" in response.text, url
    with session_scope(access_store.engine) as session:
        seen = [v for v in who_viewed(session, [leo]) if v.actor == analyst.name]
    assert [v.action for v in seen] == ["triage.queue"] * 2


def test_workload_analytics_are_listed_by_who_viewed(access_app: FastAPI, access_store: DemoStore) -> None:
    """The displacement names work items by title, and titles name children: the analytics page
    (the low-harm items' titles; the waiting ones counted) and its JSON (both) are lists of the
    children whose titles they show. The police unit's manager sees their own team's titles; a
    manager of another team sees them as numbers, naming nobody."""
    with session_scope(access_store.engine) as session:
        load_displacement_scenario(session, now=datetime.now(UTC))
        offences = (TriageItem.team == "Police child protection unit", TriageItem.alert_level.is_(None))
        session.execute(update(TriageItem).where(*offences).values(person_id=OFFENCES_ABOUT))
    users, shown = {}, {}
    for name, role, agency, team in (
        ("analyst", "mash_analyst", None, None),
        ("own team", "team_manager", "police", "Police child protection unit"),
        ("other team", "team_manager", "health", "health-visiting"),
    ):
        client = TestClient(access_app)
        users[name] = sign_in(client, role=role, agency=agency, team=team)
        assert client.get("/triage/analytics").status_code == 200, name
        body = client.get("/api/v1/triage/analytics").json()
        shown[name] = {title for period in body["displacement"] for title in period["waiting_items"]}
    with session_scope(access_store.engine) as session:
        query = select(TriageItem.person_id).where(TriageItem.title.in_(shown["analyst"]))
        waited = sorted({person for person in session.scalars(query) if person is not None})
        assert waited, "the scenario's red alerts are about children of the demo case"
        everyone = [OFFENCES_ABOUT, *waited]
        seen = {
            name: [v for v in who_viewed(session, everyone) if v.actor == u.name] for name, u in users.items()
        }
        nobody = [e.detail["people"] for e in entries_for(session, action_prefix="triage.analytics")
                  if e.actor == users["other team"].name]  # fmt: skip
    assert shown["own team"] == shown["analyst"] and not shown["other team"] & shown["analyst"]
    for name in ("analyst", "own team"):
        listed = {v.detail["route"]: v.detail["people"] for v in seen[name] if v.action == "triage.analytics"}
        assert len(seen[name]) == 2 and listed.keys() == {"/triage/analytics", "/api/v1/triage/analytics"}
        assert listed["/triage/analytics"] == [OFFENCES_ABOUT], name
        assert set(everyone) <= set(listed["/api/v1/triage/analytics"]), name
    assert seen["other team"] == [] and nobody == [[], []], "shown, naming nobody"


#: The police unit's offences (the low-harm work the page names) are made to be about this id.
OFFENCES_ABOUT = 987_654


def test_the_concerns_a_user_recorded_are_listed_by_who_viewed(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    """`/mine` names each child the user recorded a concern about ("Concerns you recorded"): a
    list of them, so who-viewed reports each showing, as it does the alert list beside it."""
    with TestClient(access_app) as client:
        principal = sign_in(client, role="practitioner", agency="health", team="health-visiting")
        form = client.get("/record-concern").text
        submission = re.search(r'name="submission_id" value="([^"]+)"', form)
        assert submission
        data = {
            "csrf_token": form_token(client),
            "submission_id": submission.group(1),
            "person": "new",
            "given_name": "Orla",
            "family_name": "Quennell",
            "dob-day": "2",
            "dob-month": "2",
            "dob-year": "2018",
            "kind": "gp_consultation",
            "occurred-day": "5",
            "occurred-month": "6",
            "occurred-year": "2024",
            "text": "Listed on the start page.",
        }
        assert client.post("/record-concern", data=data, follow_redirects=False).status_code == 303
        mine = client.get("/mine")
    assert mine.status_code == 200 and "Orla Quennell" in mine.text
    found = re.search(r'href="/people/(\d+)">Orla Quennell', mine.text)
    assert found
    with session_scope(access_store.engine) as session:
        seen = [v.action for v in who_viewed(session, [int(found.group(1))]) if v.actor == principal.name]
    assert "concerns.mine" in seen
