"""A web form's agency and code values in another case or spacing (`Education`, `School concern`)
are the vocabulary's own, as intake reads them in a file; an unknown agency is named with the
agencies to choose from. Over HTTP, through the real app, on a real store."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from alarmbell.storage.tables import AppUser, EventRecordRow
from tests.auth_support import form_token, sign_in


def _concern(client: TestClient, **fields: str) -> Any:
    page = client.get("/record-concern")
    assert page.status_code == 200, page.text
    found = re.search(r'name="submission_id" value="([^"]+)"', page.text)
    assert found
    data = {
        "csrf_token": form_token(client),
        "submission_id": found.group(1),
        "person": "new",
        "given_name": "Kayden",
        "family_name": "Rowe",
        "dob-day": "9",
        "dob-month": "3",
        "dob-year": "2015",
        "occurred-day": "18",
        "occurred-month": "6",
        "occurred-year": "2024",
        "text": "Came to school with a bruise.",
        **fields,
    }
    return client.post("/record-concern", data=data, follow_redirects=False)


def _events(engine: Engine) -> list[tuple[str, str, dict[str, Any]]]:
    with engine.connect() as connection:
        rows = connection.execute(select(EventRecordRow.agency, EventRecordRow.kind, EventRecordRow.payload))
        return [(agency, kind, payload) for agency, kind, payload in rows]


def test_the_concern_form_reads_typed_codes_as_the_vocabularys(empty_app: FastAPI) -> None:
    with TestClient(empty_app) as client:
        sign_in(client, role="mash_analyst")
        fields = {"injury-1-site": "Left Ear", "injury-1-type": "BRUISE"}
        response = _concern(client, agency="Education", kind="School Concern", sex="f", **fields)
    assert response.status_code == 303, response.text
    [(agency, kind, payload)] = _events(empty_app.state.engine)
    assert (agency, kind) == ("education", "school_concern")
    assert payload["attrs"]["injuries"] == [{"site": "left_ear", "injury": "bruise"}]


def test_a_practitioner_may_record_for_their_own_agency_however_it_is_written(empty_app: FastAPI) -> None:
    with TestClient(empty_app) as client:
        sign_in(client, role="practitioner", agency="health")
        response = _concern(client, agency="HEALTH", kind="health_visitor_contact")
    assert response.status_code == 303, response.text
    assert [agency for agency, _, _ in _events(empty_app.state.engine)] == ["health"]


def test_an_unknown_agency_on_the_form_lists_the_agencies(empty_app: FastAPI) -> None:
    with TestClient(empty_app) as client:
        sign_in(client, role="mash_analyst")
        response = _concern(client, agency="Polise", kind="school_concern")
    assert response.status_code == 400
    text = " ".join(response.text.split())
    assert "Select the agency you are recording for: &#39;Polise&#39; is not one of" in text
    assert "police, health, education, children_social_care, housing, probation, other" in text
    assert _events(empty_app.state.engine) == []


def test_the_user_form_reads_a_typed_agency_as_the_vocabularys(empty_app: FastAPI) -> None:
    with TestClient(empty_app) as client:
        sign_in(client, role="admin")
        data = {"csrf_token": form_token(client), "username": "hv-lee", "role": "practitioner"}
        response = client.post("/admin/users", data={**data, "agency": "Health"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    with empty_app.state.engine.connect() as connection:
        stored = connection.execute(select(AppUser.agency).where(AppUser.username == "hv-lee")).scalar_one()
    assert stored == "health"
