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
from alarmbell.domain.wording import agency_label, role_label, sex_label, team_label
from alarmbell.policy import policy_for
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.web import (
    account_views,
    alert_views,
    auth,
    errors,
    identity_views,
    intake_views,
    review_views,
    triage_views,
    views,
)
from alarmbell.web.api import v1
from alarmbell.web.security import SecurityHeadersMiddleware

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def create_app(settings: Settings) -> FastAPI:
    # Every route runs auth.guard first: deny by default (docs/security.md). The OpenAPI schema
    # is served by account_views behind sign-in, not by FastAPI's own public route.
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
    auth.install(app, settings)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(views.router)
    app.include_router(v1.router)
    app.include_router(intake_views.router)
    app.include_router(identity_views.router)
    app.include_router(alert_views.router)
    app.include_router(triage_views.router)
    app.include_router(account_views.router)
    app.include_router(review_views.router)
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
    env.filters.update(team=team_label, role=role_label, agency_label=agency_label, sex=sex_label)
    return Jinja2Templates(env=env)
