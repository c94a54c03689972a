"""Person data behind every route: the review, the record-a-concern form, and who wrote a concern.

Regression tests for issue 19, defects 3, 4 and 9, on the demo case store of tests/access. A
health practitioner or manager in a team no alert is routed to sees only health's records about
Leo (who also has police, education and children's social care records), and nothing of people
health holds no records about.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from starlette.requests import Request
from starlette.testclient import TestClient

from alarmbell.access.policy import Decision, Principal, Scope
from alarmbell.audit import entries_for, who_viewed
from alarmbell.identity import view
from alarmbell.presentation import long_date
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import EventRecordRow, PersonRecordRow
from alarmbell.web.auth import SESSION_COOKIE, AccessDenied
from alarmbell.web.pages.person import build_person_page
from alarmbell.web.scoping import scoped_person_page
from tests.auth_support import form_token, make_user, session_token
from tests.web.conftest import DemoStore

from .conftest import person_without


def _signed_in(app: FastAPI, store: DemoStore, role: str, agency: str | None, team: str | None) -> TestClient:
    principal = make_user(store.engine, role=role, agency=agency, team=team)
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, session_token(store.engine, principal))
    return client


@pytest.fixture
def health_practitioner(access_app: FastAPI, access_store: DemoStore) -> Iterator[TestClient]:
    with _signed_in(access_app, access_store, "practitioner", "health", "health-visiting") as client:
        yield client


def _other_agency_texts(store: DemoStore, agency: str) -> list[str]:
    """The free texts of Leo's records from agencies other than `agency` (what must not leak)."""
    with session_scope(store.engine) as session:
        page = build_person_page(session, store.leo_id, now=datetime.now(UTC), rule_titles={})
    assert page is not None
    texts = [row.text for row in page.chronology if row.agency != agency and len(row.text) > 20]
    assert texts, "the demo case has other agencies' texts about Leo"
    return texts


# --- defect 3: the review and the own-agency limit ---------------------------------------------


def test_an_own_agency_manager_gets_no_multi_agency_review(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    leaked = _other_agency_texts(access_store, "health")
    with _signed_in(access_app, access_store, "team_manager", "health", "health-visiting") as manager:
        page = manager.get(f"/people/{access_store.leo_id}")
        assert page.status_code == 200 and "only your own agency" in page.text
        for suffix in ("/review", "/review.md", "/review.pdf"):
            response = manager.get(f"/people/{access_store.leo_id}{suffix}")
            assert response.status_code == 403, suffix
            assert not [text for text in leaked if text in response.text], suffix


def test_a_manager_the_alert_is_routed_to_reads_the_whole_review(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    with _signed_in(access_app, access_store, "team_manager", "health", "mash") as manager:
        response = manager.get(f"/people/{access_store.leo_id}/review")
    assert response.status_code == 200
    assert any(text in response.text for text in _other_agency_texts(access_store, "health"))


def test_an_own_agency_page_dates_the_age_by_that_agencys_records(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    """ "19 today (4 at the last recorded event, <date>)": for a viewer of one agency's part the
    last recorded event is their agency's, not the date another agency last recorded something."""
    with session_scope(access_store.engine) as session:
        page = build_person_page(session, access_store.leo_id, now=datetime.now(UTC), rule_titles={})
    assert page is not None
    last = {row.agency: row.occurred_at.date() for row in page.chronology}
    assert last["health"] > last["police"], "the demo case: health recorded Leo's last event"
    with _signed_in(access_app, access_store, "practitioner", "police", "neighbourhood") as police:
        shown = police.get(f"/people/{access_store.leo_id}")
    assert shown.status_code == 200 and "only your own agency" in shown.text
    assert long_date(last["health"]) not in shown.text
    assert f"at the last recorded event, {long_date(last['police'])}" in shown.text


def test_person_scoping_fails_closed_without_a_decision(access_app: FastAPI, access_store: DemoStore) -> None:
    with session_scope(access_store.engine) as session:
        page = build_person_page(session, access_store.leo_id, now=datetime.now(UTC), rule_titles={})
        assert page is not None
        request = Request({"type": "http", "app": access_app, "headers": [], "state": {}})
        with pytest.raises(AccessDenied):
            scoped_person_page(request, session, page)
        request.state.principal = Principal("user", 1, "x", None)
        with pytest.raises(AccessDenied):
            scoped_person_page(request, session, page)
        request.state.person_id = access_store.leo_id
        request.state.decision = Decision(False, "refused")
        with pytest.raises(AccessDenied):
            scoped_person_page(request, session, page)
        request.state.decision = Decision(True, "allowed", Scope.FULL)
        request.state.person_id = access_store.leo_id + 1
        with pytest.raises(AccessDenied, match="about someone else"):
            scoped_person_page(request, session, page)


def _found(client: TestClient, q: str) -> set[int]:
    response = client.get("/api/v1/people", params={"q": q})
    assert response.status_code == 200
    return {result["person_id"] for result in response.json()["results"]}


def test_an_own_agency_search_does_not_match_other_agencies_names(
    access_app: FastAPI, access_store: DemoStore, health_practitioner: TestClient
) -> None:
    """Education recorded Leo as "Brennna" (health: "Brennan"), police Zofia as "Brnenan": a
    health practitioner who sees only health's part of them must not find them by those names,
    which would tell them what education and the police hold (an alias, a changed surname)."""
    with session_scope(access_store.engine) as session:
        names = {
            (row.agency, row.given_name, row.family_name)
            for row in session.scalars(
                select(PersonRecordRow).where(PersonRecordRow.given_name.in_(["Leo", "Zofia"]))
            )
        }
    assert ("education", "Leo", "Brennna") in names and ("police", "Zofia", "Brnenan") in names
    leo = access_store.leo_id
    assert leo in _found(health_practitioner, "leo brennan")
    assert leo not in _found(health_practitioner, "leo brennna")
    assert not _found(health_practitioner, "zofia brnenan")
    page = health_practitioner.get("/people", params={"q": "leo brennna"})
    assert page.status_code == 200 and f"/people/{leo}" not in page.text
    assert f"/people/{leo}" in health_practitioner.get("/people", params={"q": "leo brennan"}).text
    with _signed_in(access_app, access_store, "mash_analyst", "children_social_care", "mash") as analyst:
        assert leo in _found(analyst, "leo brennna") and _found(analyst, "zofia brnenan")


# --- defect 4: /record-concern and people outside the user's scope -----------------------------


def _identity(store: DemoStore, person_id: int) -> tuple[str, str]:
    with session_scope(store.engine) as session:
        person = view(session, person_id)
    assert person is not None and person.dob is not None
    return person.display_name, person.dob.isoformat()


def test_the_form_does_not_show_a_person_the_user_may_not_open(
    health_practitioner: TestClient, access_store: DemoStore
) -> None:
    other = person_without(access_store, "health")
    name, _ = _identity(access_store, other)
    assert health_practitioner.get(f"/people/{other}").status_code == 403
    response = health_practitioner.get(f"/record-concern?person={other}")
    assert response.status_code == 403
    assert name not in response.text
    with session_scope(access_store.engine) as session:
        denials = [
            e for e in entries_for(session, action_prefix="access.denied") if e.subject_id == str(other)
        ]
    assert any(e.detail["route"] == "/record-concern" for e in denials)


def test_the_form_search_lists_only_people_the_user_may_open(
    health_practitioner: TestClient, access_store: DemoStore
) -> None:
    other = person_without(access_store, "health")
    name, _ = _identity(access_store, other)
    family = name.split()[-1]
    shown = health_practitioner.get("/record-concern", params={"q": family}).text
    assert f'value="{other}"' not in shown
    search = health_practitioner.get("/api/v1/people", params={"q": family}).json()
    assert other not in [r["person_id"] for r in search["results"]]


def test_a_concern_cannot_open_a_person_outside_the_users_scope(
    health_practitioner: TestClient, access_store: DemoStore
) -> None:
    other = person_without(access_store, "health")
    data = {
        "csrf_token": form_token(health_practitioner),
        "person": str(other),
        "agency": "health",
        "kind": "gp_consultation",
        "occurred-day": "3",
        "occurred-month": "3",
        "occurred-year": "2024",
        "text": "Seen about a cough.",
    }
    response = health_practitioner.post("/record-concern", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert health_practitioner.get(f"/people/{other}").status_code == 403
    with session_scope(access_store.engine) as session:
        copied = session.scalars(
            select(PersonRecordRow.source_id).where(PersonRecordRow.source_id == f"web:person:{other}")
        ).all()
    assert not copied


def test_opening_the_form_for_a_person_is_audited(access_app: FastAPI, access_store: DemoStore) -> None:
    with _signed_in(access_app, access_store, "mash_analyst", "children_social_care", "mash") as analyst:
        assert analyst.get(f"/record-concern?person={access_store.leo_id}").status_code == 200
    with session_scope(access_store.engine) as session:
        seen = who_viewed(session, [access_store.leo_id], include_lists=False)
    assert any(v.action == "concern.form" for v in seen)


def test_a_concern_form_shown_again_with_its_errors_is_audited(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    """A posted form with errors comes back naming the person (name, date of birth) like the
    form itself, so it is audited like the form (`concern.form`)."""
    principal = make_user(
        access_store.engine, role="mash_analyst", agency="children_social_care", team="mash"
    )
    with TestClient(access_app) as analyst:
        analyst.cookies.set(SESSION_COOKIE, session_token(access_store.engine, principal))
        posted = {"person": str(access_store.leo_id), "csrf_token": form_token(analyst)}
        again = analyst.post("/record-concern", data=posted)
    assert again.status_code == 400 and "Leo Brennan" in again.text
    with session_scope(access_store.engine) as session:
        seen = [
            v
            for v in who_viewed(session, [access_store.leo_id], include_lists=False)
            if v.actor == principal.name
        ]
    assert [v.action for v in seen] == ["concern.form"]


# --- defect 9: the submission id, the author and the audit entry --------------------------------


def _form_submission(client: TestClient) -> str:
    page = client.get("/record-concern")
    assert page.status_code == 200
    found = re.search(r'name="submission_id" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def _new_child(client: TestClient, submission: str, text: str) -> dict[str, str]:
    return {
        "csrf_token": form_token(client),
        "submission_id": submission,
        "person": "new",
        "given_name": "Marnie",
        "family_name": "Okafor",
        "dob-day": "4",
        "dob-month": "5",
        "dob-year": "2017",
        "agency": "health",
        "kind": "gp_consultation",
        "occurred-day": "5",
        "occurred-month": "6",
        "occurred-year": "2024",
        "text": text,
    }


def _web_events(store: DemoStore) -> dict[str, dict[str, object]]:
    with session_scope(store.engine) as session:
        rows = session.execute(
            select(EventRecordRow.source_id, EventRecordRow.payload).where(
                EventRecordRow.source_id.like("web:%")
            )
        ).all()
    return {source_id: payload for source_id, payload in rows}


def test_another_user_cannot_overwrite_a_concern(access_app: FastAPI, access_store: DemoStore) -> None:
    first = _signed_in(access_app, access_store, "practitioner", "health", "health-visiting")
    second = _signed_in(access_app, access_store, "practitioner", "health", "health-visiting")
    with first, second:
        submission = _form_submission(first)
        response = first.post(
            "/record-concern", data=_new_child(first, submission, "Weight checked."), follow_redirects=False
        )
        assert response.status_code == 303
        before = _web_events(access_store)
        (mine,) = [key for key, payload in before.items() if payload.get("text") == "Weight checked."]
        shown = mine.removeprefix("web:")
        attack = _new_child(second, shown, "Overwritten by someone else.")
        assert second.post("/record-concern", data=attack, follow_redirects=False).status_code == 303
    after = _web_events(access_store)
    assert after[mine] == before[mine]
    assert len(after) == len(before) + 1


def test_a_web_concern_records_its_author_and_an_audit_entry(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    principal = make_user(access_store.engine, role="practitioner", agency="health", team="health-visiting")
    with TestClient(access_app) as client:
        client.cookies.set(SESSION_COOKIE, session_token(access_store.engine, principal))
        data = _new_child(client, _form_submission(client), "Authored concern.")
        response = client.post("/record-concern", data=data, follow_redirects=False)
        assert response.status_code == 303
        confirmation = client.get(response.headers["location"]).text
    found = re.search(r'href="/people/(\d+)#', confirmation)
    assert found, confirmation
    person_id = int(found.group(1))
    (key, payload), *_ = [
        (k, p) for k, p in _web_events(access_store).items() if p.get("text") == "Authored concern."
    ]
    assert payload["author"] == principal.name
    with session_scope(access_store.engine) as session:
        entries = [
            e for e in entries_for(session, action_prefix="concern.record") if e.actor == principal.name
        ]
    assert len(entries) == 1
    assert entries[0].subject_id == str(person_id) and entries[0].detail["event"] == key


def test_each_showing_of_a_concerns_confirmation_is_audited(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    """The confirmation page names the child (name, date of birth) and says what early warning
    did about them; its address can be opened again later, so each showing is a view of the
    child in who-viewed (`concern.confirmation`), not only the recording of the concern."""
    principal = make_user(access_store.engine, role="practitioner", agency="health", team="health-visiting")
    with TestClient(access_app) as client:
        client.cookies.set(SESSION_COOKIE, session_token(access_store.engine, principal))
        data = _new_child(client, _form_submission(client), "Confirmation audited.")
        response = client.post("/record-concern", data=data, follow_redirects=False)
        assert response.status_code == 303
        shown = [client.get(response.headers["location"]) for _ in range(2)]
    assert [page.status_code for page in shown] == [200, 200]
    found = re.search(r'href="/people/(\d+)#', shown[0].text)
    assert found
    with session_scope(access_store.engine) as session:
        seen = [
            v.action
            for v in who_viewed(session, [int(found.group(1))], include_lists=False)
            if v.actor == principal.name
        ]
    assert sorted(seen) == ["concern.confirmation", "concern.confirmation", "concern.record"]
