"""/api/v1: page data as JSON (dataclasses encoded by FastAPI; dates as ISO 8601)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.encoders import jsonable_encoder

from alarmbell.web.deps import PolicyDep, SessionDep
from alarmbell.web.pages.alert_list import build_alert_list
from alarmbell.web.pages.person import PersonPage, build_person_page
from alarmbell.web.pages.search import build_search

router = APIRouter(prefix="/api/v1", tags=["v1"])


@router.get("/alerts")
def alerts(session: SessionDep) -> dict[str, Any]:
    page = build_alert_list(session)
    return {"people": jsonable_encoder(page.people), "counts": page.counts, "limit": page.limit}


@router.get("/people")
def people(session: SessionDep, q: str = "") -> dict[str, Any]:
    page = build_search(session, q)
    return {"q": page.q, "results": jsonable_encoder(page.results), "limit": page.limit}


@router.get("/people/{person_id}")
def person(session: SessionDep, policy: PolicyDep, person_id: int) -> dict[str, Any]:
    data: dict[str, Any] = jsonable_encoder(_page(session, policy, person_id))
    return data


@router.get("/people/{person_id}/chronology")
def chronology(session: SessionDep, policy: PolicyDep, person_id: int) -> dict[str, Any]:
    page = _page(session, policy, person_id)
    return {
        "person_id": page.summary.person_id,
        "name": page.summary.name,
        "household": jsonable_encoder(page.household),
        "entries": jsonable_encoder(page.chronology),
    }


def _page(session: SessionDep, policy: PolicyDep, person_id: int) -> PersonPage:
    titles = {indicator.id: indicator.title for indicator in policy.indicators}
    page = build_person_page(session, person_id, now=datetime.now(UTC), rule_titles=titles)
    if page is None:
        raise HTTPException(status_code=404, detail=f"No person with id {person_id}.")
    return page
