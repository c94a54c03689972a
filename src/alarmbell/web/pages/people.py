"""Finding a person and opening their page; and `/`, which sends each role to its start page.

Each route builds its page data (web.pages) and renders one template.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import Response

from alarmbell.access import Action, Principal, Scope, TeamResource, facts_for_people, findable
from alarmbell.access import decide as permitted
from alarmbell.audit import record_audit
from alarmbell.identity import matched_by_agency
from alarmbell.policy import Policy
from alarmbell.triage import DECISIONS
from alarmbell.web.auth import actor_of, requires, visible_scopes
from alarmbell.web.deps import IdPath, PolicyDep, SessionDep
from alarmbell.web.navigation import landing_page
from alarmbell.web.pages.person import build_person_page, indicator_notes, timeline_layout, timeline_svg
from alarmbell.web.pages.person_household import draws_household, household_people, household_svg
from alarmbell.web.pages.person_work import person_work
from alarmbell.web.pages.search import SearchPage, build_search
from alarmbell.web.rendering import render
from alarmbell.web.scoping import scoped_person_page, scoped_search

router = APIRouter()


@router.get("/", name="home")
@requires(Action.SIGNED_IN)
def home(request: Request) -> Response:
    """Each role's start page (web.navigation.LANDING): a page it can use, never a refusal."""
    return RedirectResponse(landing_page(request.state.principal), status_code=303)


@router.get("/people", name="search")
@requires(Action.SEARCH_PEOPLE)
def search(request: Request, session: SessionDep, q: str = "") -> Response:
    return render(request, "search.html", {"page": search_for(request, session, q)})


def search_for(request: Request, session: SessionDep, q: str) -> SearchPage:
    """Search results cut to the people this user may open; each search is audited with the query.

    Whom the user may find is part of the query (access.findable), so its limit counts only
    them; the policy then decides each result as it decides their page."""
    principal = request.state.principal
    where = findable(session, principal, request.app.state.policy, now=datetime.now(UTC))
    page = build_search(session, q, where=where)
    if not page.searched:
        return page
    scopes = visible_scopes(request, session, (r.person_id for r in page.results))
    agency = request.state.principal.agency
    partial = [p for p, scope in scopes.items() if scope is not Scope.FULL]
    if partial:
        # Someone seen only in part is found only by a name their own agency recorded.
        found = matched_by_agency(session, page.q, partial, agency) if agency else set()
        scopes = {p: scope for p, scope in scopes.items() if scope is Scope.FULL or p in found}
    page = scoped_search(session, page, scopes, agency)
    detail = {"q": page.q, "people": [r.person_id for r in page.results]}
    record_audit(session, actor=actor_of(request.state.principal), action="people.search", detail=detail)
    return page


@router.get("/people/{person_id}", name="person")
@requires(Action.VIEW_PERSON, person="person_id", audit="person.view")
def person(request: Request, session: SessionDep, policy: PolicyDep, person_id: IdPath) -> Response:
    # The page carries the alert-override forms (pages/alerts.py) and their CSRF token.
    return person_response(request, session, policy, person_id)


def person_response(
    request: Request,
    session: Session,
    policy: Policy,
    person_id: int,
    *,
    errors: dict[str, str] | None = None,
    alert_id: int | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The person page, with the override forms' CSRF token (and their errors, after a bad POST)."""
    titles = {indicator.id: indicator.title for indicator in policy.indicators}
    page = build_person_page(
        session, person_id, now=datetime.now(UTC), rule_titles=titles, notes=indicator_notes(policy)
    )
    if page is None:
        raise HTTPException(status_code=404, detail=f"No person with id {person_id}.")
    page = scoped_person_page(request, session, page)
    principal = getattr(request.state, "principal", None)
    may_work = principal is not None and permitted(principal, Action.VIEW_TRIAGE, None).allowed
    whole_timeline = request.query_params.get("timeline") == "all"
    # The clipped layout says how many events it leaves out, also when every event is drawn.
    clipped = timeline_layout(page)
    drawn = timeline_layout(page, include_outliers=True) if whole_timeline else clipped
    # Drawn from the page after scoping: the diagram shows no one and nothing the page does not.
    people = household_people(page)
    context = {
        "page": page,
        "household_people": people,
        # Built by our own code with every piece of text escaped (render_genogram).
        "household_svg": Markup(household_svg(page, people)) if draws_household(page, people) else "",  # noqa: S704
        **_work_context(session, principal, person_id, may_work),
        "may_decide": principal is not None and permitted(principal, Action.DECIDE_TRIAGE, None).allowed,
        "may_countersign": principal is not None and principal.role == "team_manager",
        # The review link and the override forms are drawn only where their routes allow them
        # (no override for a reviewer or under break-glass): no link or form ends in a refusal.
        **_links_allowed(session, principal, person_id, policy),
        "decisions": DECISIONS,
        "done": str(request.query_params.get("done", ""))[:60],
        # The SVG is built by our own code with every piece of text escaped (render_svg).
        "timeline_svg": Markup(timeline_svg(page, drawn)),  # noqa: S704
        "timeline_whole": whole_timeline,
        "timeline_left_out": clipped.outliers,
        "override_errors": errors or {},
        "override_alert_id": alert_id,
        "override_form": form or {},
    }
    return render(request, "person.html", context, status_code=status_code)


def _work_context(
    session: Session, principal: Principal | None, person_id: int, may_work: bool
) -> dict[str, object]:
    """The work about the person of the teams the viewer may triage, chosen before the page's
    limit on decisions, and how many decisions there are in all when the list is cut."""
    if principal is None or not may_work:
        return {"work": (), "decided_total": 0}
    work = person_work(
        session,
        person_id,
        now=datetime.now(UTC),
        may_see=lambda team: permitted(principal, Action.VIEW_TRIAGE, TeamResource(team)).allowed,
    )
    return {"work": work.views, "decided_total": work.decided_total}


#: The person page's links and forms, by the context name that draws each, and their routes' actions.
PAGE_ACTIONS = {
    "may_review": Action.VIEW_REVIEW,
    "may_override": Action.OVERRIDE_ALERT,
    "may_countersign_override": Action.COUNTERSIGN_OVERRIDE,
}


def _links_allowed(
    session: Session, principal: Principal | None, person_id: int, policy: Policy
) -> dict[str, bool]:
    """Each decision the page's links need, on one gathering of the person's facts."""
    facts = facts_for_people(session, principal, [person_id], policy)[person_id]
    return {name: permitted(principal, action, facts).allowed for name, action in PAGE_ACTIONS.items()}
