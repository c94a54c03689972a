"""Decisions about a child's alerts: who may countersign an override, and what an override's
refusal shows and records.

On the demo case store of tests/access (module scope: these tests write overrides). A MASH
analyst overrides one of Leo's red alerts; the override waits for a team manager's
countersignature. Only a manager who sees the alert in full through routing may give it: a
manager who sees only their own agency's part of Leo's record cannot see the alert at all, and
break-glass never allows deciding an alert (docs/security.md).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi import FastAPI
from httpx2 import Response
from sqlalchemy import select
from starlette.testclient import TestClient

from alarmbell.audit import who_viewed
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import AlertOverride, AlertRow, TriageItem
from alarmbell.triage import load_displacement_scenario
from alarmbell.web.auth import SESSION_COOKIE
from tests.auth_support import form_token, make_user, session_token
from tests.web.conftest import DemoStore


def _client(
    app: FastAPI, store: DemoStore, role: str, agency: str | None, team: str | None
) -> tuple[TestClient, str]:
    principal = make_user(store.engine, role=role, agency=agency, team=team)
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, session_token(store.engine, principal))
    return client, principal.name


def _red_alerts(store: DemoStore) -> list[int]:
    with session_scope(store.engine) as session:
        ids = session.scalars(
            select(AlertRow.id).where(AlertRow.person_id == store.leo_id, AlertRow.level == "red")
        ).all()
    assert len(ids) >= 2, "the demo case has red alerts for Leo"
    return list(ids)


def _post_override(client: TestClient, person: int, alert: int, reason: str) -> Response:
    """Post the person page's override form for one alert, with its CSRF token."""
    return client.post(
        f"/people/{person}/alerts/{alert}/override",
        data={"reason": reason, "csrf_token": form_token(client)},
        follow_redirects=False,
    )


def _override(store: DemoStore, alert_id: int) -> AlertOverride:
    with session_scope(store.engine) as session:
        row = session.scalars(select(AlertOverride).where(AlertOverride.alert_id == alert_id)).one()
        session.expunge(row)
        return row


def test_only_a_manager_who_sees_the_alert_may_countersign_its_override(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    leo, alert = access_store.leo_id, _red_alerts(access_store)[0]
    analyst, _ = _client(access_app, access_store, "mash_analyst", "children_social_care", "mash")
    with analyst:
        done = _post_override(analyst, leo, alert, "known accidental injury")
    assert done.status_code == 303 and _override(access_store, alert).countersigned_at is None
    countersign = f"/people/{leo}/alerts/{alert}/countersign"

    own_agency, _ = _client(access_app, access_store, "team_manager", "health", "health-visiting")
    with own_agency:
        page = own_agency.get(f"/people/{leo}")
        assert "only your own agency" in page.text and "Countersign override" not in page.text
        refused = own_agency.post(
            countersign, data={"csrf_token": form_token(own_agency)}, follow_redirects=False
        )
    assert refused.status_code == 403
    assert _override(access_store, alert).countersigned_at is None

    glass, _ = _client(access_app, access_store, "team_manager", "health", "health-visiting")
    with glass:
        token = form_token(glass)
        reason = {"reason": "child in A&E now, need history", "csrf_token": token}
        assert (
            glass.post(f"/people/{leo}/break-glass", data=reason, follow_redirects=False).status_code == 303
        )
        page = glass.get(f"/people/{leo}")
        assert "break-glass" in page.text.lower() and "Countersign override" not in page.text
        refused = glass.post(countersign, data={"csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 403
    assert _override(access_store, alert).countersigned_at is None

    routed, routed_name = _client(access_app, access_store, "team_manager", "health", "mash")
    with routed:
        assert "Countersign override" in routed.get(f"/people/{leo}").text
        signed = routed.post(countersign, data={"csrf_token": form_token(routed)}, follow_redirects=False)
    assert signed.status_code == 303
    assert _override(access_store, alert).countersigned_by == routed_name


def test_an_override_refused_for_its_reason_audits_the_page_it_shows(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    leo, alert = access_store.leo_id, _red_alerts(access_store)[-1]
    analyst, name = _client(access_app, access_store, "mash_analyst", "children_social_care", "mash")
    with analyst:
        refused = _post_override(analyst, leo, alert, " ")
    assert refused.status_code == 400
    assert "Leo Brennan" in refused.text and "Enter why this alert does not call for action" in refused.text
    with session_scope(access_store.engine) as session:
        seen = [v for v in who_viewed(session, [leo], include_lists=False) if v.actor == name]
    assert [v.action for v in seen] == ["person.view"]
    assert seen[0].detail["route"] == "/people/{person}/alerts/{alert}/override"


def test_the_override_form_is_drawn_only_for_those_who_may_override(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    """No form on the page ends in a refusal: a reviewer of the closed case and a manager under
    break-glass read Leo's alerts but may not override them, so they get no override form."""
    leo = access_store.leo_id
    form = re.compile(rf'action="/people/{leo}/alerts/[0-9]+/override"')
    analyst, _ = _client(access_app, access_store, "mash_analyst", "children_social_care", "mash")
    with analyst:
        assert form.search(analyst.get(f"/people/{leo}").text)
    reviewer, _ = _client(access_app, access_store, "reviewer", None, None)
    glass, _ = _client(access_app, access_store, "team_manager", "police", "neighbourhood")
    with reviewer, glass:
        reason = {"reason": "child in custody suite now", "csrf_token": form_token(glass)}
        assert (
            glass.post(f"/people/{leo}/break-glass", data=reason, follow_redirects=False).status_code == 303
        )
        for client in (reviewer, glass):
            page = client.get(f"/people/{leo}")
            assert page.status_code == 200 and 'id="alert-' in page.text
            assert not form.search(page.text)


def test_opening_a_triage_item_about_a_child_is_audited_as_a_view_of_them(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    """A work item names the child and shows the alert, the decision and its rationale: "who
    viewed my child's record" (and a subject access request) must list its readers, as it lists
    the readers of the person page."""
    with session_scope(access_store.engine) as session:
        load_displacement_scenario(session, now=datetime.now(UTC))
        item = session.scalars(
            select(TriageItem.id).where(TriageItem.person_id == access_store.leo_id).order_by(TriageItem.id)
        ).first()
    assert item is not None, "the scenario's red alerts name the store's red child"
    analyst, name = _client(access_app, access_store, "mash_analyst", "children_social_care", "mash")
    with analyst:
        assert analyst.get(f"/triage/items/{item}").status_code == 200
        assert analyst.get(f"/api/v1/triage/items/{item}").status_code == 200
    with session_scope(access_store.engine) as session:
        seen = [v for v in who_viewed(session, [access_store.leo_id], include_lists=False) if v.actor == name]
    assert [(v.action, v.detail["item"]) for v in seen] == [("triage.item", item), ("triage.item", item)]
