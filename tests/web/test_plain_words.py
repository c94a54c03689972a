"""Pages in their readers' words, not the code's: audit log, reviews start page, break-glass log."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.audit.service import LIST_ACTIONS, VIEW_ACTIONS
from alarmbell.web.pages.audit import VIEWING_WORDS
from tests.auth_support import sign_in
from tests.web.conftest import DemoStore


def test_who_viewed_says_what_was_done_and_by_whom_in_words(demo_app: FastAPI, demo_store: DemoStore) -> None:
    """Seen in the browser walk: the table read "person.view" and "(mash_analyst, ...)"."""
    analyst = TestClient(demo_app)
    sign_in(analyst, role="mash_analyst", agency="children_social_care", team="mash")
    assert analyst.get(f"/people/{demo_store.leo_id}").status_code == 200
    admin = TestClient(demo_app)
    sign_in(admin, role="admin")
    html = admin.get("/admin/audit", params={"person": str(demo_store.leo_id)}).text.replace("&#39;", "'")
    assert "Opened the person page" in html and "(MASH analyst, Children's social care)" in html
    assert "person.view" not in html and "(mash_analyst" not in html
    assert "The number at the end of the address of their page" in html


def test_every_action_who_viewed_reports_has_words() -> None:
    assert set(VIEWING_WORDS) == VIEW_ACTIONS | LIST_ACTIONS


def test_a_reviewer_without_grants_is_told_whom_to_ask_not_a_command(demo_app: FastAPI) -> None:
    """Seen in the browser walk: the Reviews page told a reviewer to run `alarmbell users grant-review`."""
    reviewer = TestClient(demo_app)
    sign_in(reviewer, role="reviewer")
    html = reviewer.get("/reviews").text
    assert "ask your alarmbell administrator to grant you a named review" in html
    assert "grant-review" not in html and "<code" not in html


def test_an_empty_break_glass_log_says_what_break_glass_is_and_why_it_is_listed(demo_app: FastAPI) -> None:
    """Seen in the browser walk: a manager's empty log said only "No one has used break-glass
    access", and never what it is or why she is shown it."""
    manager = TestClient(demo_app)
    sign_in(manager, role="team_manager", agency="children_social_care", team="mash")
    html = manager.get("/access/break-glass").text.replace("&#39;", "'")
    assert "may open it in an emergency (break-glass access) for 60 minutes" in html
    assert "so that you can check the reason" in html
    assert "No one has used break-glass access in your agency yet." in html
