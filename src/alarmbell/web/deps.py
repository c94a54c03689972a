"""FastAPI dependencies as `Annotated` aliases, so routes declare what they need in their types."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Final

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from alarmbell.policy import Policy
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope


def get_session(request: Request) -> Iterator[Session]:
    """One session per request: committed when the route returns, rolled back if it raises."""
    with session_scope(request.app.state.engine) as session:
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_policy(request: Request) -> Policy:
    policy: Policy = request.app.state.policy
    return policy


#: scope="function": commit before the response leaves, so a client that follows a redirect (or
#: reads its own write) never races the commit, and a failed commit is an error the client sees.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PolicyDep = Annotated[Policy, Depends(get_policy)]

#: The largest id a 64-bit column holds: a larger number names nothing.
MAX_ID: Final[int] = 2**63 - 1
#: A record's id in the path (person, alert, review item, work item). Anything but a whole number
#: from 1 to MAX_ID names nothing: a 404 page in the browser, a 422 from the API (web.errors).
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
