"""A demo store and app shared by the access tests (module scope: some tests write to it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import PersonLink, PersonRecordRow
from alarmbell.web.app import create_app
from tests.web.conftest import DemoStore, populate

DEV_TOKEN = "police-dev-token-0123456789"


@pytest.fixture(scope="module")
def access_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    folder: Path = tmp_path_factory.mktemp("access-store")
    settings = Settings(database_url=f"sqlite:///{folder / 'store.db'}", api_tokens={DEV_TOKEN: "police"})
    store = populate(settings)
    yield store
    store.engine.dispose()


@pytest.fixture(scope="module")
def access_app(access_store: DemoStore) -> Iterator[FastAPI]:
    app = create_app(access_store.settings)
    yield app
    app.state.engine.dispose()


def person_without(store: DemoStore, agency: str) -> int:
    """Someone none of whose records come from `agency` (an 'other agency' person)."""
    with session_scope(store.engine) as session:
        rows = session.execute(
            select(PersonLink.person_id, PersonRecordRow.agency)
            .join(PersonRecordRow, PersonRecordRow.id == PersonLink.person_record_id)
            .where(PersonLink.ended_at.is_(None))
        ).all()
    agencies: dict[int, set[str]] = {}
    for person_id, found in rows:
        agencies.setdefault(person_id, set()).add(found)
    return min(p for p, a in agencies.items() if agency not in a)
