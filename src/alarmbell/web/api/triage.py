"""Triage as JSON (/api/v1/triage/...): the browser's triage pages (web/pages/triage.py) as data.

It works as the pages do: session cookie, and the X-CSRF-Token header on POST; the signed-in
user is the person recorded in the triage audit for each step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from alarmbell.access import Action, TeamResource
from alarmbell.triage import (
    DECISIONS,
    MAX_TEXT,
    acknowledge,
    decide,
    log_time,
    teams,
)
from alarmbell.web.auth import PrincipalDep, actor_of, authorise, requires
from alarmbell.web.deps import IdPath, SessionDep
from alarmbell.web.pages.triage import (
    ConfigDep,
    audit_analytics,
    audit_item_view,
    audit_queue,
    item_in_reach,
    now,
    reported_for,
    titles_of,
    unanswered_for,
)
from alarmbell.web.pages.triage_data import (
    analytics_json,
    build_analytics_page,
    build_item_page,
    build_queue_page,
)
from alarmbell.web.pages.unanswered import unanswered_json

router = APIRouter()


class DecisionBody(BaseModel):
    decision: str = Field(description=f"One of: {', '.join(DECISIONS)}")
    rationale: str = Field(max_length=MAX_TEXT)


class WorkLogBody(BaseModel):
    item_id: int
    person: str = Field(min_length=1, max_length=200)
    hours: float = Field(gt=0, le=24)
    worked_at: datetime = Field(description="ISO 8601 with a time zone")
    note: str | None = Field(default=None, max_length=MAX_TEXT)


@router.get("/api/v1/triage/teams")
@requires(Action.VIEW_TRIAGE)
def api_teams(session: SessionDep) -> dict[str, Any]:
    return {"teams": jsonable_encoder(teams(session, now=now()))}


@router.get("/api/v1/triage/queue")
@requires(Action.VIEW_TRIAGE)
def api_queue(
    request: Request, session: SessionDep, config: ConfigDep, team: str, page: int = 1
) -> dict[str, Any]:
    authorise(request, session, Action.VIEW_TRIAGE, TeamResource(team[:120]))
    data = build_queue_page(session, team=team[:120], now=now(), config=config, page=page)
    audit_queue(request, session, data)
    fields = ("team", "total", "past_due", "unacknowledged", "page", "pages")
    return {**{f: getattr(data, f) for f in fields}, "items": jsonable_encoder(data.rows)}


@router.get("/api/v1/triage/items/{item_id}")
@requires(Action.VIEW_TRIAGE)
def api_item(request: Request, session: SessionDep, item_id: IdPath) -> dict[str, Any]:
    item_in_reach(request, session, Action.VIEW_TRIAGE, item_id)
    page = build_item_page(session, item_id=item_id, now=now())
    item = page.item
    audit_item_view(request, session, item)
    columns = [c.key for c in item.__table__.columns]
    return {
        "item": jsonable_encoder({c: getattr(item, c) for c in columns}),
        "timeliness": {"state": page.timeliness_state, "label": page.timeliness_label},
        "audit": jsonable_encoder(page.audit),
        "work_log": jsonable_encoder(page.work),
    }


@router.post("/api/v1/triage/items/{item_id}/acknowledge")
@requires(Action.DECIDE_TRIAGE)
def api_acknowledge(
    request: Request, session: SessionDep, principal: PrincipalDep, item_id: IdPath
) -> dict[str, Any]:
    item_in_reach(request, session, Action.DECIDE_TRIAGE, item_id)
    row = acknowledge(session, item_id=item_id, by=principal.name, now=now(), actor=actor_of(principal))
    return {"item_id": row.id, "status": row.status, "acknowledged_at": row.acknowledged_at}


@router.post("/api/v1/triage/items/{item_id}/decide")
@requires(Action.DECIDE_TRIAGE)
def api_decide(
    request: Request, session: SessionDep, principal: PrincipalDep, item_id: IdPath, body: DecisionBody
) -> dict[str, Any]:
    item_in_reach(request, session, Action.DECIDE_TRIAGE, item_id)
    # A refusal is mapped by its kind in one place (web/errors.py): a missing reason is 422, a
    # decision someone else recorded first (or a closing awaiting countersignature) 409.
    row = decide(
        session,
        item_id=item_id,
        by=principal.name,
        decision=body.decision,
        rationale=body.rationale,
        now=now(),
        manager=principal.role == "team_manager",
        actor=actor_of(principal),
    )
    return {"item_id": row.id, "status": row.status, "decision": row.decision, "decided_at": row.decided_at}


@router.post("/api/v1/triage/worklog", status_code=201)
@requires(Action.DECIDE_TRIAGE)
def api_log_time(
    request: Request, session: SessionDep, principal: PrincipalDep, body: WorkLogBody
) -> dict[str, Any]:
    item_in_reach(request, session, Action.DECIDE_TRIAGE, body.item_id)
    entry = log_time(
        session,
        item_id=body.item_id,
        person=body.person,
        hours=body.hours,
        worked_at=body.worked_at,
        now=now(),
        source="api",
        recorded_by=principal.name,
        note=body.note,
        actor=actor_of(principal),
    )
    result: dict[str, Any] = jsonable_encoder(entry)
    return result


@router.get("/api/v1/triage/analytics")
@requires(Action.VIEW_TRIAGE)
def api_analytics(
    request: Request, session: SessionDep, config: ConfigDep, principal: PrincipalDep, days: int = 28
) -> dict[str, Any]:
    page = build_analytics_page(session, config=config, now=now(), days=days, titles_of=titles_of(principal))
    audit_analytics(request, session, page, waiting=True)  # the JSON lists the waiting items' titles
    return analytics_json(page)


@router.get("/api/v1/triage/unanswered")
@requires(Action.VIEW_UNANSWERED)
def api_unanswered(
    request: Request, session: SessionDep, principal: PrincipalDep, config: ConfigDep
) -> dict[str, Any]:
    page = unanswered_for(request, session, principal, config)
    return unanswered_json(page)


@router.get("/api/v1/triage/reported")
@requires(Action.VIEW_REPORTED)
def api_reported(
    request: Request, session: SessionDep, principal: PrincipalDep, referrer: str = ""
) -> dict[str, Any]:
    who, rows = reported_for(request, session, principal, referrer)
    return {"referrer": who, "items": jsonable_encoder(rows)}
