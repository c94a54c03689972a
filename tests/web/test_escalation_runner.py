"""`alarmbell serve` escalates overdue work itself: at start, then on its interval.

Before, only `alarmbell triage escalate` escalated, run by a scheduler someone had to set up;
without one, a red alert nobody took on was never put in front of the team manager.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.triage import TriageConfig, audit_trail
from alarmbell.web.escalation_runner import EscalationRunner, escalation_runner
from tests.triage.conftest import add, alert_item

NOW = datetime(2026, 4, 2, 18, 0, tzinfo=UTC)


@pytest.fixture
def runner(engine: Engine) -> Iterator[EscalationRunner]:
    made = EscalationRunner(engine, TriageConfig(), timedelta(seconds=0.2), clock=lambda: NOW)
    yield made
    made.stop()


def _steps(engine: Engine, item_id: int) -> list[str]:
    with session_scope(engine) as session:
        return [str(e.detail["to"]) for e in audit_trail(session, item_id) if e.kind == "escalated"]


def _wait_for(check: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not check():
        time.sleep(0.05)


def test_the_server_escalates_overdue_work_at_start_and_then_as_it_falls_due(
    engine: Engine, runner: EscalationRunner
) -> None:
    with session_scope(engine) as session:  # a red opened 9 hours ago, nobody took it on
        overdue = add(session, alert_item("red", NOW - timedelta(hours=9)))
    runner.start()
    _wait_for(lambda: runner.runs >= 1)
    assert _steps(engine, overdue) == ["team_manager", "head_of_service"]

    with session_scope(engine) as session:  # a red opened 5 hours ago: due to the manager since 1 h
        later = add(session, alert_item("red-later", NOW - timedelta(hours=5)))
    runs = runner.runs
    _wait_for(lambda: runner.runs >= runs + 2)
    assert _steps(engine, later) == ["team_manager"]
    assert _steps(engine, overdue) == ["team_manager", "head_of_service"]  # once each, however often it runs
    assert runner.escalations == 3


def test_a_failed_run_is_logged_and_the_next_one_still_runs(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with session_scope(engine) as session:
        add(session, alert_item("red", NOW - timedelta(hours=9)))
    broken = EscalationRunner(engine, TriageConfig(), timedelta(seconds=0.1), clock=lambda: "not a time")  # type: ignore[arg-type,return-value]
    broken.start()
    time.sleep(0.5)
    broken.stop()
    assert broken.runs == 0
    assert "escalating overdue work failed" in caplog.text
    assert caplog.text.count("escalating overdue work failed") >= 2


def test_the_setting_turns_it_off_for_a_deployment_whose_scheduler_escalates() -> None:
    assert escalation_runner(Settings(database_url="sqlite://", triage_escalate_every_minutes=0)) is None
    made = escalation_runner(Settings(database_url="sqlite://", triage_escalate_every_minutes=15))
    assert made is not None and made.every == timedelta(minutes=15)


def test_alarmbell_serve_escalates_with_no_scheduler(engine: Engine, store_settings: Settings) -> None:
    """The command as a partnership runs it, in its own process, on a store with overdue work."""
    with session_scope(engine) as session:
        overdue = add(session, alert_item("red", datetime.now(UTC) - timedelta(hours=9)))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "ALARMBELL_DATABASE_URL": store_settings.database_url,
        "ALARMBELL_PORT": str(port),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "alarmbell", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: len(_steps(engine, overdue)) == 2, seconds=60)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert _steps(engine, overdue) == ["team_manager", "head_of_service"]
