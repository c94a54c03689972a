"""The service's own routes: `/healthz` for the load balancer, and the API's schema for signed-in users."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from alarmbell.access import Action
from alarmbell.web.auth import requires

router = APIRouter()


@router.get("/api/v1/openapi.json", include_in_schema=False)
@requires(Action.SIGNED_IN)
def openapi(request: Request) -> JSONResponse:
    """The API's schema, for signed-in users and tools (not public: it maps the attack surface)."""
    return JSONResponse(request.app.openapi())


@router.get("/healthz", include_in_schema=False)
@requires(Action.PUBLIC)
def health() -> JSONResponse:
    return JSONResponse({"status": "ok"})
