"""The service navigation offers exactly the pages each role may open (issue 14, item 1).

The menu is drawn from the access policy; this test checks it against the guard's real
answers: every link in a role's menu opens (200), and every menu page missing from it is
refused (403). "Record a concern" is one click from every page for roles that may record.
"""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.web.navigation import NAV_LINKS
from tests.auth_support import sign_in
from tests.web.conftest import DemoStore

ROLES = (
    ("practitioner", "health", "mash"),
    ("mash_analyst", "children_social_care", "mash"),
    ("team_manager", "health", "health-visiting"),
    ("reviewer", None, None),
    ("admin", None, None),
)


def _menu(html: str) -> list[str]:
    nav = re.search(r'<ul class="govuk-service-navigation__list"[^>]*>(.*?)</ul>', html, re.S)
    assert nav is not None, "every signed-in page has the service navigation"
    return re.findall(r'href="([^"]+)"', nav.group(1))


@pytest.mark.parametrize(("role", "agency", "team"), ROLES)
def test_the_menu_offers_exactly_what_the_role_may_open(
    demo_app: FastAPI, role: str, agency: str | None, team: str | None
) -> None:
    client = TestClient(demo_app)
    sign_in(client, role=role, agency=agency, team=team)
    landing = client.get("/")
    assert landing.status_code == 200, role
    menu = _menu(landing.text)
    assert menu, role
    for href in menu:
        assert client.get(href).status_code == 200, (role, href)
    for link in NAV_LINKS:
        shown_to_role = link.roles is None or role in link.roles
        if link.href not in menu and shown_to_role and not (link.needs_agency and agency is None):
            assert client.get(link.href).status_code == 403, (role, link.href)
    active = re.findall(r'aria-current="page"', landing.text)
    assert len(active) == 1, "the start page is marked as the current one"


def test_record_a_concern_is_one_click_from_every_page(demo_app: FastAPI, demo_store: DemoStore) -> None:
    client = TestClient(demo_app)
    sign_in(client, role="practitioner", agency="health", team="mash")
    for path in ("/mine", "/alerts", "/people?q=leo", f"/people/{demo_store.leo_id}"):
        html = client.get(path).text
        assert re.search(r'<a class="govuk-button app-record-concern[^"]*" href="/record-concern', html), path
    person_page = client.get(f"/people/{demo_store.leo_id}").text
    assert f'href="/record-concern?person={demo_store.leo_id}"' in person_page
    reviewer = TestClient(demo_app)
    sign_in(reviewer, role="reviewer")
    assert "app-record-concern" not in reviewer.get("/").text


def test_a_practitioner_starts_on_their_agencys_page_and_sees_their_own_concerns(
    demo_app: FastAPI, demo_store: DemoStore
) -> None:
    client = TestClient(demo_app)
    sign_in(client, role="practitioner", agency="health", team="mash")
    page = client.get("/")
    assert page.url.path == "/mine"
    assert "Concerns you recorded" in page.text
    assert "You have not recorded a concern here yet" in page.text
    assert f'href="/people/{demo_store.leo_id}"' in page.text


@pytest.mark.parametrize(
    ("role", "agency", "team", "opens"),
    [
        ("practitioner", "health", "mash", False),
        ("mash_analyst", "children_social_care", "mash", False),
        ("team_manager", "health", "health-visiting", False),
        ("team_manager", "health", "mash", True),
    ],
)
def test_the_review_link_is_drawn_only_where_it_opens(
    demo_app: FastAPI, demo_store: DemoStore, role: str, agency: str, team: str, opens: bool
) -> None:
    client = TestClient(demo_app)
    sign_in(client, role=role, agency=agency, team=team)
    page = client.get(f"/people/{demo_store.leo_id}").text
    review = f"/people/{demo_store.leo_id}/review"
    assert client.get(review).status_code == (200 if opens else 403), role
    assert (f'href="{review}"' in page) == opens, role


def test_a_reviewer_starts_on_the_reviews_they_may_open(demo_app: FastAPI, demo_store: DemoStore) -> None:
    """Granted reviews first, then closed cases; every listed review opens, and nothing else does."""
    from alarmbell.access.grants import grant_review
    from alarmbell.storage.db import session_scope
    from alarmbell.storage.tables import AppUser

    client = TestClient(demo_app)
    principal = sign_in(client, role="reviewer")
    with session_scope(demo_app.state.engine) as session:
        user = session.get(AppUser, principal.id)
        assert user is not None
        grant_review(
            session,
            user=user,
            person_id=demo_store.leo_id,
            review="CSPR Child L",
            granted_by="admin",
            days=30,
        )
    page = client.get("/")
    assert page.url.path == "/reviews"
    granted = page.text[page.text.index('id="granted"') : page.text.index('id="closed"')]
    assert "CSPR Child L" in granted and f'href="/people/{demo_store.leo_id}/review"' in granted
    listed = {int(i) for i in re.findall(r'href="/people/(\d+)/review"', page.text)}
    for person_id in listed:
        assert client.get(f"/people/{person_id}/review").status_code == 200, person_id
    others = TestClient(demo_app)
    sign_in(others, role="reviewer")
    assert "CSPR Child L" not in others.get("/reviews").text, "grants are the reviewer's own"


def test_a_team_queue_is_headed_by_the_teams_name_not_its_code(demo_app: FastAPI) -> None:
    """A team stored as a code ("health-visiting") reads as its name on the queue page."""
    client = TestClient(demo_app)
    sign_in(client, role="team_manager", agency="health", team="health-visiting")
    page = client.get("/triage")
    assert page.status_code == 200
    heading = re.search(r'<h1 class="govuk-heading-xl">([^<]*)</h1>', page.text)
    assert heading is not None and heading.group(1) == "Health visiting"
    assert "<title>Work queue: Health visiting" in page.text
    assert "health-visiting" not in re.sub(r'href="[^"]*"', "", page.text)


@pytest.mark.parametrize(("role", "agency", "team"), ROLES)
def test_what_you_reported_is_in_the_menu_of_those_who_report(
    demo_app: FastAPI, role: str, agency: str | None, team: str | None
) -> None:
    """Practitioners, MASH analysts and team managers record concerns and refer: what happened
    to what they reported is in their menu (before: in nobody's). Administrators and reviewers
    report nothing and are shown nothing there: not in theirs, and refused."""
    client = TestClient(demo_app)
    sign_in(client, role=role, agency=agency, team=team)
    reports = role in ("practitioner", "mash_analyst", "team_manager")
    assert ("/triage/reported" in _menu(client.get("/").text)) == reports, role
    page = client.get("/triage/reported")
    assert page.status_code == (200 if reports else 403), role
    if agency is not None and reports:  # the agency by its name, not its code (but in the form)
        assert agency not in re.sub(r'value="[^"]*"', "", page.text).replace("/", " "), role


def test_an_empty_what_you_reported_says_where_a_concern_without_an_alert_went(demo_app: FastAPI) -> None:
    """Seen in the browser walk: a practitioner who had just recorded a concern that raised no
    alert found only "Nothing reported ... is in the work queue"."""
    client = TestClient(demo_app)
    sign_in(client, role="practitioner", agency="health", team=None)
    page = client.get("/triage/reported", params={"referrer": "nobody recorded this"})
    assert "goes on the\nchild's chronology" in page.text.replace("&#39;", "'")


@pytest.mark.parametrize(
    ("role", "box"), [("practitioner", False), ("team_manager", False), ("mash_analyst", True)]
)
def test_only_those_who_may_look_up_any_referrer_are_offered_the_referrer_box(
    demo_app: FastAPI, role: str, box: bool
) -> None:
    """Seen in the browser walk: a health visitor was offered a "Referrer" box that did nothing
    (she is shown her own agency's whatever she types); the MASH looks up any referrer."""
    client = TestClient(demo_app)
    sign_in(client, role=role, agency="health", team="mash")
    page = client.get("/triage/reported", params={"referrer": "police"})
    assert page.status_code == 200 and ('name="referrer"' in page.text) == box, role
