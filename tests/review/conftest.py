"""The demo case in a real store (ingest -> link_people -> refresh_alerts), and hand-built entries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from alarmbell.domain.chronology import ChronologyEntry
from alarmbell.settings import Settings
from tests.web.conftest import DemoStore, populate

#: A fixed "now" for reports, so nothing depends on the day the tests run.
NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="session")
def review_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    """Built once per test session through the real services; tests only read it."""
    folder = tmp_path_factory.mktemp("review-store")
    store = populate(Settings(database_url=f"sqlite:///{folder / 'alarmbell.db'}"))
    yield store
    store.engine.dispose()


def entry(
    agency: str,
    source_id: str,
    kind: str,
    when: str,
    *,
    recorded: str | None = None,
    attrs: dict[str, Any] | None = None,
    relation: str | None = None,
    involvement: str = "subject",
) -> ChronologyEntry:
    """One chronology entry about the child (or, with `relation`, a household adult)."""
    occurred = datetime.fromisoformat(when).replace(tzinfo=UTC)
    return ChronologyEntry(
        agency=agency,
        source_id=source_id,
        kind=kind,
        occurred_at=occurred,
        recorded_at=datetime.fromisoformat(recorded).replace(tzinfo=UTC) if recorded else occurred,
        attrs=attrs or {},
        text=None,
        involvement=involvement,  # type: ignore[arg-type]
        relation=relation,
        adult_person_id=None if relation is None else 99,
    )
