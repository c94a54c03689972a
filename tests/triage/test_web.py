"""The triage pages and JSON API through the real app, signed in as a MASH analyst."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from starlette.testclient import TestClient

from alarmbell.access.sessions import start_session
from alarmbell.access.users import create_user
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import TriageItem
from alarmbell.triage import load_displacement_scenario
from alarmbell.web.app import create_app

POLICE = "Police child protection unit"
SESSION_COOKIE = "alarmbell_session"


def sign_in(
    app: FastAPI, *, username: str, role: str, team: str | None = None, agency: str | None = None
) -> str:
    """A session cookie for a new user (what signing in at /login would give)."""
    with session_scope(app.state.engine) as session:
        user = create_user(session, username=username, role=role, team=team, agency=agency)
        return start_session(session, user=user, method="test", lifetime=timedelta(hours=1))


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("triage-web")
    app = create_app(Settings(database_url=f"sqlite:///{Path(folder) / 'store.db'}"))
    with session_scope(app.state.engine) as session:
        load_displacement_scenario(session, now=datetime.now(UTC))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def analyst(app: FastAPI) -> Iterator[TestClient]:
    cookie = sign_in(app, username=f"analyst{uuid.uuid4().hex}", role="mash_analyst", team=POLICE)
    with TestClient(app) as client:
        client.cookies.set(SESSION_COOKIE, cookie)
        yield client


def test_the_queue_page_orders_the_police_units_work_by_harm(analyst: TestClient) -> None:
    response = analyst.get("/triage")
    assert response.status_code == 200
    html = response.text
    assert f'<h1 class="govuk-heading-xl">{POLICE}</h1>' in html
    titles = re.findall(r'<a class="govuk-link" href="/triage/items/\d+">([^<]+)</a>', html)
    assert titles[0].startswith("Red alert") and "theft" in titles[-1]
    assert "Escalated to head of service" in html and "Overdue by" in html


def test_acknowledge_from_the_queue_records_the_signed_in_user(app: FastAPI, analyst: TestClient) -> None:
    page = analyst.get("/triage", params={"team": POLICE})
    item_id = int(re.findall(r'action="/triage/items/(\d+)/acknowledge"', page.text)[0])
    response = analyst.post(
        f"/triage/items/{item_id}/acknowledge",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and f"#item-{item_id}" in response.headers["location"]
    with session_scope(app.state.engine) as session:
        row = session.get(TriageItem, item_id)
        assert (
            row is not None
            and row.status == "acknowledged"
            and (row.acknowledged_by or "").startswith("analyst")
        )


def test_a_post_without_the_csrf_token_is_refused(analyst: TestClient) -> None:
    analyst.get("/triage")
    assert analyst.post("/triage/items/1/acknowledge", data={}).status_code == 403


def test_no_further_action_without_a_reason_is_sent_back(app: FastAPI, analyst: TestClient) -> None:
    with session_scope(app.state.engine) as session:
        item_id = session.scalars(select(TriageItem.id).where(TriageItem.status == "open")).first()
    page = analyst.get(f"/triage/items/{item_id}")
    assert page.status_code == 200 and "Audit trail" in page.text
    token = csrf_from(page.text)
    bad = analyst.post(
        f"/triage/items/{item_id}/decide",
        data={"csrf_token": token, "decision": "no_further_action", "rationale": "NFA"},
    )
    assert bad.status_code == 400 and "needs a reason" in bad.text
    good = analyst.post(
        f"/triage/items/{item_id}/decide",
        data={
            "csrf_token": token,
            "decision": "no_further_action",
            "rationale": "Seen alone at school; safe.",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303 and f"done=decided-{item_id}" in good.headers["location"]
    with session_scope(app.state.engine) as session:
        row = session.get(TriageItem, item_id)
        assert row is not None
        title, team = row.title, row.team
    banner = analyst.get(good.headers["location"]).text.replace("&#39;", "'")
    assert "Decision recorded: <a" in banner and title in banner and f"Item {item_id}" not in banner
    # The same address opened by another analyst, who did not decide it, names nothing.
    other = TestClient(app)
    other.cookies.set(SESSION_COOKIE, sign_in(app, username=f"other{uuid.uuid4().hex}", role="mash_analyst"))
    theirs = other.get("/triage", params={"team": team, "done": f"decided-{item_id}"}).text
    assert "Decision recorded." in theirs and f'href="/triage/items/{item_id}"' not in theirs


def test_the_analytics_page_has_the_charts_and_names_the_displacement(analyst: TestClient) -> None:
    response = analyst.get("/triage/analytics")
    assert response.status_code == 200
    html = response.text
    assert "Displacement: Police child protection unit spent" in html
    # Three charts, each drawn for a desktop and for a phone (pages.css shows the one that fits).
    assert html.count("<svg") == 6 and "<script" not in html and "style=" not in html
    assert "bigamy" in html
    assert "alarmbell triage analytics" not in html, "a manager reads the page, not the command line"
    # Work taken on and not decided escalates too (session 17): the page said only "when nobody
    # has taken it on", so a manager read a taken-on red alert as safe from escalation.
    assert "has not decided it within 1 working day:" in " ".join(html.split())


def test_another_teams_displacement_is_told_by_kind_harm_and_date_naming_nobody(app: FastAPI) -> None:
    """A manager of another team reads what the police unit's hours went on ("Police
    investigation of 10 harm days, opened ..."), not "Item 1", and no child or offence."""
    cookie = sign_in(
        app, username=f"manager{uuid.uuid4().hex}", role="team_manager", team="MASH", agency="health"
    )
    with TestClient(app) as manager:
        manager.cookies.set(SESSION_COOKIE, cookie)
        html = manager.get("/triage/analytics").text
        period = manager.get("/api/v1/triage/analytics").json()["displacement"][0]
    assert period["team"] == POLICE and period["low_items"]
    for told in (*period["low_items"], *period["waiting_items"]):
        assert re.fullmatch(
            r"[A-Z][a-z' ]+ of [0-9.]+ harm days, opened [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4}", told
        )
    assert "Police investigation of 10 harm days, opened" in html and "Item 1" not in html
    assert "bigamy" not in html.lower() and "bigamy" not in str(period).lower()


def test_what_you_reported_lists_referrals_and_says_where_concerns_go(app: FastAPI) -> None:
    """A health visitor reads her agency's referrals with their outcome, and is told (with rows,
    not only when there are none) that a concern recorded on the form is on her agency's page."""
    cookie = sign_in(app, username=f"hv{uuid.uuid4().hex}", role="practitioner", team="MASH", agency="health")
    with TestClient(app) as practitioner:
        practitioner.cookies.set(SESSION_COOKIE, cookie)
        html = practitioner.get("/triage/reported").text.replace("&#39;", "'")
    assert html.count("Referral from Health (health visitor)") == 2 and "Decided on time" in html
    assert "A concern you record with the form is not listed here" in html and 'href="/mine"' in html
    assert "<title>What happened to what you reported" in html, "the tab says what the heading says"
    # Seen in the walk: at 390 px "Timeliness" was cut off; on a phone each row is a labelled card.
    assert '<table class="govuk-table app-table--cards">' in html
    assert all(f'data-label="{c}"' in html for c in ("Reported", "Outcome", "Timeliness"))


def test_the_queue_says_harm_in_harm_days_not_days_beside_the_waiting_time(analyst: TestClient) -> None:
    """Seen in the browser walk: "365 days (alert level)" sat beside "Waiting 11 minutes" and
    read as a time; it is the item's weight in the queue."""
    html = analyst.get("/triage", params={"team": POLICE}).text.replace("&#39;", "'")
    assert re.search(r"[0-9.]+ harm days \((from the alert level|the offence group's typical harm)\)", html)
    assert not re.search(r"[0-9.]+ days \((alert level|subgroup fallback)\)", html)
    # The queue's button says what the child's page and the item's page say.
    assert ">Take this on<" in html and ">Acknowledge<" not in html


def test_json_api(analyst: TestClient) -> None:
    teams = analyst.get("/api/v1/triage/teams").json()["teams"]
    assert {t["team"] for t in teams} >= {POLICE}
    queue = analyst.get("/api/v1/triage/queue", params={"team": POLICE}).json()
    assert queue["total"] >= 5 and queue["items"][0]["band"] == "high"
    item_id = queue["items"][0]["item_id"]
    detail = analyst.get(f"/api/v1/triage/items/{item_id}").json()
    assert detail["item"]["team"] == POLICE and detail["audit"][0]["kind"] == "created"
    analytics = analyst.get("/api/v1/triage/analytics").json()
    assert analytics["displacement"][0]["team"] == POLICE
    token = csrf_from(analyst.get("/triage").text)
    headers = {"X-CSRF-Token": token}
    logged = analyst.post(
        "/api/v1/triage/worklog",
        json={"item_id": item_id, "person": "DC Okafor", "hours": 1.5, "worked_at": "2026-01-05T10:00:00Z"},
        headers=headers,
    )
    assert logged.status_code == 201 and logged.json()["hours"] == 1.5
    refused = analyst.post(
        f"/api/v1/triage/items/{item_id}/decide",
        json={"decision": "no_further_action", "rationale": " "},
        headers=headers,
    )
    assert refused.status_code == 422 and "needs a reason" in refused.json()["detail"]
    decided = analyst.post(
        f"/api/v1/triage/items/{item_id}/decide",
        json={"decision": "strategy_discussion", "rationale": "Strategy discussion with police today."},
        headers=headers,
    )
    assert decided.status_code == 200 and decided.json()["status"] == "decided"
    reported = analyst.get("/api/v1/triage/reported", params={"referrer": "alarmbell early warning"}).json()
    assert any(r["item_id"] == item_id and r["timeliness"]["state"] == "late" for r in reported["items"])


def test_signed_out_and_unpermitted_users_are_kept_out(app: FastAPI) -> None:
    with TestClient(app) as client:
        assert client.get("/api/v1/triage/teams").status_code == 401
        page = client.get("/triage", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        client.cookies.set(SESSION_COOKIE, sign_in(app, username="reviewer1", role="reviewer"))
        assert client.get("/triage").status_code == 403


def test_a_team_manager_sees_only_their_own_teams_queue_and_items(app: FastAPI) -> None:
    """Queue titles name children (and police offences): another team's work is not theirs to read."""
    with session_scope(app.state.engine) as session:
        police = session.scalars(select(TriageItem).where(TriageItem.team == POLICE)).first()
        others = session.scalars(select(TriageItem).where(TriageItem.team != POLICE)).first()
    assert police is not None and others is not None
    cookie = sign_in(
        app, username=f"manager{uuid.uuid4().hex}", role="team_manager", team=others.team, agency="health"
    )
    with TestClient(app) as manager:
        manager.cookies.set(SESSION_COOKIE, cookie)
        own = manager.get("/triage", params={"team": others.team})
        assert own.status_code == 200 and others.title in own.text
        assert manager.get("/triage").status_code == 200
        for url, params in (
            ("/triage", {"team": POLICE}),
            ("/api/v1/triage/queue", {"team": POLICE}),
            (f"/triage/items/{police.id}", {}),
            (f"/api/v1/triage/items/{police.id}", {}),
        ):
            response = manager.get(url, params=params)
            assert response.status_code == 403, url
            assert police.title not in response.text, url
        token = csrf_from(own.text)
        refused = manager.post(f"/triage/items/{police.id}/acknowledge", data={"csrf_token": token})
        assert refused.status_code == 403
        assert manager.get(f"/triage/items/{others.id}").status_code == 200


def test_service_refusals_answer_with_their_category_status_and_message(analyst: TestClient) -> None:
    """Not found 404, conflict 409, invalid 422: mapped once (web/errors.py), messages kept."""
    item_id = analyst.get("/api/v1/triage/queue", params={"team": POLICE}).json()["items"][1]["item_id"]
    headers = {"X-CSRF-Token": csrf_from(analyst.get("/triage").text)}
    missing = analyst.get("/api/v1/triage/items/987654")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "no triage item 987654 (see `alarmbell triage queue --team TEAM`)"}
    assert analyst.get("/triage/items/987654").status_code == 404
    analyst.post(f"/api/v1/triage/items/{item_id}/acknowledge", headers=headers)  # now or by an earlier test
    again = analyst.post(f"/api/v1/triage/items/{item_id}/acknowledge", headers=headers)
    assert again.status_code == 409 and again.json()["detail"].startswith(f"item {item_id} is already")
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    late = analyst.post(
        "/api/v1/triage/worklog",
        json={"item_id": item_id, "person": "DC Okafor", "hours": 1, "worked_at": future},
        headers=headers,
    )
    assert late.status_code == 422
    assert late.json() == {"detail": "give when the work was done, with a time zone, and not in the future"}


def test_triage_decisions_are_written_to_the_hash_chained_audit_log(app: FastAPI) -> None:
    """docs/security.md: every decision is in the audit log, with who, role and agency, what, which
    item and when. Triage decisions went to triage_event only. The entry names the item and its
    decision, not the rationale (free text that stays in the item's own trail)."""
    from alarmbell.audit import verify_audit
    from alarmbell.storage.tables import AuditEntry

    name = f"analyst{uuid.uuid4().hex}"
    cookie = sign_in(app, username=name, role="mash_analyst", team=POLICE, agency="police")
    with session_scope(app.state.engine) as session:
        taken, decided = session.scalars(
            select(TriageItem.id).where(TriageItem.status == "open", TriageItem.team == POLICE).limit(2)
        ).all()
    rationale = "Strategy discussion booked with the school nurse Ms Quill."
    with TestClient(app) as client:
        client.cookies.set(SESSION_COOKIE, cookie)
        token = csrf_from(client.get(f"/triage/items/{taken}").text)
        steps = [
            client.post(f"/triage/items/{taken}/acknowledge", data={"csrf_token": token}),
            client.post(
                f"/api/v1/triage/items/{decided}/decide",
                json={"decision": "strategy_discussion", "rationale": rationale},
                headers={"X-CSRF-Token": token},
            ),
        ]
    assert [r.status_code for r in steps] == [200, 200], [r.text[:300] for r in steps]
    with session_scope(app.state.engine) as session:
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.actor == name)))
        report = verify_audit(session)
    decisions = [
        (e.action, e.actor_role, e.actor_agency, e.subject_type, e.subject_id, e.detail.get("decision"))
        for e in entries
        if e.action not in ("triage.item", "triage.queue")  # views of the item and the queue
    ]
    assert decisions == [
        ("triage.acknowledged", "mash_analyst", "police", "triage_item", str(taken), None),
        ("triage.acknowledged", "mash_analyst", "police", "triage_item", str(decided), None),
        ("triage.decided", "mash_analyst", "police", "triage_item", str(decided), "strategy_discussion"),
    ]
    assert all("Quill" not in str(e.detail) for e in entries)
    assert report.ok, report.problems


def test_a_team_managers_no_further_action_on_a_red_alert_is_a_decision_through_the_api_as_on_the_page(
    app: FastAPI,
) -> None:
    """The page passes the manager's role to `decide`; the API did not, so the same manager's
    decision was recorded only as proposed, waiting for a countersignature nobody else can give."""
    with session_scope(app.state.engine) as session:
        red = session.scalars(
            select(TriageItem).where(TriageItem.alert_level == "red", TriageItem.status != "decided")
        ).all()
    assert len(red) >= 2, "the scenario has red alerts waiting"
    decided = {}
    for item, via in zip(red[:2], ("page", "api"), strict=True):
        agency = "police" if "police" in item.team.lower() else "children_social_care"
        name = f"manager{uuid.uuid4().hex}"
        cookie = sign_in(app, username=name, role="team_manager", team=item.team, agency=agency)
        with TestClient(app) as manager:
            manager.cookies.set(SESSION_COOKIE, cookie)
            token = csrf_from(manager.get("/triage", params={"team": item.team}).text)
            reason = "Seen alone at school with the DSL; no injury; parents engaged."
            if via == "page":
                manager.post(
                    f"/triage/items/{item.id}/decide",
                    data={"csrf_token": token, "decision": "no_further_action", "rationale": reason},
                )
            else:
                response = manager.post(
                    f"/api/v1/triage/items/{item.id}/decide",
                    json={"decision": "no_further_action", "rationale": reason},
                    headers={"X-CSRF-Token": token},
                )
                assert response.status_code == 200
        with session_scope(app.state.engine) as session:
            decided[via] = session.get(TriageItem, item.id).status  # type: ignore[union-attr]
    assert decided == {"page": "decided", "api": "decided"}


def test_a_manager_whose_team_is_spelled_in_lower_case_opens_her_teams_queue(app: FastAPI) -> None:
    """Seen in the browser walk: the demo's MASH manager (team "mash") opened an empty "MASH"
    queue, "No open work", above "MASH (50 open)": the queue was looked up as "mash"."""
    cookie = sign_in(
        app, username=f"manager{uuid.uuid4().hex}", role="team_manager", team=POLICE.lower(), agency="police"
    )
    with TestClient(app) as manager:
        manager.cookies.set(SESSION_COOKIE, cookie)
        html = manager.get("/triage").text
    assert "No open work" not in html
    assert re.search(r"[1-9][0-9]* open items?:", html) and 'id="item-' in html
