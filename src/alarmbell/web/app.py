"""The app factory: the engine, policy and templates are made here, from the settings passed in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from alarmbell.access import RateLimiter
from alarmbell.domain.wording import agency_label, referrer_label, role_label, sex_label, team_label
from alarmbell.policy import policy_for
from alarmbell.presentation import clock_label, local_day
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.web import auth, errors
from alarmbell.web.api import alerts as alerts_api
from alarmbell.web.api import people as people_api
from alarmbell.web.api import records as records_api
from alarmbell.web.api import service as service_api
from alarmbell.web.api import triage as triage_api
from alarmbell.web.limits import BodyLimitMiddleware
from alarmbell.web.pages import (
    alerts,
    audit,
    break_glass,
    identity,
    login,
    oidc,
    people,
    record_concern,
    review,
    subject_access,
    triage,
    users,
)
from alarmbell.web.security import SecurityHeadersMiddleware

HERE = Path(__file__).parent
#: One module per capability: web/pages/<capability>.py for pages, web/api/<capability>.py for JSON.
ROUTES = (
    people,
    alerts,
    people_api,
    alerts_api,
    records_api,
    record_concern,
    identity,
    triage,
    triage_api,
    login,
    oidc,
    break_glass,
    users,
    audit,
    subject_access,
    service_api,
    review,
)
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def create_app(settings: Settings) -> FastAPI:
    # Every route runs auth.guard first: deny by default (docs/security.md). The OpenAPI schema
    # is served by web/api/service.py behind sign-in, not by FastAPI's own public route.
    app = FastAPI(
        title="alarmbell",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(auth.guard)],
        lifespan=_dispose_engine_on_shutdown,
    )
    app.state.settings = settings
    app.state.login_limiter = RateLimiter(settings.login_rate_per_minute)
    app.state.engine = make_engine(settings)
    app.state.policy = policy_for(settings)
    app.state.templates = make_templates()
    app.add_middleware(SecurityHeadersMiddleware, tls=settings.cookie_secure)
    app.add_middleware(BodyLimitMiddleware)
    auth.install(app, settings)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in ROUTES:
        app.include_router(module.router)
    errors.install(app)
    return app


@asynccontextmanager
async def _dispose_engine_on_shutdown(app: FastAPI) -> AsyncIterator[None]:
    """Close the store's pooled connections when the server stops."""
    yield
    app.state.engine.dispose()


def make_templates() -> Jinja2Templates:
    """Autoescaping on for every template; undefined names are errors, not empty strings."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        team=team_label,
        role=role_label,
        agency_label=agency_label,
        sex=sex_label,
        referrer=referrer_label,
        clock=clock_label,
        local_day=local_day,
    )
    return Jinja2Templates(env=env)
