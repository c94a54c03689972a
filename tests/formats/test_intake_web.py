"""The record-a-concern form and POST /api/v1/records, on a real store, through the ingest service."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.settings import Settings
from alarmbell.web.app import create_app
from tests.auth_support import sign_in

from .conftest import DOC_SAMPLES, events, ingest, people

HEALTH_TOKEN = "health-token-0123456789"
POLICE_TOKEN = "police-token-0123456789"


@pytest.fixture
def app(store_settings: Settings) -> Iterator[FastAPI]:
    settings = store_settings.model_copy(
        update={"api_tokens": {HEALTH_TOKEN: "health", POLICE_TOKEN: "police"}}
    )
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        sign_in(test_client, role="mash_analyst")
        yield test_client


def _person(source_id: str, **extra: Any) -> dict[str, Any]:
    return {"type": "person", "source_id": source_id, "given_name": "Tia", "family_name": "Price",
            "dob": "2016-11-22", "sex": "F", **extra}  # fmt: skip


def _event(source_id: str, person: str, **extra: Any) -> dict[str, Any]:
    return {"type": "event", "source_id": source_id, "kind": "gp_consultation",
            "occurred_at": "2024-02-01", "subjects": [person], **extra}  # fmt: skip


def _post(client: TestClient, body: Any, token: str = HEALTH_TOKEN) -> Any:
    return client.post("/api/v1/records", json=body, headers={"Authorization": f"Bearer {token}"})


def test_api_batch_accepts_good_records_and_reports_bad_ones(client: TestClient, app: FastAPI) -> None:
    batch = [
        _person("P1"),
        _event("E1", "P1"),
        _event("E2", "P1", occurred_at="1st Feb"),
        _event("E3", "P1", agency="police"),
    ]
    response = _post(client, batch)
    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["rejected"], body["unchanged"]) == (2, 2, 0)
    assert body["errors"] == [
        {"index": 2, "line": 3, "field": "occurred_at",
         "problem": "'1st Feb' is not a valid ISO date (expected YYYY-MM-DD or an ISO 8601 date-time)"},
        {"index": 3, "line": 4, "field": "agency", "problem": (
                "'police' is not the agency this upload is for (health: the --agency option, or the "
                "agency of the API token) (expected records of health only)"
            ),
        },
    ]  # fmt: skip
    again = _post(client, batch[:2]).json()
    assert (again["accepted"], again["unchanged"]) == (0, 2)
    assert events(app.state.engine)["E1"]["agency"] == "health"


def test_api_reads_codes_in_another_case_or_spacing_and_says_so(client: TestClient, app: FastAPI) -> None:
    batch = [
        _person("P1", agency="Health", sex="f", role_hint="Child"),
        _event(
            "E1", "P1", kind="ED attendance", attrs={"injuries": [{"site": "head", "injury": "Head injury"}]}
        ),
        _event("E2", "P1", kind="GP-Consultation", attrs={"injury": "dog bite"}),
    ]
    body = _post(client, batch).json()
    assert (body["accepted"], body["rejected"]) == (2, 1)
    assert body["warnings"] == [
        {"index": 0, "line": 1, "field": "agency", "problem": "read 'Health' as 'health'"},
        {"index": 0, "line": 1, "field": "sex", "problem": "read 'f' as 'F'"},
        {"index": 0, "line": 1, "field": "role_hint", "problem": "read 'Child' as 'child'"},
        {"index": 1, "line": 2, "field": "kind", "problem": "read 'ED attendance' as 'ed_attendance'"},
        {"index": 1, "line": 2, "field": "attrs.injuries",
         "problem": "item 1, injury: read 'Head injury' as 'head_injury'"},
    ]  # fmt: skip
    assert [e["field"] for e in body["errors"]] == ["attrs.injury"]  # `dog bite` is no injury type
    assert body["errors"][0]["problem"].startswith("'dog bite' is not allowed (expected one of fracture")
    stored = events(app.state.engine)["E1"]
    assert (stored["kind"], stored["attrs"]["injuries"][0]["injury"]) == ("ed_attendance", "head_injury")
    assert (people(app.state.engine)["P1"]["sex"], people(app.state.engine)["P1"]["role_hint"]) == (
        "F",
        "child",
    )
    again = _post(client, batch[:2]).json()
    assert (again["accepted"], again["unchanged"]) == (0, 2)


def test_api_takes_one_record_or_json_lines(client: TestClient) -> None:
    assert _post(client, _person("P2")).json()["accepted"] == 1
    lines = b'{"type": "person", "source_id": "P3", "upn": "E999201500103"}\n\n{"type": "event"}\n'
    response = client.post(
        "/api/v1/records",
        content=lines,
        headers={"Authorization": f"Bearer {HEALTH_TOKEN}", "Content-Type": "application/x-ndjson"},
    )
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (1, 1)
    assert body["errors"][0]["index"] == 1


def test_api_needs_a_known_token_and_json(client: TestClient) -> None:
    assert client.post("/api/v1/records", json=[_person("P1")]).status_code == 401
    bad = _post(client, [_person("P1")], token="not-a-real-token-at-all")
    assert (bad.status_code, bad.json()["detail"]) == (401, "The API token is not recognised.")
    assert bad.headers["www-authenticate"] == "Bearer"
    broken = client.post(
        "/api/v1/records", content=b"[{", headers={"Authorization": f"Bearer {HEALTH_TOKEN}"}
    )
    assert broken.status_code == 400 and broken.json()["detail"].startswith("invalid JSON")


def test_api_off_without_tokens(store_settings: Settings) -> None:
    application = create_app(store_settings)
    with TestClient(application) as plain:
        response = plain.post("/api/v1/records", json=[_person("P1")], headers={"Authorization": "Bearer x"})
    application.state.engine.dispose()
    assert response.status_code == 401 and "off" in response.json()["detail"]


def _form(client: TestClient, query: str = "") -> tuple[str, str]:
    page = client.get("/record-concern" + query)
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    submission = re.search(r'name="submission_id" value="([^"]+)"', page.text)
    assert token and submission
    return token.group(1), submission.group(1)


def _concern(token: str, submission: str, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "submission_id": submission,
        "agency": "education",
        "kind": "injury_observed",
        "occurred-day": "18",
        "occurred-month": "3",
        "occurred-year": "2024",
        "category": "injury",
        "injury-1-site": "left_ear",
        "injury-1-type": "bruise",
        "text": "Bruise behind left ear.",
        "author": "Class teacher",
        **fields,
    }


def test_form_records_a_concern_for_an_existing_child(client: TestClient, app: FastAPI) -> None:
    ingest(app.state.engine, DOC_SAMPLES / "health-bundle.json")
    from alarmbell.identity import link_people
    from alarmbell.storage.db import session_scope

    with session_scope(app.state.engine) as session:
        link_people(session)
    page = client.get("/record-concern?q=Alfie")
    found = re.search(r'name="person" type="radio" value="(\d+)"', page.text)
    assert found, page.text
    token, submission = _form(client, "?q=Alfie")
    response = client.post(
        "/record-concern", data=_concern(token, submission, person=found.group(1)), follow_redirects=False
    )
    assert response.status_code == 303, response.text
    assert (
        response.headers["location"] == f"/record-concern/recorded?person={found.group(1)}&ref={submission}"
    )
    event = events(app.state.engine)[f"web:{submission.partition('.')[0]}"]  # the id, without its signature
    assert event["attrs"] == {
        "category": "injury",
        "injury": "bruise",
        "site": "left_ear",
        "sites": ["left_ear"],
        "bruise_sites": ["left_ear"],
        "injuries": [{"site": "left_ear", "injury": "bruise"}],
        "channel": "web_form",
    }
    copied = people(app.state.engine)[event["subjects"][0]]
    assert (copied["agency"], copied["nhs_number"]) == ("education", "9993456780")
    timeline = client.get(f"/people/{found.group(1)}")
    assert "Bruise behind left ear." in timeline.text and "Bruise: Left ear" in timeline.text


def test_form_new_child_and_resubmission_is_idempotent(client: TestClient, app: FastAPI) -> None:
    token, submission = _form(client)
    data = _concern(
        token,
        submission,
        person="new",
        given_name="Kayden",
        family_name="Rowe",
        **{"dob-day": "9", "dob-month": "3", "dob-year": "2015"},
    )
    first = client.post("/record-concern", data=data, follow_redirects=False)
    assert first.status_code == 303
    second = client.post("/record-concern", data=data, follow_redirects=False)
    assert second.headers["location"] == first.headers["location"]
    assert len([k for k in events(app.state.engine) if k.startswith("web:")]) == 1


def test_form_errors_are_shown_govuk_style(client: TestClient) -> None:
    token, submission = _form(client)
    data = _concern(
        token, submission, person="new", given_name="", **{"occurred-day": "31", "occurred-month": "2"}
    )
    response = client.post("/record-concern", data=data)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert '<a href="#occurred-day">Date of the concern must be a real date</a>' in response.text
    assert '<a href="#given_name">Enter the child&#39;s first name</a>' in response.text


def test_form_without_the_csrf_token_is_refused(client: TestClient) -> None:
    _form(client)
    response = client.post("/record-concern", data=_concern("forged", "abc", person="new"))
    assert response.status_code == 403
    fresh = TestClient(client.app)
    assert fresh.post("/record-concern", data=_concern("", "abc", person="new")).status_code == 403


def test_form_page_has_the_body_map_and_no_inline_script(client: TestClient) -> None:
    page = client.get("/record-concern").text
    assert 'src="/static/body-map.js"' in page
    assert "<script>" not in page and "style=" not in page and "onclick" not in page
    assert page.count('class="app-body-map__region"') == 29
    assert '<option value="left_ear">Left ear</option>' in page
    assert '<select class="govuk-select" id="injury-1-type" name="injury-1-type" data-injury-type>' in page
    assert client.get("/static/body-map.js").status_code == 200


def _post_raw(client: TestClient, body: bytes, content_type: str = "application/json") -> Any:
    headers = {"Authorization": f"Bearer {HEALTH_TOKEN}", "Content-Type": content_type}
    return client.post("/api/v1/records", content=body, headers=headers)


@pytest.mark.parametrize("depth", [300, 1000])
def test_api_refuses_deep_nesting_per_record_and_keeps_the_rest(client: TestClient, depth: int) -> None:
    """Issue 19 defect 6: a record nested past 254 levels was a 500 for the whole call."""
    deep = b"[" * depth + b"]" * depth
    bad = orjson.dumps(_event("E2", "P1", attrs={"x": 1})).replace(b'"x":1', b'"x":' + deep)
    body = b"[" + b",".join([orjson.dumps(_person("P1")), bad, orjson.dumps(_event("E1", "P1"))]) + b"]"
    response = _post_raw(client, body)
    assert response.status_code == 200
    result = response.json()
    assert (result["accepted"], result["rejected"]) == (2, 1)
    [error] = result["errors"]
    assert (error["index"], error["field"]) == (1, "attrs.x")
    assert error["problem"].endswith("(expected at most 16 levels of nesting)")


@pytest.mark.parametrize("content_type", ["application/json", "application/x-ndjson"])
def test_api_refuses_a_repeated_key(client: TestClient, content_type: str) -> None:
    """Issue 19 defect 10: the last of two values won silently."""
    twice = b'{"type": "person", "source_id": "P2", "given_name": "Tia", "family_name": "Price", '
    twice += b'"family_name": "Stone"}'
    good = orjson.dumps(_person("P1"))
    if content_type == "application/json":
        body = b"[" + good + b", " + twice + b"]"
    else:
        body = good + b"\n\n" + twice + b"\n"
    result = _post_raw(client, body, content_type).json()
    assert (result["accepted"], result["rejected"]) == (1, 1)
    assert result["errors"] == [
        {"index": 1, "line": 2, "field": "family_name",
         "problem": "appears twice in one object (expected each key once)"},
    ]  # fmt: skip


def test_api_refuses_a_nul_in_a_name(client: TestClient) -> None:
    result = _post(client, [_person("P1"), _person("P2", given_name="T\u0000ia")]).json()
    assert (result["accepted"], result["rejected"]) == (1, 1)
    assert result["errors"][0]["field"] == "given_name"


def _audited(app: FastAPI, action: str) -> list[tuple[str, str | None, str | None, dict[str, Any]]]:
    from sqlalchemy import select

    from alarmbell.storage.tables import AuditEntry

    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
    with app.state.engine.connect() as connection:
        return [(e.actor, e.actor_role, e.actor_agency, e.detail) for e in connection.execute(query)]


def test_each_intake_over_http_is_one_audit_entry_by_its_token_or_user(
    client: TestClient, app: FastAPI
) -> None:
    """A batch sent to the API is audited as its token (with the token's agency), a concern
    recorded with the form as the signed-in user; counts, batch and source only."""
    from alarmbell.audit import verify_audit
    from alarmbell.storage.db import session_scope

    response = _post(client, [_person("P1"), _event("E1", "P1"), _event("E2", "P1", occurred_at="1st Feb")])
    token, submission = _form(client)
    names = {
        "given_name": "Kayden",
        "family_name": "Rowe",
        **{"dob-day": "9", "dob-month": "3", "dob-year": "2015"},
    }
    form = client.post(
        "/record-concern", data=_concern(token, submission, person="new", **names), follow_redirects=False
    )
    assert (response.status_code, form.status_code) == (200, 303)

    api, web = _audited(app, "ingest.batch")
    [(user, role, *_)] = _audited(app, "concern.record")
    assert api[:3] == ("token:settings", "token", "health")
    assert api[3] == {
        "batch": response.json()["batch_id"], "source": "api:health", "accepted": 2, "rejected": 1,
        "unchanged": 0, "held": 0, "warnings": 0,
    }  # fmt: skip
    assert web[:2] == (user, role) and role == "mash_analyst"
    assert (web[3]["source"], web[3]["accepted"]) == ("web form", 2)
    assert not any(word in str(api[3]) + str(web[3]) for word in ("Tia", "Price", "Kayden", "Bruise"))
    with session_scope(app.state.engine) as session:
        assert verify_audit(session).ok


def test_form_needs_what_happened_and_says_so_in_the_error_summary(client: TestClient, app: FastAPI) -> None:
    """Before session 17 "What happened?" could be left empty: a concern with no words in it."""
    token, submission = _form(client)
    data = _concern(token, submission, person="new", given_name="Kayden", family_name="Rowe", text="  ")
    response = client.post("/record-concern", data=data)
    assert response.status_code == 400
    assert '<a href="#text">Enter what happened</a>' in response.text
    assert 'id="text-error"' in response.text and "govuk-textarea--error" in response.text
    assert not [k for k in events(app.state.engine) if k.startswith("web:")]


def test_form_stores_when_the_concern_was_recorded_apart_from_when_it_happened(
    client: TestClient, app: FastAPI
) -> None:
    """Before session 17 the recorded date was stored equal to the occurred date (18 March 2024)."""
    token, submission = _form(client)
    data = _concern(
        token,
        submission,
        person="new",
        given_name="Kayden",
        family_name="Rowe",
        **{"dob-day": "9", "dob-month": "3", "dob-year": "2015"},
    )
    before = datetime.now(UTC).replace(microsecond=0)
    first = client.post("/record-concern", data=data, follow_redirects=False)
    after = datetime.now(UTC)
    assert first.status_code == 303, first.text
    key = f"web:{submission.partition('.')[0]}"
    stored = events(app.state.engine)[key]
    assert stored["occurred_at"] == "2024-03-18"
    assert before <= datetime.fromisoformat(stored["recorded_at"]) <= after
    person = re.search(r"person=(\d+)", first.headers["location"])
    assert person
    chronology = client.get(f"/api/v1/people/{person.group(1)}/chronology").json()
    concern = next(e for e in chronology["entries"] if e["source_id"] == key)
    assert concern["occurred_at"].startswith("2024-03-18")
    assert datetime.fromisoformat(concern["recorded_at"]).date() == before.date()
    page = client.get(f"/people/{person.group(1)}").text
    assert f'data-label="Recorded"><time datetime="{before.date().isoformat()}">' in page
    # Sending the same form again keeps its first recorded moment: nothing is stored twice.
    again = client.post("/record-concern", data=data, follow_redirects=False)
    assert again.headers["location"] == first.headers["location"]
    assert events(app.state.engine)[key]["recorded_at"] == stored["recorded_at"]
