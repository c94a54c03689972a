"""Issue 14 item 4: the record-a-concern form as schools and health visitors use CPOMS/MyConcern.

Each test is one defect the tester measured, over HTTP on a real store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from alarmbell.audit import Actor
from alarmbell.domain.chronology import ChronologyEntry
from alarmbell.domain.injuries import injury_attrs
from alarmbell.domain.vocabulary import EVENT_KINDS
from alarmbell.identity import link_people
from alarmbell.policy.model import Condition
from alarmbell.review.render import _line
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import EventRecordRow
from alarmbell.web.app import create_app
from alarmbell.web.concern_choices import DERIVED_KINDS, KIND_LABELS, kinds_for
from alarmbell.web.intake import ingest_records
from tests.auth_support import sign_in

from .conftest import events


@pytest.fixture
def app(store_settings: Settings) -> Iterator[FastAPI]:
    application = create_app(store_settings)
    yield application
    application.state.engine.dispose()


def _client(app: FastAPI, role: str = "practitioner", agency: str | None = "health") -> TestClient:
    client = TestClient(app)
    sign_in(client, role=role, agency=agency)
    return client


def _form(client: TestClient, query: str = "") -> tuple[str, str, str]:
    page = client.get("/record-concern" + query)
    assert page.status_code == 200, page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    submission = re.search(r'name="submission_id" value="([^"]+)"', page.text)
    assert token and submission
    return token.group(1), submission.group(1), page.text


def _new_child(token: str, submission: str, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "submission_id": submission,
        "person": "new",
        "given_name": "Kayden",
        "family_name": "Rowe",
        "dob-day": "9",
        "dob-month": "3",
        "dob-year": "2021",
        "kind": "health_visitor_contact",
        "occurred-day": "18",
        "occurred-month": "6",
        "occurred-year": "2024",
        "text": "Seen at home.",
        **fields,
    }


def _record(client: TestClient, **fields: str) -> tuple[Any, dict[str, Any]]:
    token, submission, _ = _form(client)
    response = client.post(
        "/record-concern", data=_new_child(token, submission, **fields), follow_redirects=False
    )
    ident = submission.partition(".")[0]
    stored = events(client.app.state.engine).get(f"web:{ident}", {})  # type: ignore[attr-defined]
    return response, stored


# -- agency from the account ---------------------------------------------------------------------


def test_a_practitioner_sees_their_agency_as_text_and_records_for_it(app: FastAPI) -> None:
    client = _client(app, agency="health")
    _, _, page = _form(client)
    assert '<select class="govuk-select" id="agency"' not in page
    assert "Recording for <strong>Health</strong> (from your account)" in page
    response, stored = _record(client)  # no agency field posted: the account's is used
    assert response.status_code == 303, response.text
    assert stored["agency"] == "health"


def test_the_server_still_refuses_another_agency(app: FastAPI) -> None:
    client = _client(app, agency="health")
    response, stored = _record(client, agency="police", kind="other")
    assert response.status_code == 400
    assert "You may only record concerns for your own agency (Health)" in response.text
    assert stored == {}


def test_a_mash_analyst_chooses_the_agency(app: FastAPI) -> None:
    client = _client(app, role="mash_analyst", agency=None)
    _, _, page = _form(client)
    assert '<select class="govuk-select" id="agency" name="agency"' in page
    response, stored = _record(client, agency="education", kind="school_concern")
    assert response.status_code == 303, response.text
    assert stored["agency"] == "education"


# -- kinds by agency -----------------------------------------------------------------------------


def test_a_health_user_is_offered_health_kinds_in_plain_words_and_never_arrest(app: FastAPI) -> None:
    client = _client(app, agency="health")
    _, _, page = _form(client)
    assert 'value="arrest"' not in page and 'value="school_concern"' not in page
    assert '<option value="health_visitor_contact">Health visitor contact</option>' in page
    assert '<option value="ed_attendance">Attended A&amp;E (emergency department)</option>' in page
    kinds = page[page.index('id="kind"') : page.index("</select>", page.index('id="kind"'))]
    assert 10 < kinds.count("<option value=") < 25  # was more than 50
    assert not re.search(r">[a-z]+_[a-z_]+<", page)  # no raw code as an option's text
    response, stored = _record(client, kind="arrest")
    assert response.status_code == 400
    assert "Select a kind of concern Health records: ‘Arrest’ is not one of them" in response.text
    assert stored == {}


def test_every_recordable_kind_has_a_group_and_a_plain_label() -> None:
    assert set(KIND_LABELS) == set(EVENT_KINDS) - DERIVED_KINDS
    health = {kind for _, kinds in kinds_for("health") for kind, _ in kinds}
    assert "arrest" not in health and {"health_visitor_contact", "neighbour_report"} <= health


def test_a_health_visitor_can_record_what_the_child_told_them(app: FastAPI) -> None:
    """Known from the last walk: a child may disclose to a health visitor, but only schools were
    offered "The child told me something"."""
    client = _client(app, agency="health")
    _, _, page = _form(client)
    assert '<option value="disclosure">The child told me something (disclosure)</option>' in page
    response, stored = _record(client, kind="disclosure")
    assert response.status_code == 303, response.text
    assert stored["kind"] == "disclosure"


# -- date and time -------------------------------------------------------------------------------


def test_time_of_day_is_stored_as_london_local_time(app: FastAPI) -> None:
    client = _client(app, agency="health")
    response, stored = _record(client, **{"occurred-time": "14:30"})
    assert response.status_code == 303, response.text
    assert stored["occurred_at"] == "2024-06-18T14:30"
    with session_scope(app.state.engine) as session:
        row = session.scalars(select(EventRecordRow).where(EventRecordRow.source_id.like("web:%"))).one()
        assert row.occurred_at.replace(tzinfo=UTC) == datetime(2024, 6, 18, 13, 30, tzinfo=UTC)  # BST


def test_a_time_that_is_not_a_time_is_a_govuk_error(app: FastAPI) -> None:
    client = _client(app, agency="health")
    response, stored = _record(client, **{"occurred-time": "25:10"})
    assert response.status_code == 400 and stored == {}
    assert (
        '<a href="#occurred-time">Time of the concern must be a real time on the 24-hour clock, '
        "for example 14:30</a>" in response.text
    )


# -- several body-map points ---------------------------------------------------------------------

INJURY_FIELDS = {
    "kind": "injury_presentation",
    "injury-1-site": "left_thigh",
    "injury-1-type": "bruise",
    "injury-2-site": "left_ear",
    "injury-2-type": "scald",
}


def test_several_body_map_points_each_with_an_injury(app: FastAPI) -> None:
    client = _client(app, agency="health")
    response, stored = _record(client, **INJURY_FIELDS)
    assert response.status_code == 303, response.text
    assert stored["attrs"]["injuries"] == [
        {"site": "left_ear", "injury": "scald"},  # the most serious first
        {"site": "left_thigh", "injury": "bruise"},
    ]
    assert (stored["attrs"]["injury"], stored["attrs"]["site"]) == ("burn", "left_ear")
    assert stored["attrs"]["sites"] == ["left_ear", "left_thigh"]


def test_the_indicators_read_every_site() -> None:
    """A worrying site in the second point counts, as it would in the first."""
    attrs = injury_attrs([("left_thigh", "bruise"), ("left_ear", "bruise")])
    assert Condition("site", "region_in", ["ten4_faces"]).holds(attrs)
    assert Condition("site", "regions_at_least", 2).holds(attrs)


def test_a_half_filled_injury_row_is_an_error(app: FastAPI) -> None:
    client = _client(app, agency="health")
    response, stored = _record(client, **{"injury-1-site": "neck"})
    assert response.status_code == 400 and stored == {}
    assert (
        '<a href="#injury-1-type">Select what kind of injury is on the neck (front) (injury 1)</a>'
        in response.text
    )


def test_add_another_injury_works_without_javascript(app: FastAPI) -> None:
    client = _client(app, agency="health")
    token, submission, page = _form(client)
    assert page.count("data-injury-row>") == 1
    data = _new_child(
        token, submission, add_injury="1", **{"injury-1-site": "neck", "injury-1-type": "bruise"}
    )
    again = client.post("/record-concern", data=data)
    assert again.status_code == 200 and "There is a problem" not in again.text
    assert again.text.count("data-injury-row>") == 2
    assert 'id="injury-2-site"' in again.text
    assert '<option value="neck" selected>' in again.text
    assert not [k for k in events(app.state.engine) if k.startswith("web:")]


# -- action taken and who was informed -----------------------------------------------------------


def test_action_taken_and_who_was_informed_are_stored(app: FastAPI) -> None:
    client = _client(app, agency="health")
    response, stored = _record(
        client, action_taken="Spoke to mum; advised GP.", informed="DSL at school; GP by phone 15:10"
    )
    assert response.status_code == 303, response.text
    assert stored["attrs"]["action_taken"] == "Spoke to mum; advised GP."
    assert stored["attrs"]["informed"] == "DSL at school; GP by phone 15:10"


def test_the_form_offers_keeping_children_safe_in_educations_categories(app: FastAPI) -> None:
    """A DSL recording a sexual abuse or CSE concern finds it in the list, as in their own log."""
    client = _client(app, role="practitioner", agency="education")
    _, _, page = _form(client)
    for shown in ("Sexual abuse", "Child sexual exploitation (CSE)", "Child-on-child abuse", "Neglect"):
        assert f">{shown}</option>" in page, shown
    response, stored = _record(client, kind="school_concern", category="sexual_exploitation")
    assert response.status_code == 303, response.text
    assert stored["attrs"]["category"] == "sexual_exploitation"


# -- children-only search ------------------------------------------------------------------------


def _people(app: FastAPI) -> None:
    person = {"type": "person", "family_name": "Thorne"}
    records = [
        {**person, "source_id": "H1", "given_name": "Ada", "dob": "1951-04-02"},
        {**person, "source_id": "H2", "given_name": "Rosa", "dob": "2019-05-20"},
        {**person, "source_id": "H3", "given_name": "Jed", "dob": "2001-02-03", "role_hint": "child"},
    ]
    result = ingest_records(app.state.engine, records, source="test", agency="health", actor=Actor("test"))
    assert result.summary.accepted == 3, result.errors
    with session_scope(app.state.engine) as session:
        link_people(session)


def test_the_finder_lists_children_only_with_their_age(app: FastAPI) -> None:
    _people(app)
    client = _client(app, agency="health")
    page = client.get("/record-concern?q=Thorne").text
    assert "Ada Thorne" not in page
    assert re.search(r"Rosa Thorne, born 20 May 2019 \(age \d+\)", page)
    # Not "aged 18 or over today": Jed, 18 or over today but recorded as a child, is listed.
    assert "1 person who is an adult today and never recorded as a child is not listed" in page
    assert "Ada Thorne" in client.get("/people?q=Thorne").text  # the search page still finds everyone


def test_before_a_date_the_finder_keeps_a_past_child_and_the_date_decides(app: FastAPI) -> None:
    """Jed, recorded as a child, was 11 in 2012 and is an adult today: a concern may be about the past."""
    _people(app)
    client = _client(app, agency="health")
    assert re.search(r"Jed Thorne, born 3 Feb 2001 \(age \d\d\)", client.get("/record-concern?q=Thorne").text)
    token, submission, _ = _form(client)
    dated = _new_child(token, submission, q="Thorne", add_injury="1")
    in_2012 = client.post("/record-concern", data={**dated, "occurred-year": "2012"}).text
    assert "Jed Thorne, born 3 Feb 2001 (age 11)" in in_2012
    in_2024 = client.post("/record-concern", data={**dated, "occurred-year": "2024"}).text
    assert "Jed Thorne" not in in_2024 and "Rosa Thorne, born 20 May 2019 (age 5)" in in_2024
    assert "2 people aged 18 or over on the date of the concern are not listed." in in_2024


# -- confirmation --------------------------------------------------------------------------------


def test_a_confirmation_page_says_what_was_recorded_and_what_happens_next(app: FastAPI) -> None:
    client = _client(app, agency="health")
    response, stored = _record(client, **INJURY_FIELDS, **{"occurred-time": "09:05"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/record-concern/recorded?person=")
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    text = page.text
    assert '<h1 class="govuk-panel__title">Concern recorded</h1>' in text
    assert "Kayden Rowe, born 9 March 2021" in text
    assert "Injury seen by a health professional" in text and "18 June 2024 at 09:05" in text
    assert "Scald: Left ear" in text and "Bruise: Left thigh" in text
    assert "It did not raise an alert" in text
    assert re.search(r'href="/people/\d+#event-health-web-[0-9a-f]{32}"', text)
    assert 'href="/record-concern?person=' in text
    other = _client(app, agency="health")
    assert other.get(response.headers["location"]).status_code == 404  # signed for its author alone
    elsewhere = re.sub(r"person=\d+", "person=99999", response.headers["location"])
    assert client.get(elsewhere).status_code in (403, 404)  # the reference and the person must agree


@pytest.mark.parametrize(
    ("role", "agency", "said"),
    [
        # A practitioner sees the child through their own agency's records: the child's page
        # holds the level back ("Held by the MASH"), so the confirmation does too.
        ("practitioner", "health", "raised an alert"),
        ("mash_analyst", "children_social_care", "raised a red alert"),
    ],
)
def test_the_confirmation_says_an_alert_was_raised_and_is_in_the_mash_queue(
    app: FastAPI, role: str, agency: str, said: str
) -> None:
    client = _client(app, role=role, agency=agency)
    day = date.today() - timedelta(days=2)
    born = day - timedelta(days=60)
    fields = {
        "kind": "injury_presentation",
        "injury-1-site": "left_upper_arm",
        "injury-1-type": "bruise",
        "occurred-day": str(day.day),
        "occurred-month": str(day.month),
        "occurred-year": str(day.year),
        "dob-day": str(born.day),
        "dob-month": str(born.month),
        "dob-year": str(born.year),
        "agency": "health",
    }
    response, _ = _record(client, **fields)
    assert response.status_code == 303, response.text
    text = client.get(response.headers["location"]).text
    assert said in text
    assert ("red alert" in text) is (role == "mash_analyst")
    assert re.search(r"The alert is in the MASH queue \(team: .+\), where an analyst will look at it", text)


# -- chronology row and review -------------------------------------------------------------------


def test_the_chronology_row_shows_sites_injuries_action_informed_and_author(app: FastAPI) -> None:
    client = _client(app, agency="health")
    response, _ = _record(
        client, **INJURY_FIELDS, action_taken="First aid given", informed="Mum", author="Health visitor"
    )
    person = re.search(r'href="(/people/\d+)#', client.get(response.headers["location"]).text)
    assert person
    row = client.get(person.group(1)).text
    for line in (
        "Scald: Left ear",
        "Bruise: Left thigh",
        "Action taken: First aid given",
        "Who was informed: Mum",
        "Recorded by: ",
        "(Health visitor)",
    ):
        assert line in row


def test_the_review_chronology_shows_them_too() -> None:
    entry = ChronologyEntry(
        agency="education",
        source_id="web:1",
        kind="injury_observed",
        occurred_at=datetime(2024, 3, 18, 9, 0, tzinfo=UTC),
        recorded_at=datetime(2024, 3, 18, 9, 0, tzinfo=UTC),
        attrs={**injury_attrs([("neck", "bruise")]), "action_taken": "Told DSL", "informed": "CSC"},
        text="Marks on neck.",
        involvement="subject",
        author="A. Bell (DSL)",
    )
    assert _line(entry, "Rosa", {}).details == (
        "Bruise: Neck (front)",
        "Action taken: Told DSL",
        "Who was informed: CSC",
        "Recorded by: A. Bell (DSL)",
    )


def test_every_body_map_region_is_a_big_enough_target_on_paper() -> None:
    """At 1.25 px a unit (body-map.css) 20 units is 25 CSS px; the browser test measures it."""
    from alarmbell.web.intake_form import MIN_REGION_UNITS, body_map

    for regions in body_map().values():
        for region in regions:
            a = region.attrs
            width, height = (
                (2 * a["rx"], 2 * a["ry"]) if region.shape == "ellipse" else (a["width"], a["height"])
            )
            assert min(width, height) >= MIN_REGION_UNITS, region.site


def test_before_a_search_the_new_child_choice_has_no_dangling_or(app: FastAPI) -> None:
    """ "or" divides a list of children from "a child not listed"; with no list it says what to do."""
    client = _client(app)
    _, _, page = _form(client)
    assert "govuk-radios__divider" not in page
    assert "Search above to choose a child already known, or:" in page
    _, _, none_found = _form(client, "?q=Zzyzx")
    assert "No child found" in none_found and "govuk-radios__divider" not in none_found


def test_a_concern_stored_before_linking_failed_is_said_to_be_saved_and_finishes_when_sent_again(
    app: FastAPI,
) -> None:
    """Linking fails for real after the concern is stored (SQLite: the identity lock file cannot
    be opened, as a directory stands in its place). The concern must not be answered with a
    server error, as if nothing were recorded: the form says it is saved and that sending it
    again finishes the work without recording it twice; sent again once linking works, it does."""
    url = make_url(str(app.state.engine.url))
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        pytest.skip("the identity lock is a file beside a SQLite database only")
    lock = Path(f"{database}-identity.lock")
    lock.unlink(missing_ok=True)
    lock.mkdir()
    client = TestClient(app, raise_server_exceptions=False)
    sign_in(client, role="practitioner", agency="health")
    token, submission, _ = _form(client)
    data = _new_child(token, submission, text="Saved before linking failed.")
    try:
        first = client.post("/record-concern", data=data, follow_redirects=False)
    finally:
        lock.rmdir()
    assert first.status_code == 400, first.text[:500]
    assert "Your concern is saved" in first.text
    assert f'name="submission_id" value="{submission}"' in first.text
    again = client.post("/record-concern", data=data, follow_redirects=False)
    assert again.status_code == 303
    stored = [e for e in events(app.state.engine).values() if e.get("text") == "Saved before linking failed."]
    assert len(stored) == 1
