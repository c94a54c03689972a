"""Escalating overdue work while the web app runs, so escalation does not depend on a scheduler
someone has to remember to set up.

Escalation is driven by an explicit time (`triage.escalate_overdue(now=...)`) so that tests and
replays control the clock; before, only `alarmbell triage escalate` called it, from a scheduler.
A partnership that ran `alarmbell serve` without one (the demo, a pilot) saw no escalation at all:
a red alert nobody took on stayed with the MASH, and the team manager was never told. The server
now runs it at start (work that fell due while it was down escalates at once) and then every
`ALARMBELL_TRIAGE_ESCALATE_EVERY_MINUTES`. Several servers, or a server beside a scheduler, may
run it at once: each item still escalates once (`escalate_overdue` holds the items first).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.triage import TriageConfig, escalate_overdue

log = logging.getLogger("alarmbell.escalation")


class EscalationRunner:
    """A daemon thread that escalates overdue work now, then every `every`, until stopped."""

    def __init__(
        self,
        engine: Engine,
        config: TriageConfig,
        every: timedelta,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.engine, self.config, self.every, self.clock = engine, config, every, clock
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="alarmbell-escalation", daemon=True)
        #: Completed runs, and escalations made, since start (for the log and the tests).
        self.runs = self.escalations = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopped.is_set():
            self.run_once()
            self._stopped.wait(self.every.total_seconds())

    def run_once(self) -> None:
        """One escalation run. A failure (the store briefly locked or unreachable) is logged and
        the next run tries again: the thread must not die and leave escalation silently off."""
        try:
            with session_scope(self.engine) as session:
                made = escalate_overdue(session, config=self.config, now=self.clock())
        except Exception:
            log.exception("escalating overdue work failed; trying again in %s", self.every)
            return
        self.runs += 1
        self.escalations += len(made)
        for step in made:
            log.info(
                "escalated work item %s (%s) to the %s%s",
                step.item_id,
                step.team,
                step.to.replace("_", " "),
                f": {step.reason}" if step.reason else "",
            )


def escalation_runner(settings: Settings) -> EscalationRunner | None:
    """The runner `alarmbell serve` starts, on its own engine; None when the setting turns it off."""
    minutes = settings.triage_escalate_every_minutes
    if minutes <= 0:
        return None
    return EscalationRunner(
        make_engine(settings), TriageConfig.from_settings(settings), timedelta(minutes=minutes)
    )
