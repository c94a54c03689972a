"""The JSON API answers a decision someone recorded first with 409, as every other conflict.

`POST /api/v1/triage/items/{id}/decide` caught every refusal and answered 422, so a client
could not tell "your request is wrong" (fix it and send again) from "someone decided this
first" (read the item: sending again would never succeed), as the error table intends.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.storage.db import session_scope
from tests.auth_support import form_token, sign_in
from tests.triage.conftest import add, alert_item

WHY = "Injury explained by nursery accident form; seen alone, no concerns."


def test_a_second_decision_is_a_conflict_and_a_missing_reason_is_invalid(empty_app: FastAPI) -> None:
    with session_scope(empty_app.state.engine) as session:
        red = add(session, alert_item("red", datetime.now(UTC) - timedelta(hours=1)))
    with TestClient(empty_app) as analyst:
        sign_in(analyst, role="mash_analyst", agency="children_social_care", team="MASH")
        headers = {"X-CSRF-Token": form_token(analyst)}
        url = f"/api/v1/triage/items/{red}/decide"
        blank = analyst.post(url, json={"decision": "no_further_action", "rationale": " "}, headers=headers)
        assert blank.status_code == 422 and "needs a reason" in blank.json()["detail"]
        proposed = analyst.post(
            url, json={"decision": "no_further_action", "rationale": WHY}, headers=headers
        )
        assert proposed.status_code == 200 and proposed.json()["status"] == "awaiting_countersignature"
        again = analyst.post(url, json={"decision": "action_taken", "rationale": "Visited."}, headers=headers)
        assert again.status_code == 409
        assert "awaiting a team manager's countersignature" in again.json()["detail"]
