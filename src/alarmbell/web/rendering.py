"""Rendering a page: the app's templates, one call per response."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

SERVICE_NAME = "alarmbell"


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    from alarmbell.web.auth import csrf_token
    from alarmbell.web.navigation import may_record_concern, nav_items

    principal = getattr(request.state, "principal", None)
    full = {
        "nav": nav_items(principal, request.url.path),
        "may_record_concern": may_record_concern(principal),
        "service_name": SERVICE_NAME,
        "path": request.url.path,
        "principal": principal,
        "access_decision": getattr(request.state, "decision", None),
        "csrf_token": csrf_token(request),
        **context,
    }
    return templates.TemplateResponse(request, name, full, status_code=status_code)
