"""HTML pages. Each route builds its page data (web.pages) and renders one template."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from alarmbell.web.alert_views import person_response
from alarmbell.web.deps import PolicyDep, SessionDep
from alarmbell.web.pages.alert_list import build_alert_list
from alarmbell.web.pages.search import build_search
from alarmbell.web.rendering import render

router = APIRouter()


@router.get("/", name="home")
def home(request: Request, session: SessionDep) -> Response:
    return render(request, "alerts.html", {"page": build_alert_list(session)})


@router.get("/people", name="search")
def search(request: Request, session: SessionDep, q: str = "") -> Response:
    return render(request, "search.html", {"page": build_search(session, q)})


@router.get("/people/{person_id}", name="person")
def person(request: Request, session: SessionDep, policy: PolicyDep, person_id: str) -> Response:
    # Built in alert_views: the page carries the alert-override forms and their CSRF token.
    return person_response(request, session, policy, parse_person_id(person_id))


def parse_person_id(text: str) -> int:
    """Person ids are positive integers; anything else is a page that does not exist."""
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise HTTPException(status_code=404, detail="Person ids are whole numbers.")
    return int(text)
