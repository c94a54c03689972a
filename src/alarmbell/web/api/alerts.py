"""/api/v1/alerts: the alert list as JSON (the `/alerts` page's data, cut to what the user may open)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder

from alarmbell.access import Action
from alarmbell.web.auth import requires
from alarmbell.web.deps import SessionDep
from alarmbell.web.pages.alerts import alert_list_for

router = APIRouter(prefix="/api/v1", tags=["v1"])


@router.get("/alerts")
@requires(Action.LIST_ALERTS)
def alerts(request: Request, session: SessionDep) -> dict[str, Any]:
    page = alert_list_for(request, session)
    return {
        "people": jsonable_encoder(page.people),
        "counts": page.counts,
        "limit": page.limit,
        "restricted": jsonable_encoder(page.restricted),
    }
