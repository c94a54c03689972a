"""HTML pages. Each route builds its page data (web.pages) and renders one template."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from alarmbell.access import Action
from alarmbell.audit import record_audit
from alarmbell.presentation import agency_label
from alarmbell.web.alert_views import person_response
from alarmbell.web.auth import actor_of, requires, visible_scopes
from alarmbell.web.deps import PolicyDep, SessionDep
from alarmbell.web.navigation import landing_page
from alarmbell.web.pages.alert_list import AlertListPage, build_alert_list
from alarmbell.web.pages.my_agency import concerns_recorded_by
from alarmbell.web.pages.search import SearchPage, build_search
from alarmbell.web.rendering import render
from alarmbell.web.scoping import scoped_alert_list, scoped_search

router = APIRouter()
#: Rows of each list on the start page; the full lists are a link away.
MINE_ROWS = 10


@router.get("/", name="home")
@requires(Action.SIGNED_IN)
def home(request: Request) -> Response:
    """Each role's start page (web.navigation.LANDING): a page it can use, never a refusal."""
    return RedirectResponse(landing_page(request.state.principal), status_code=303)


@router.get("/alerts", name="alerts")
@requires(Action.LIST_ALERTS)
def alerts(request: Request, session: SessionDep) -> Response:
    return render(request, "alerts.html", {"page": alert_list_for(request, session)})


@router.get("/mine", name="my_agency")
@requires(Action.LIST_ALERTS)
def my_agency(request: Request, session: SessionDep) -> Response:
    """A practitioner's start page: the concerns they recorded, and the children with alerts they may open."""
    principal = request.state.principal
    context = {
        "concerns": concerns_recorded_by(session, principal.name),
        "page": alert_list_for(request, session),
        "shown": MINE_ROWS,
        "agency_name": agency_label(principal.agency) if principal.agency else "No agency",
    }
    return render(request, "mine.html", context)


def alert_list_for(request: Request, session: SessionDep) -> AlertListPage:
    """The people with alerts whom this user may open; the listing is audited with their ids."""
    page = build_alert_list(session)
    scopes = visible_scopes(request, session, (row.person_id for row in page.people))
    page = scoped_alert_list(page, scopes, request.state.principal.agency)
    shown = [row.person_id for row in page.people] + [row.person_id for row in page.restricted]
    record_audit(
        session, actor=actor_of(request.state.principal), action="alerts.list", detail={"people": shown}
    )
    return page


@router.get("/people", name="search")
@requires(Action.SEARCH_PEOPLE)
def search(request: Request, session: SessionDep, q: str = "") -> Response:
    return render(request, "search.html", {"page": search_for(request, session, q)})


def search_for(request: Request, session: SessionDep, q: str) -> SearchPage:
    """Search results cut to the people this user may open; each search is audited with the query."""
    page = build_search(session, q)
    if not page.searched:
        return page
    scopes = visible_scopes(request, session, (r.person_id for r in page.results))
    page = scoped_search(page, scopes, request.state.principal.agency)
    detail = {"q": page.q, "people": [r.person_id for r in page.results]}
    record_audit(session, actor=actor_of(request.state.principal), action="people.search", detail=detail)
    return page


@router.get("/people/{person_id}", name="person")
@requires(Action.VIEW_PERSON, person="person_id", audit="person.view")
def person(request: Request, session: SessionDep, policy: PolicyDep, person_id: str) -> Response:
    # Built in alert_views: the page carries the alert-override forms and their CSRF token.
    return person_response(request, session, policy, parse_person_id(person_id))


def parse_person_id(text: str) -> int:
    """Person ids are positive integers; anything else is a page that does not exist."""
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise HTTPException(status_code=404, detail="Person ids are whole numbers.")
    return int(text)
