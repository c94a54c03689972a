"""Shared fixtures: real stores on SQLite (always) and PostgreSQL (when a server is given).

ALARMBELL_TEST_POSTGRES_URL: a PostgreSQL database on a server whose databases named after it
(`<name>_template`, `<name>_store`) the tests may drop and create (scripts/with-postgres starts a
throwaway one). ALARMBELL_TEST_BACKENDS: comma-separated subset of sqlite,postgresql.
Tests that use a store are marked `backend` automatically, so a second run on PostgreSQL can
select just them with `-m backend`. A fresh store is a copy of one migrated once per session
(tests/store_templates.py); `empty_store_settings` gives an unmigrated one for migration tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from tests.store_templates import PostgresStores, SQLiteStores

REPO = Path(__file__).resolve().parents[1]
DEMO_CASE = REPO / "src" / "alarmbell" / "demo_data" / "coventry-2012.jsonl"
POSTGRES_URL = os.environ.get("ALARMBELL_TEST_POSTGRES_URL")


def _backends() -> list[str]:
    wanted = os.environ.get("ALARMBELL_TEST_BACKENDS")
    available = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
    if wanted:
        chosen = [b.strip() for b in wanted.split(",") if b.strip()]
        missing = [b for b in chosen if b not in available]
        if missing:
            raise pytest.UsageError(
                f"ALARMBELL_TEST_BACKENDS asks for {missing} but no server is configured: "
                "set ALARMBELL_TEST_POSTGRES_URL (scripts/with-postgres does)"
            )
        return chosen
    return available


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "store_settings" in fixtures or "empty_store_settings" in fixtures:
            item.add_marker(pytest.mark.backend)


@pytest.fixture(scope="session")
def sqlite_stores(tmp_path_factory: pytest.TempPathFactory) -> SQLiteStores:
    return SQLiteStores(tmp_path_factory.mktemp("store-template"))


@pytest.fixture(scope="session")
def postgresql_stores() -> PostgresStores:
    assert POSTGRES_URL is not None
    return PostgresStores(POSTGRES_URL)


def _stores(request: pytest.FixtureRequest) -> SQLiteStores | PostgresStores:
    """The session's store maker for this test's backend (`sqlite_stores` or `postgresql_stores`)."""
    stores: SQLiteStores | PostgresStores = request.getfixturevalue(f"{request.param}_stores")
    return stores


@pytest.fixture(params=_backends())
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings pointing at a fresh store at the latest schema, holding no records, on each backend."""
    return Settings(database_url=_stores(request).migrated(tmp_path))


@pytest.fixture(params=_backends())
def empty_store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings pointing at a fresh store with no schema at all, on each backend."""
    return Settings(database_url=_stores(request).empty(tmp_path))


@pytest.fixture
def engine(store_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(store_settings)
    yield engine
    engine.dispose()


@pytest.fixture
def demo_case() -> Path:
    return DEMO_CASE
