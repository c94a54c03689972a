"""Every path that stores an alert also opens (or updates) its work item, in the same transaction.

The paths: `alarmbell ingest` (and `link`), `POST /api/v1/records`, the record-a-concern form and
`alarmbell rescore`; replay does the same in its throwaway store (tests/replay/test_replay.py).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from alarmbell.cli import app as cli
from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file
from alarmbell.policy import default_policy, default_policy_path
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import AlertRow, TriageEvent, TriageItem
from alarmbell.triage import TriageConfig
from alarmbell.triage.alert_work import open_alert_item, refresh_and_route
from alarmbell.triage.service import decide
from alarmbell.web.app import create_app
from alarmbell.web.pages.triage_data import build_item_page
from tests.auth_support import sign_in

TOKENS = {f"{agency}-token-0123456789": agency for agency in ("police", "health", "education")} | {
    "csc-token-0123456789": "children_social_care"
}


def unrouted(engine: Engine) -> tuple[int, list[int]]:
    """(amber and red alerts stored, the ids of those with no work item)."""
    with session_scope(engine) as session:
        alerts = set(session.scalars(select(AlertRow.id).where(AlertRow.level.in_(("amber", "red")))))
        keys = set(session.scalars(select(TriageItem.source_key).where(TriageItem.kind == "alert")))
        noted = {
            (e.detail or {}).get("alert_id")
            for e in session.scalars(select(TriageEvent).where(TriageEvent.kind == "new_evidence"))
        }
    return len(alerts), sorted(a for a in alerts if f"alert:{a}" not in keys and a not in noted)


@pytest.fixture
def store(store_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    engine = make_engine(store_settings)
    yield engine
    engine.dispose()


def test_cli_ingest_routes_every_alert(store: Engine, demo_case: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(demo_case)])
    assert result.exit_code == 0, result.output
    assert "work:" in result.output and "MASH queue" in result.output
    alerts, missing = unrouted(store)
    assert alerts >= 5 and missing == []
    with session_scope(store) as session:
        teams = set(session.scalars(select(TriageItem.team).where(TriageItem.kind == "alert")))
    assert teams == {"MASH"}


def test_rescore_routes_the_alerts_it_stores(store: Engine, demo_case: Path) -> None:
    ingest_file(engine=store, path=demo_case)
    with session_scope(store) as session:
        link_people(session)
    assert unrouted(store) == (0, [])
    result = CliRunner().invoke(cli, ["rescore", "--workers", "1"])
    assert result.exit_code == 0, result.output
    alerts, missing = unrouted(store)
    assert alerts >= 5 and missing == []


@pytest.fixture
def api(store_settings: Settings) -> Iterator[tuple[FastAPI, TestClient]]:
    application = create_app(store_settings.model_copy(update={"api_tokens": TOKENS}))
    with TestClient(application) as client:
        yield application, client
    application.state.engine.dispose()


def test_the_records_api_routes_every_alert(api: tuple[FastAPI, TestClient], demo_case: Path) -> None:
    application, client = api
    by_agency: dict[str, list[dict[str, object]]] = {}
    for line in demo_case.read_text().splitlines():
        record = json.loads(line)
        by_agency.setdefault(record.pop("agency"), []).append(record)
    for token, agency in TOKENS.items():
        response = client.post(
            "/api/v1/records", json=by_agency[agency], headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200 and response.json()["linked"] is True, response.text
    alerts, missing = unrouted(application.state.engine)
    assert alerts >= 5 and missing == []


def _days_to_now() -> int:
    """Days from the day after the demo case's last record (29 February 2012) to yesterday."""
    return (datetime.now(UTC).date() - timedelta(days=1) - date(2012, 3, 1)).days


def _brought_forward(demo_case: Path, days: int, folder: Path) -> Path:
    """The demo case with every date (dates of birth and of events) moved `days` later."""
    moved = []
    for line in demo_case.read_text().splitlines():
        record = json.loads(line)
        for name in ("dob", "occurred_at"):
            if record.get(name):
                day, rest = record[name][:10], record[name][10:]
                record[name] = (date.fromisoformat(day) + timedelta(days=days)).isoformat() + rest
        moved.append(json.dumps(record))
    path = folder / "demo-case-now.jsonl"
    path.write_text("\n".join(moved) + "\n")
    return path


def test_a_concern_about_a_red_child_updates_his_open_item_in_the_same_request(
    api: tuple[FastAPI, TestClient], demo_case: Path, tmp_path: Path
) -> None:
    """The form: new evidence on a red child updates his open MASH item in the same request.

    The form records a concern as known now (session 17; before, at its occurred date), and
    early warning knows a record from when it was recorded: so the demo case is brought forward
    to end yesterday, and Leo is a red child now, as a practitioner would find him."""
    application, client = api
    engine = application.state.engine
    shift = _days_to_now()
    ingest_file(engine=engine, path=_brought_forward(demo_case, shift, tmp_path))
    with session_scope(engine) as session:
        link_people(session)
    with session_scope(engine) as session:
        refresh_and_route(session, policy=default_policy(), config=TriageConfig(), now=datetime.now(UTC))
    with session_scope(engine) as session:
        leo = next(a.person_id for a in session.scalars(select(AlertRow).where(AlertRow.level == "red")))
        item = open_alert_item(session, leo)
        assert item is not None and item.alert_level == "red"
        item_id = item.id
        before = session.scalar(select(AlertRow.id).order_by(AlertRow.id.desc()).limit(1)) or 0
        events_before = session.scalar(select(TriageEvent.id).order_by(TriageEvent.id.desc()).limit(1)) or 0
    sign_in(client, role="mash_analyst", agency="children_social_care", team="mash")
    concern_day = date(2012, 2, 20) + timedelta(days=shift)
    page = client.get("/record-concern?q=Leo")
    person = re.search(r'name="person" type="radio" value="(\d+)"', page.text)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    submission = re.search(r'name="submission_id" value="([^"]+)"', page.text)
    assert person and token and submission, page.text
    response = client.post(
        "/record-concern",
        data={
            "csrf_token": token.group(1),
            "submission_id": submission.group(1),
            "person": person.group(1),
            "agency": "education",
            "kind": "injury_observed",
            "occurred-day": str(concern_day.day),
            "occurred-month": str(concern_day.month),
            "occurred-year": str(concern_day.year),
            "category": "injury",
            "injury-1-site": "left_ear",
            "injury-1-type": "bruise",
            "text": "Bruising behind the left ear and on the cheek.",
            "author": "Class teacher",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    confirmation = client.get(response.headers["location"]).text  # what the analyst is told
    assert "added your concern as new evidence to Leo Brennan's red alert" in confirmation
    assert "The alert is in the MASH queue (team: " in confirmation
    with session_scope(engine) as session:
        # Leo's item is still open. Known now, the injury makes indicators apply that did not
        # the day before (injury in a household with domestic abuse): a "new evidence on a red
        # child" alert, added to his open item rather than queued again (docs/triage.md).
        new = list(session.scalars(select(AlertRow).where(AlertRow.id > before)))
        assert [(a.person_id, a.level) for a in new] == [(leo, "red")]
        assert new[0].explanation.startswith("New evidence on a red child: injury")
        steps = session.scalars(
            select(TriageEvent).where(TriageEvent.item_id == item_id, TriageEvent.id > events_before)
        ).all()
        assert [(e.kind, e.detail["alert_id"]) for e in steps] == [("new_evidence", new[0].id)]
        his_items = select(func.count()).select_from(TriageItem).where(TriageItem.person_id == leo)
        assert session.scalar(his_items) == 1
    assert unrouted(engine)[1] == []


def test_evidence_on_an_open_item_is_added_to_it_once_not_raised(store: Engine, demo_case: Path) -> None:
    """Leo's item stays undecided: later records feeding indicators already applying are added to
    it as `evidence_added`, and re-evaluating him adds nothing twice (docs/triage.md)."""
    ingest_file(engine=store, path=demo_case)
    policy, config = default_policy(), TriageConfig()
    with session_scope(store) as session:
        link_people(session)
        refresh_and_route(session, policy=policy, config=config, now=datetime.now(UTC), everyone=True)
    with session_scope(store) as session:
        added = session.scalars(select(TriageEvent).where(TriageEvent.kind == "evidence_added")).all()
        renotified = [
            a for a in session.scalars(select(AlertRow)) if a.explanation.startswith("New evidence")
        ]
        assert added, "evidence on the open item was added to it"
        assert len(added) > len(renotified), "most new evidence updates the item rather than alerting"
        assert all(e.detail["indicators"] and e.detail["evidence"] for e in added)
        refresh_and_route(session, policy=policy, config=config, now=datetime.now(UTC), everyone=True)
    with session_scope(store) as session:
        again = session.scalars(select(TriageEvent).where(TriageEvent.kind == "evidence_added")).all()
        assert len(again) == len(added)
    assert unrouted(store)[1] == []


def test_the_items_history_names_what_new_evidence_fed_by_the_indicators_titles(
    store: Engine, demo_case: Path
) -> None:
    """As the alert card does: "evidence for: Injuries seen by more than one agency", not an id in
    words (after a colon, so a title's capital does not sit mid-sentence)."""
    ingest_file(engine=store, path=demo_case)
    policy = default_policy()
    titles = {i.id: i.title for i in policy.indicators}
    with session_scope(store) as session:
        link_people(session)
        refresh_and_route(session, policy=policy, config=TriageConfig(), now=datetime.now(UTC), everyone=True)
    with session_scope(store) as session:
        added = session.scalars(select(TriageEvent).where(TriageEvent.kind == "evidence_added")).all()
        newest = max(added, key=lambda e: e.id)
        page = build_item_page(session, item_id=newest.item_id, now=datetime.now(UTC))
    added_rows = [row.detail for row in page.audit if row.kind == "evidence added"]
    shown = {detail.split(", evidence for: ", 1)[1] for detail in added_rows}
    expected = {
        "; ".join(titles[i] for i in e.detail["indicators"]) for e in added if e.item_id == newest.item_id
    }
    assert shown and shown == expected


def _policy_copy(tmp_path: Path, edit: Callable[[str], str]) -> Path:
    """A copy of the shipped policy with `edit` applied to its YAML: a new policy version."""
    folder = tmp_path / "policy"
    shutil.copytree(default_policy_path(), folder)
    yaml = folder / "default.yaml"
    yaml.write_text(edit(yaml.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def _decide_every_alert_item(engine: Engine) -> int:
    with session_scope(engine) as session:
        items = list(session.scalars(select(TriageItem).where(TriageItem.kind == "alert")))
        for item in items:
            decide(
                session,
                item_id=item.id,
                by="Team Manager",
                decision="strategy_discussion",
                rationale="strategy discussion held with the police and the school",
                now=datetime(2026, 12, 1, tzinfo=UTC),
                manager=True,
            )
    return len(items)


def _alert_items(engine: Engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        return [
            (i.status, i.title) for i in session.scalars(select(TriageItem).where(TriageItem.kind == "alert"))
        ]


def test_a_policy_edit_does_not_reopen_work_already_decided(
    store: Engine, demo_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same alarm at the same moment under a new policy version is the same alarm.

    Keyed by policy version, a comment added to the policy made `rescore` store every child's
    alerts again and open a new work item for each child whose alerts were already decided.
    """
    assert CliRunner().invoke(cli, ["ingest", str(demo_case)]).exit_code == 0
    decided = _decide_every_alert_item(store)
    assert decided >= 2
    monkeypatch.setenv(
        "ALARMBELL_POLICY_DIR", str(_policy_copy(tmp_path, lambda text: text + "\n# edited\n"))
    )
    result = CliRunner().invoke(cli, ["rescore", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "0 new work items" in result.output
    assert [status for status, _ in _alert_items(store)] == ["decided"] * decided


def test_a_policy_change_that_raises_new_alerts_still_opens_work(
    store: Engine, demo_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(cli, ["ingest", str(demo_case)]).exit_code == 0
    decided = _decide_every_alert_item(store)
    with session_scope(store) as session:
        before = session.scalar(select(func.count()).select_from(AlertRow)) or 0
    lower = _policy_copy(tmp_path, lambda text: text.replace("    amber: 11\n", "    amber: 5\n", 1))
    monkeypatch.setenv("ALARMBELL_POLICY_DIR", str(lower))
    result = CliRunner().invoke(cli, ["rescore", "--workers", "1"])
    assert result.exit_code == 0, result.output
    with session_scope(store) as session:
        after = session.scalar(select(func.count()).select_from(AlertRow)) or 0
    assert after > before
    assert len(_alert_items(store)) > decided
