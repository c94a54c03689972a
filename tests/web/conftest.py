"""A real SQLite store holding the demo case, built through the real services, and an app on it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.testclient import TestClient

from alarmbell.alerts.service import alerted_people, refresh_alerts
from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file
from alarmbell.policy import default_policy
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.web.app import create_app
from tests.auth_support import sign_in
from tests.store_templates import SQLiteStores

REPO = Path(__file__).resolve().parents[2]
DEMO_CASE = REPO / "src" / "alarmbell" / "demo_data" / "coventry-2012.jsonl"


def demo_file() -> Path:
    assert DEMO_CASE.is_file(), "the demo case ships in src/alarmbell/demo_data"
    return DEMO_CASE


@dataclass(frozen=True)
class DemoStore:
    settings: Settings
    engine: Engine
    leo_id: int


def populate(settings: Settings) -> DemoStore:
    """Ingest the demo file, link people and raise alerts, as a deployment would."""
    engine = make_engine(settings)
    ingest_file(engine=engine, path=demo_file())
    with session_scope(engine) as session:
        link_people(session)
        refresh_alerts(session, policy=default_policy())
    with session_scope(engine) as session:
        leo = next(p for p in alerted_people(session) if p.display_name == "Leo Brennan")
    return DemoStore(settings=settings, engine=engine, leo_id=leo.person_id)


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    """Built once per test session (ingest and linkage take a moment); tests only read it."""
    folder = tmp_path_factory.mktemp("demo-store")
    store = populate(Settings(database_url=f"sqlite:///{folder / 'alarmbell.db'}"))
    yield store
    store.engine.dispose()


@pytest.fixture(scope="session")
def demo_app(demo_store: DemoStore) -> Iterator[FastAPI]:
    app = create_app(demo_store.settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(demo_app: FastAPI) -> Iterator[TestClient]:
    """Signed in as a MASH analyst, who may see every page the tests here read."""
    with TestClient(demo_app) as test_client:
        sign_in(test_client, role="mash_analyst")
        yield test_client


@pytest.fixture
def empty_client(empty_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(empty_app) as test_client:
        sign_in(test_client, role="mash_analyst")
        yield test_client


@pytest.fixture
def empty_app(tmp_path: Path, sqlite_stores: SQLiteStores) -> Iterator[FastAPI]:
    app = create_app(Settings(database_url=sqlite_stores.migrated(tmp_path, "empty.db")))
    yield app
    app.state.engine.dispose()
