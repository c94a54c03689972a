"""Triage fixtures: a session on a real store (SQLite, and PostgreSQL when configured), item builders."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alarmbell.storage.db import session_scope
from alarmbell.triage import NewItem, TriageConfig, open_item
from alarmbell.triage.timescales import mash_due

CONFIG = TriageConfig()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_scope(engine) as s:
        yield s


def alert_item(
    key: str, opened: datetime, *, level: str = "red", team: str = "MASH", referrer: str | None = None
) -> NewItem:
    harm = CONFIG.alert_harm_days[level]
    return NewItem(
        source_key=key,
        kind="alert",
        title=f"{level} alert {key}",
        team=team,
        opened_at=opened,
        due_at=mash_due(level, opened, CONFIG.mash_hours),
        timescale=f"mash_{level}",
        harm_days=harm,
        harm_basis="alert level",
        harm_source="test",
        referrer=referrer,
        alert_level=level,
    )


def offence_item(
    key: str, opened: datetime, *, harm: float, team: str = "MASH", hours: float = 72
) -> NewItem:
    return NewItem(
        source_key=key,
        kind="investigation",
        title=f"offence {key}",
        team=team,
        opened_at=opened,
        due_at=opened + timedelta(hours=hours),
        timescale="mash_green",
        harm_days=harm,
        harm_basis="subgroup fallback",
        harm_source="test",
    )


def add(session: Session, item: NewItem, now: datetime | None = None) -> int:
    row = open_item(session, item=item, now=now or item.opened_at)
    assert row is not None
    return row.id
