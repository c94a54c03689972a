"""Overriding an alert: the service, `alarmbell alerts override`, and the person page's form.

An override records who, when, why, the alert's level, rules and policy version, for review of
the policy; it never stops the policy raising later, higher alerts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from alarmbell.alerts.overrides import (
    OverrideError,
    all_overrides,
    countersign,
    override_alert,
    overrides_for_person,
)
from alarmbell.alerts.service import alerts_for, refresh_alerts
from alarmbell.cli import app
from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file
from alarmbell.policy import default_policy, parse_policy
from alarmbell.policy.loader import default_policy_path
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import AlertOverride, AlertRow
from alarmbell.web.app import create_app
from tests.auth_support import sign_in
from tests.store_templates import SQLiteStores

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _demo_store(settings: Settings, demo_case: Path) -> int:
    """The demo case, linked and alerted; returns Leo's person id."""
    engine = make_engine(settings)
    ingest_file(engine=engine, path=demo_case)
    with session_scope(engine) as session:
        link_people(session)
        refresh_alerts(session, policy=default_policy())
    with session_scope(engine) as session:
        rows = session.scalars(select(AlertRow).order_by(AlertRow.raised_at, AlertRow.id)).all()
        leo = rows[0].person_id
    engine.dispose()
    return leo


def test_override_is_recorded_and_later_alerts_still_raised(
    store_settings: Settings, demo_case: Path
) -> None:
    leo = _demo_store(store_settings, demo_case)
    engine = make_engine(store_settings)
    with session_scope(engine) as session:
        first = alerts_for(session, leo)[0]
        done = override_alert(
            session,
            alert_id=first.id,
            by="A. Social Worker",
            reason="known accidental injury, seen by GP",
            now=NOW,
        )
        assert (done.level, done.policy_version, done.rules) == (
            first.level,
            first.policy_version,
            tuple(first.rules),
        )
    with session_scope(engine) as session:
        with pytest.raises(OverrideError, match="reason"):
            override_alert(session, alert_id=first.id, by="someone", reason="  ", now=NOW)
        with pytest.raises(OverrideError, match="no alert"):
            override_alert(session, alert_id=999_999, by="someone", reason="why", now=NOW)
    # A policy change that raises alerts at new moments (a lower amber threshold): the policy
    # keeps running after an override. (An edit that raises the same alarms at the same moments
    # stores nothing new: tests/triage/test_every_alert_is_work.py.)
    texts = [(p.name, p.read_bytes()) for p in sorted(default_policy_path().glob("*.yaml"))]
    changed = parse_policy([(n, b.replace(b"    amber: 11\n", b"    amber: 5\n", 1)) for n, b in texts])
    with session_scope(engine) as session:
        assert refresh_alerts(session, policy=changed, person_ids=[leo]) > 0
    with session_scope(engine) as session:
        overridden = overrides_for_person(session, leo)
        assert set(overridden) == {first.id}
        later = [a for a in alerts_for(session, leo) if a.id != first.id]
        assert any(a.level == "red" and a.id not in overridden for a in later)
        assert [o.reason for o in all_overrides(session)] == ["known accidental injury, seen by GP"]
    engine.dispose()


def test_cli_override_and_list(
    tmp_path: Path, demo_case: Path, monkeypatch: pytest.MonkeyPatch, sqlite_stores: SQLiteStores
) -> None:
    url = sqlite_stores.migrated(tmp_path, "cli.db")
    leo = _demo_store(Settings(database_url=url), demo_case)
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", url)
    runner = CliRunner()
    listing = runner.invoke(app, ["alerts"])
    assert listing.exit_code == 0 and f"person {leo}" in listing.output
    engine = make_engine(Settings(database_url=url))
    with session_scope(engine) as session:
        alert_id = alerts_for(session, leo)[-1].id
    engine.dispose()
    args = ["alerts", "override", str(alert_id), "--by", "J. Lead", "--reason", "seen by GP, accidental"]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert f"alert {alert_id}" in done.output and "J. Lead" in done.output
    assert "seen by GP, accidental" in runner.invoke(app, ["alerts", "overrides"]).output
    missing = runner.invoke(app, ["alerts", "override", "424242", "--reason", "x"])
    assert missing.exit_code == 2


def test_person_page_form_overrides_with_csrf(
    tmp_path: Path, demo_case: Path, sqlite_stores: SQLiteStores
) -> None:
    settings = Settings(database_url=sqlite_stores.migrated(tmp_path, "web.db"))
    leo = _demo_store(settings, demo_case)
    client = TestClient(create_app(settings))
    sign_in(client, role="mash_analyst")
    page = client.get(f"/people/{leo}")
    assert page.status_code == 200
    assert "Why this matters" in page.text and "Technical detail" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    action = re.search(r'action="(/people/\d+/alerts/(\d+)/override)"', page.text)
    assert token and action
    form = {
        "csrf_token": token.group(1),
        "by": "A. Social Worker",
        "reason": "known accidental injury, seen by GP",
    }
    other = TestClient(create_app(settings))
    sign_in(other, role="mash_analyst")  # signed in, but the token is not this browser's
    forged = other.post(action.group(1), data=form, follow_redirects=False)
    assert forged.status_code == 403
    empty = client.post(action.group(1), data={**form, "reason": ""}, follow_redirects=False)
    assert empty.status_code == 400 and "Enter why this alert does not call for action" in empty.text
    done = client.post(action.group(1), data=form, follow_redirects=False)
    assert done.status_code == 303
    after = client.get(f"/people/{leo}")
    # The newest alert is red: the analyst's override waits for a team manager's countersignature,
    # under the signed-in user's name (the typed "by" is ignored).
    assert "Override proposed, awaiting a team manager" in after.text
    assert "known accidental injury, seen by GP" in after.text and "A. Social Worker" not in after.text
    assert f'/alerts/{action.group(2)}/override"' not in after.text, "no second form on an overridden alert"
    assert f'/alerts/{action.group(2)}/countersign"' not in after.text, "an analyst may not countersign"
    manager = TestClient(create_app(settings))
    boss = sign_in(manager, role="team_manager", agency="children_social_care", team="mash")
    seen = manager.get(f"/people/{leo}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', seen.text)
    assert token and f'/alerts/{action.group(2)}/countersign"' in seen.text
    signed = manager.post(
        f"/people/{leo}/alerts/{action.group(2)}/countersign",
        data={"csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    final = client.get(f"/people/{leo}").text
    assert "Overridden</strong>" in final and f"countersigned by {boss.name}" in final
    wrong_person = client.post(f"/people/{leo + 1000}/alerts/{action.group(2)}/override", data=form)
    assert wrong_person.status_code == 404


@pytest.mark.parametrize("reason", ["x", ".", "nfa", "N/A"])
def test_an_override_needs_a_reason_not_a_mark(store_settings: Settings, reason: str) -> None:
    """`alarmbell alerts override 1 --reason x` overrode the alert: an override says the alert does
    not call for action, and needs a reason as "no further action" does."""
    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session, pytest.raises(OverrideError, match="reason"):
            override_alert(session, alert_id=999_999, by="someone", reason=reason, now=NOW)
    finally:
        engine.dispose()


def test_a_second_manager_countersigning_at_once_is_told_it_is_done(
    store_settings: Settings, demo_case: Path
) -> None:
    """The second manager's session read the override pending before the first committed."""
    leo = _demo_store(store_settings, demo_case)
    engine = make_engine(store_settings)
    with session_scope(engine) as session:
        red = next(a for a in alerts_for(session, leo) if a.level == "red")
        proposed = override_alert(
            session, alert_id=red.id, by="Ann Analyst", reason="known accident", now=NOW
        )
    with session_scope(engine) as second:
        read_before = second.get(AlertOverride, proposed.id)
        assert read_before is not None and read_before.countersigned_at is None
        with session_scope(engine) as first:
            countersign(first, override_id=proposed.id, by="Mo Manager", now=NOW)
        with pytest.raises(OverrideError, match="needs no countersignature"):
            countersign(second, override_id=proposed.id, by="Jo Manager", now=NOW)
    with session_scope(engine) as session:
        assert overrides_for_person(session, leo)[red.id].countersigned_by == "Mo Manager"
    engine.dispose()
