"""Error responses: JSON under /api, pages in the service's style everywhere else."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from alarmbell.web.rendering import render

API_PREFIX = "/api/"


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, server_error)


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    template = "not_found.html" if exc.status_code == 404 else "error.html"
    context = {"status_code": exc.status_code, "detail": exc.detail}
    return render(request, template, context, status_code=exc.status_code)


async def server_error(request: Request, _exc: Exception) -> Response:
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse({"detail": "Internal server error"}, status_code=500)
    return render(request, "error.html", {"status_code": 500, "detail": None}, status_code=500)
