"""HTML pages. Each route builds its page data (web.pages) and renders one template."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from markupsafe import Markup
from starlette.responses import Response

from alarmbell.web.deps import PolicyDep, SessionDep
from alarmbell.web.pages.alert_list import build_alert_list
from alarmbell.web.pages.person import build_person_page, timeline_svg
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
    number = parse_person_id(person_id)
    titles = {indicator.id: indicator.title for indicator in policy.indicators}
    page = build_person_page(session, number, now=datetime.now(UTC), rule_titles=titles)
    if page is None:
        raise HTTPException(status_code=404, detail=f"No person with id {number}.")
    # The SVG is built by our own code with every piece of text escaped (timeline_svg.render_svg).
    svg = Markup(timeline_svg(page))  # noqa: S704
    return render(request, "person.html", {"page": page, "timeline_svg": svg})


def parse_person_id(text: str) -> int:
    """Person ids are positive integers; anything else is a page that does not exist."""
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise HTTPException(status_code=404, detail="Person ids are whole numbers.")
    return int(text)
