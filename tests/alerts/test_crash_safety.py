"""Alerts after an interrupted intake: whoever changed since they were last evaluated is evaluated.

Each test leaves the store as a crash (or an API call that failed after its records were
committed) would: records written, then nothing, or linking done and nothing after. Running
the intake again must then store exactly the alerts a full evaluation of the store gives.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from alarmbell.alerts.pending import take_due
from alarmbell.alerts.rescore import rescore
from alarmbell.cli import app as cli
from alarmbell.identity import link_people, person_ids_for_records
from alarmbell.identity.review import merge, unmerge
from alarmbell.ingest.service import ingest_file
from alarmbell.policy import default_policy
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.evaluation_due import clear_due, due_marks, mark_due
from alarmbell.storage.tables import AlertRow
from alarmbell.web.app import create_app
from tests.helpers import person, write_jsonl

POLICY = default_policy()
AlertKey = tuple[int, str, str]


def stored_alerts(engine: Engine) -> list[AlertKey]:
    with session_scope(engine) as session:
        rows = session.execute(select(AlertRow.person_id, AlertRow.raised_at, AlertRow.level)).all()
    return sorted((p, t.astimezone(UTC).isoformat(), level) for p, t, level in rows)


def full_evaluation(engine: Engine) -> list[AlertKey]:
    """What evaluating every person in the store gives (nothing stored)."""
    with session_scope(engine) as session:
        found = rescore(session, policy=POLICY, workers=1, store=False).alerts
    # Chronology times are London local time (the same instants): compare in UTC.
    return sorted((a.person_id, a.raised_at.astimezone(UTC).isoformat(), a.level.value) for a in found)


@pytest.fixture
def store(store_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    engine = make_engine(store_settings)
    yield engine
    engine.dispose()


def _ingest_cli(*files: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", *map(str, files)])
    assert result.exit_code == 0, result.output


def _first_half(source: Path, out: Path) -> Path:
    lines = source.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines[: len(lines) // 2]))
    return out


@pytest.mark.parametrize("killed_after", ["half the records", "the records", "linking"])
def test_rerun_after_a_kill_stores_every_alert(
    store: Engine, demo_case: Path, tmp_path: Path, killed_after: str
) -> None:
    """The issue's defect 1: killed after committing records, the re-run evaluated nobody."""
    if killed_after == "half the records":
        ingest_file(engine=store, path=_first_half(demo_case, tmp_path / "half.jsonl"))
    else:
        ingest_file(engine=store, path=demo_case)
    if killed_after == "linking":
        with session_scope(store) as session:
            link_people(session)
    _ingest_cli(demo_case)
    expected = full_evaluation(store)
    assert expected, "the demo case raises alerts"
    assert stored_alerts(store) == expected


def test_any_intake_evaluates_people_left_over_by_an_earlier_one(
    store: Engine, demo_case: Path, tmp_path: Path
) -> None:
    """Not only the new batch's people: an unrelated file evaluates what a crash left behind."""
    ingest_file(engine=store, path=demo_case)
    _ingest_cli(write_jsonl(tmp_path / "other.jsonl", [person("OTHER-1", family_name="Quill")]))
    assert stored_alerts(store) == full_evaluation(store)
    assert stored_alerts(store)


def test_rescore_evaluates_everyone_and_takes_every_mark_off(store: Engine, demo_case: Path) -> None:
    ingest_file(engine=store, path=demo_case)
    with session_scope(store) as session:
        link_people(session)
    with session_scope(store) as session:
        rescore(session, policy=POLICY, workers=1)
    assert stored_alerts(store) == full_evaluation(store)
    with session_scope(store) as session:
        assert due_marks(session.connection()) == []


def test_a_change_committed_during_a_refresh_stays_due(store: Engine, tmp_path: Path) -> None:
    _ingest_cli(write_jsonl(tmp_path / "one.jsonl", [person("P1")]))
    with session_scope(store) as session:
        ingest_file(engine=store, path=write_jsonl(tmp_path / "two.jsonl", [person("P2")]))
        work = take_due(session)
        with store.begin() as other:  # committed after this refresh read its marks
            mark_due(other, [("police", "P1")])
        clear_due(session.connection(), work.marks)
    with session_scope(store) as session:
        assert len(due_marks(session.connection())) == 1, "the late change is still due"


def test_merge_and_unmerge_make_both_people_due(store: Engine, demo_case: Path, tmp_path: Path) -> None:
    _ingest_cli(demo_case, write_jsonl(tmp_path / "x.jsonl", [person("X1", family_name="Quill")]))
    with session_scope(store) as session:
        found = person_ids_for_records(session, [("police", "X1")])
        child = stored_alerts(store)[0][0]
        assert take_due(session).people == ()
        merge(session, found[("police", "X1")], child, by="test", reason="same child")
    with session_scope(store) as session:
        assert child in take_due(session).people
        clear_due(session.connection(), take_due(session).marks)
    with session_scope(store) as session:
        left = unmerge(session, found[("police", "X1")], by="test", reason="not the same child")
    with session_scope(store) as session:
        assert {left, found[("police", "X1")]} <= set(take_due(session).people)


# -- the HTTP API: a call that failed after its records were committed, then sent again ---------

TOKENS = {f"{agency}-token-0123456789": agency for agency in ("police", "health", "education")} | {
    "csc-token-0123456789": "children_social_care"
}


@pytest.fixture
def api(store_settings: Settings) -> Iterator[tuple[FastAPI, TestClient]]:
    application = create_app(store_settings.model_copy(update={"api_tokens": TOKENS}))
    with TestClient(application) as client:
        yield application, client
    application.state.engine.dispose()


def _post_by_agency(client: TestClient, demo_case: Path, *, link: bool) -> None:
    by_agency: dict[str, list[dict[str, object]]] = {}
    for line in demo_case.read_text().splitlines():
        record = json.loads(line)
        by_agency.setdefault(record.pop("agency"), []).append(record)
    for token, agency in TOKENS.items():
        response = client.post(
            f"/api/v1/records?link={str(link).lower()}",
            json=by_agency[agency],
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text


def test_api_resend_after_a_failed_call_stores_every_alert(
    api: tuple[FastAPI, TestClient], demo_case: Path
) -> None:
    application, client = api
    _post_by_agency(client, demo_case, link=False)  # committed; the call then failed
    _post_by_agency(client, demo_case, link=True)  # the agency system sends it again
    engine = application.state.engine
    expected = full_evaluation(engine)
    assert expected
    assert stored_alerts(engine) == expected
