"""Shared fixtures: real stores on SQLite (always) and PostgreSQL (when a server is given).

ALARMBELL_TEST_POSTGRES_URL: a PostgreSQL database the tests may wipe (scripts/with-postgres
starts a throwaway one). ALARMBELL_TEST_BACKENDS: comma-separated subset of sqlite,postgresql.
Tests that use a store are marked `backend` automatically, so a second run on PostgreSQL can
select just them with `-m backend`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine

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
        if "store_settings" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.backend)


def _wipe_postgres(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)  # no pooled connection may outlive the wipe
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=_backends())
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings pointing at a fresh, empty store on each backend."""
    if request.param == "postgresql":
        assert POSTGRES_URL is not None
        _wipe_postgres(POSTGRES_URL)
        return Settings(database_url=POSTGRES_URL)
    return Settings(database_url=f"sqlite:///{tmp_path / 'store.db'}")


@pytest.fixture
def engine(store_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(store_settings)
    yield engine
    engine.dispose()


@pytest.fixture
def demo_case() -> Path:
    return DEMO_CASE
