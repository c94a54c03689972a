"""The start page's "Concerns you recorded" names each child as the page it links to does."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.testclient import TestClient

from tests.auth_support import form_token, sign_in
from tests.web.conftest import DemoStore


def test_concerns_you_recorded_name_the_child_as_your_agencys_records_do(
    access_app: FastAPI, access_store: DemoStore
) -> None:
    """Education recorded Leo's surname as "Brennna", the other agencies "Brennan". A school
    manager who sees only the school's part of Leo records a concern about him: her list of
    concerns names him as his page does for her, not by the other agencies' spelling."""
    with TestClient(access_app) as school:
        sign_in(school, role="team_manager", agency="education", team="dsl")
        leo = access_store.leo_id
        page = school.get(f"/people/{leo}").text
        assert "only your own agency" in page and "Leo Brennna" in page and "Leo Brennan" not in page
        data = {
            "csrf_token": form_token(school),
            "person": str(leo),
            "kind": "school_concern",
            "occurred-day": "3",
            "occurred-month": "3",
            "occurred-year": "2012",
            "text": "Came in with a bruise on his cheek.",
        }
        posted = school.post("/record-concern", data=data, follow_redirects=False)
        assert posted.status_code == 303, posted.text
        mine = school.get("/mine").text
    assert f'href="/people/{leo}"' in mine
    assert "Leo Brennna" in mine and "Leo Brennan" not in mine
    # What she chose on the form ("Welfare concern"), not the exchange's name ("School concern").
    assert "Welfare concern" in mine and "School concern" not in mine
