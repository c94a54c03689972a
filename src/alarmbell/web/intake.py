"""Intake over HTTP, shared by the record-a-concern form and `POST /api/v1/records`.

Both end in the ingest service (`ingest_records`), exactly as `alarmbell ingest` does, so a bad
record gets the same error, quarantine and idempotency whichever way it came in. After each
intake both link identities and refresh the alerts of everyone due (alerts/pending.py).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from alarmbell.audit import Actor, audit_each
from alarmbell.ingest import BATCH_AUDIT_ACTION, FieldError, IngestSummary
from alarmbell.ingest import ingest_records as ingest_decoded
from alarmbell.policy import Policy
from alarmbell.settings import Settings
from alarmbell.storage.retry import retry_transient
from alarmbell.triage import link_and_refresh
from alarmbell.web.intake_formats import ingest_agency_body

log = logging.getLogger("alarmbell.intake")


_MESSAGE = re.compile(r"^(?P<line>\d+): (?P<field>[^:]+): (?P<problem>.*)$", re.S)


@dataclass
class IntakeResult:
    """What an intake call did, with every message of the ingest service, parsed per record."""

    summary: IngestSummary
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        s = self.summary
        return {
            "batch_id": s.batch_id,
            "accepted": s.accepted,
            "rejected": s.rejected,
            "unchanged": s.unchanged,
            "held": s.held,
            "errors": self.errors,
            "warnings": self.warnings,
        }


def ingest_records(
    engine: Engine,
    records: list[Any],
    *,
    source: str,
    agency: str | None,
    actor: Actor,
    repeated: dict[int, FieldError] | None = None,
) -> IntakeResult:
    """Records -> the ingest service; line N is the Nth record. `repeated`: records that had a key twice.

    The batch is audited as `actor` (the API token, the signed-in user) in its own transaction."""
    messages: list[str] = []
    summary = ingest_decoded(
        engine=engine,
        source=source,
        records=records,
        repeated=repeated,
        agency=agency,
        report=messages.append,
        on_finish=audit_each(actor, BATCH_AUDIT_ACTION),
    )
    return intake_result(summary, messages, source)


def ingest_agency_format(
    engine: Engine, body: bytes, format_name: str, *, source: str, agency: str, actor: Actor
) -> IntakeResult:
    """A FHIR Bundle or CSV template body, read as `alarmbell ingest` reads the same file, and
    audited as `actor` in the batch's transaction."""
    messages: list[str] = []
    audited = audit_each(actor, BATCH_AUDIT_ACTION)
    summary = ingest_agency_body(
        engine, body, format_name, source=source, agency=agency, report=messages, on_finish=audited
    )
    return intake_result(summary, messages, source)


def intake_result(summary: IngestSummary, messages: list[str], source: str) -> IntakeResult:
    """The ingest service's messages as per-record errors and warnings (line N = record N)."""
    result = IntakeResult(summary)
    for message in messages:
        parsed = _MESSAGE.match(message.removeprefix(f"{source}:"))
        if parsed is None:
            continue
        entry = {"index": int(parsed["line"]) - 1, "line": int(parsed["line"]), "field": parsed["field"]}
        problem = parsed["problem"]
        if problem.startswith("warning: "):
            result.warnings.append({**entry, "problem": problem.removeprefix("warning: ")})
        elif "is held until" in problem:
            result.warnings.append({**entry, "problem": problem})
        else:
            result.errors.append({**entry, "problem": problem})
    return result


def link_and_alert(engine: Engine, policy: Policy, settings: Settings) -> None:
    """What `alarmbell ingest` does after a file: link identities, then evaluate everyone due
    and route each new alert to work in the same transaction.

    Everyone due, not only this call's people: a call that failed after committing its records
    left them due, and sending the same records again finds them unchanged.
    """
    link_and_refresh(engine, settings=settings, policy=policy, now=datetime.now(UTC))


def link_and_alert_after_commit(engine: Engine, policy: Policy, settings: Settings, batch_id: int) -> bool:
    """`link_and_alert`, retried if the database is busy; False (logged) if it still fails.

    The records are already committed, so a failure here must not turn into an error answer.
    Both steps are idempotent (the linker skips linked records, alerts already stored are kept).
    """
    try:
        retry_transient(lambda: link_and_alert(engine, policy, settings))
    except Exception:
        log.exception("batch %d: records stored, but linking and alert refresh failed", batch_id)
        return False
    return True
