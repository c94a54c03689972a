"""Error responses: JSON under /api, pages in the service's style everywhere else.

A service's refusal (domain.errors.ServiceError) that its route does not handle itself (a form
shows its errors beside the fields) is answered here, by its category, as an HTTPException with
that status and the error's message would be: one table, not an `except` in every route.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from alarmbell.domain.errors import Category, ServiceError
from alarmbell.web.rendering import render

API_PREFIX = "/api/"
#: The HTTP status of each kind of service error.
STATUS: dict[Category, int] = {"not_found": 404, "invalid": 422, "conflict": 409, "forbidden": 403}


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(ServiceError, service_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, server_error)


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    template = "not_found.html" if exc.status_code == 404 else "error.html"
    context = {"status_code": exc.status_code, "detail": exc.detail}
    return render(request, template, context, status_code=exc.status_code)


async def service_error(request: Request, exc: ServiceError) -> Response:
    return await http_error(request, StarletteHTTPException(STATUS[exc.category], str(exc)))


async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """A path id that is not a whole number (web.deps.IdPath) names no page: 404 in the browser.
    The API, and any other bad field, keep FastAPI's 422 with the field errors."""
    in_path = any(tuple(error.get("loc", ()))[:1] == ("path",) for error in exc.errors())
    if in_path and not request.url.path.startswith(API_PREFIX):
        return await http_error(request, StarletteHTTPException(404, "Ids in addresses are whole numbers."))
    return await request_validation_exception_handler(request, exc)


async def server_error(request: Request, _exc: Exception) -> Response:
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse({"detail": "Internal server error"}, status_code=500)
    return render(request, "error.html", {"status_code": 500, "detail": None}, status_code=500)
