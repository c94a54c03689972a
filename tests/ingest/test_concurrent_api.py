"""Four agency systems posting to `POST /api/v1/records` at once (issue 19, defect 5).

Measured before the fix: calls errored with "database is locked" although their records had
been committed, batches were left without `finished_at`, and person records ended with 2-4
active links because the calls' linking ran in parallel. Each call must now either succeed or
leave nothing behind, every batch must be finished, and every record must have one person.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from starlette.testclient import TestClient

from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import IngestBatch, PersonLink, PersonRecordRow
from alarmbell.web.app import create_app
from tests.identity.test_concurrent_linking import _nhs_number

#: Four ingesters at once against one store, for seconds.
pytestmark = pytest.mark.slow

AGENCIES = ("police", "health", "education", "children_social_care")
TOKENS = {f"{agency}-token-0123456789": agency for agency in AGENCIES}
CALLS = 3
CHILDREN_PER_CALL = 15


@pytest.fixture
def app(store_settings: Settings) -> Iterator[FastAPI]:
    application = create_app(store_settings.model_copy(update={"api_tokens": TOKENS}))
    yield application
    application.state.engine.dispose()


def _call(call: int, agency: str) -> list[dict[str, Any]]:
    """Children every agency knows (the same NHS numbers), each with one event from this agency."""
    records: list[dict[str, Any]] = []
    for n in range(call * CHILDREN_PER_CALL, (call + 1) * CHILDREN_PER_CALL):
        child = f"C{n}"
        person = {"type": "person", "source_id": child, "given_name": f"Kid{n}", "family_name": "Many"}
        person.update({"dob": f"2017-04-0{1 + n % 9}", "sex": "M", "nhs_number": _nhs_number(n)})
        kind = "domestic_incident" if agency == "police" else "other"
        event = {"type": "event", "source_id": f"E{n}", "kind": kind, "occurred_at": "2025-01-10"}
        records += [person, {**event, "subjects": [child]}]
    return records


def test_four_concurrent_ingesters_lose_nothing_and_link_each_record_once(app: FastAPI) -> None:
    barrier = threading.Barrier(len(AGENCIES))
    answers: list[tuple[str, int, int, Any]] = []
    lock = threading.Lock()

    def ingester(token: str, agency: str) -> None:
        client = TestClient(app)
        barrier.wait()
        for call in range(CALLS):
            response = client.post(
                "/api/v1/records", json=_call(call, agency), headers={"Authorization": f"Bearer {token}"}
            )
            body = (
                response.json()
                if response.headers.get("content-type", "").startswith("application/json")
                else None
            )
            with lock:
                answers.append((agency, call, response.status_code, body))

    threads = [threading.Thread(target=ingester, args=item) for item in TOKENS.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert [(a, c, s) for a, c, s, _ in answers if s != 200] == []
    assert all(body["accepted"] == 2 * CHILDREN_PER_CALL for *_, body in answers)
    engine = app.state.engine
    with session_scope(engine) as session:
        unfinished = session.scalar(
            select(func.count()).select_from(IngestBatch).where(IngestBatch.finished_at.is_(None))
        )
        records = session.scalar(select(func.count()).select_from(PersonRecordRow))
        many = session.scalars(
            select(PersonLink.person_record_id)
            .where(PersonLink.ended_at.is_(None))
            .group_by(PersonLink.person_record_id)
            .having(func.count() > 1)
        ).all()
        linked = session.scalar(
            select(func.count(func.distinct(PersonLink.person_record_id))).where(
                PersonLink.ended_at.is_(None)
            )
        )
        people = session.scalar(
            select(func.count(func.distinct(PersonLink.person_id))).where(PersonLink.ended_at.is_(None))
        )
    assert unfinished == 0
    assert records == len(AGENCIES) * CALLS * CHILDREN_PER_CALL
    assert len(many) == 0, f"{len(many)} records have more than one active link"
    assert linked == records and people == CALLS * CHILDREN_PER_CALL
