"""/api/v1/people: search, a person's page and chronology as JSON (dataclasses encoded by FastAPI;
dates as ISO 8601)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.encoders import jsonable_encoder

from alarmbell.access import Action
from alarmbell.web.auth import requires
from alarmbell.web.deps import IdPath, PolicyDep, SessionDep
from alarmbell.web.pages.people import search_for
from alarmbell.web.pages.person import PersonPage, build_person_page, indicator_notes
from alarmbell.web.scoping import scoped_person_page

router = APIRouter(prefix="/api/v1", tags=["v1"])


@router.get("/people")
@requires(Action.SEARCH_PEOPLE)
def people(request: Request, session: SessionDep, q: str = "") -> dict[str, Any]:
    page = search_for(request, session, q)
    return {"q": page.q, "results": jsonable_encoder(page.results), "limit": page.limit}


@router.get("/people/{person_id}")
@requires(Action.VIEW_PERSON, person="person_id", audit="person.view")
def person(request: Request, session: SessionDep, policy: PolicyDep, person_id: IdPath) -> dict[str, Any]:
    page = scoped_person_page(request, session, _page(session, policy, person_id))
    data: dict[str, Any] = jsonable_encoder(page)
    return data


@router.get("/people/{person_id}/chronology")
@requires(Action.VIEW_PERSON, person="person_id", audit="person.chronology")
def chronology(request: Request, session: SessionDep, policy: PolicyDep, person_id: IdPath) -> dict[str, Any]:
    page = scoped_person_page(request, session, _page(session, policy, person_id))
    return {
        "person_id": page.summary.person_id,
        "name": page.summary.name,
        "household": jsonable_encoder(page.household),
        "entries": jsonable_encoder(page.chronology),
    }


def _page(session: SessionDep, policy: PolicyDep, person_id: int) -> PersonPage:
    titles = {indicator.id: indicator.title for indicator in policy.indicators}
    page = build_person_page(
        session, person_id, now=datetime.now(UTC), rule_titles=titles, notes=indicator_notes(policy)
    )
    if page is None:
        raise HTTPException(status_code=404, detail=f"No person with id {person_id}.")
    return page
