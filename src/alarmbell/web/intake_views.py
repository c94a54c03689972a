"""Intake over HTTP: the record-a-concern form and `POST /api/v1/records`.

Both end in the ingest service (`ingest_lines`), exactly as `alarmbell ingest` does, so a bad
record gets the same error, quarantine and idempotency whichever way it came in. After each
intake both link identities and refresh the alerts of everyone due (alerts/pending.py).

Access: the form needs a signed-in user who may record for the agency chosen (their own; MASH
analysts any), with CSRF checked app-wide (web.auth). The API needs an agency system's token
(`alarmbell users token create`), which fixes the agency the records are sent for.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Final

import orjson
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from alarmbell.access.policy import Action, AgencyResource, Principal, decide
from alarmbell.alerts.pending import refresh_due_alerts
from alarmbell.identity import link_people, person_ids_for_records
from alarmbell.ingest.service import IngestSummary, ingest_lines
from alarmbell.policy.model import Policy
from alarmbell.storage.db import session_scope
from alarmbell.web.auth import requires
from alarmbell.web.intake_form import (
    FormErrors,
    check_choices,
    choices,
    concern_event,
    date_from_parts,
    existing_person,
    new_person,
    text,
)
from alarmbell.web.pages.search import build_search
from alarmbell.web.rendering import render

router = APIRouter()

MAX_BODY_BYTES: Final[int] = 10 * 1024 * 1024
MAX_RECORDS: Final[int] = 10_000
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


def ingest_records(engine: Engine, records: list[Any], *, source: str, agency: str | None) -> IntakeResult:
    """Records -> exchange-format lines -> the ingest service; line N is the Nth record."""
    messages: list[str] = []
    lines = [orjson.dumps(r) + b"\n" for r in records]
    summary = ingest_lines(engine=engine, source=source, lines=lines, agency=agency, report=messages.append)
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


def link_and_alert(engine: Engine, policy: Policy) -> None:
    """What `alarmbell ingest` does after a file: link identities, then evaluate everyone due.

    Everyone due, not only this call's people: a call that failed after committing its records
    left them due, and sending the same records again finds them unchanged.
    """
    with session_scope(engine) as session:
        link_people(session)
    with session_scope(engine) as session:
        refresh_due_alerts(session, policy=policy)


# --- POST /api/v1/records ----------------------------------------------------------------


def token_agency(request: Request) -> str:
    """The one agency the bearer token may send for (the guard has checked the token)."""
    principal: Principal = request.state.principal
    assert principal.kind == "token" and principal.agency
    return principal.agency


def parse_records(body: bytes, content_type: str) -> list[Any]:
    """One JSON record, a JSON array of records, or JSON Lines (application/x-ndjson)."""
    if len(body) > MAX_BODY_BYTES:
        raise HTTPException(status_code=413, detail=f"At most {MAX_BODY_BYTES} bytes per request.")
    if "ndjson" in content_type or "jsonl" in content_type:
        records: list[Any] = []
        for number, line in enumerate(body.splitlines(), start=1):
            if line.strip():
                records.append(_json(line, f"line {number}: "))
    else:
        parsed = _json(body, "")
        records = parsed if isinstance(parsed, list) else [parsed]
    if not records:
        raise HTTPException(status_code=400, detail="No records: send a JSON object or a JSON array of them.")
    if len(records) > MAX_RECORDS:
        raise HTTPException(status_code=413, detail=f"At most {MAX_RECORDS} records per request.")
    return records


def _json(data: bytes, where: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise HTTPException(status_code=400, detail=f"{where}invalid JSON: {error}") from None


@router.post("/api/v1/records", tags=["v1"])
@requires(Action.API_INGEST, auth="token")
async def post_records(request: Request, link: bool = True) -> JSONResponse:
    """Exchange-format records from an agency system; per-record errors say index, field and problem."""
    agency = token_agency(request)
    records = parse_records(await request.body(), request.headers.get("content-type", ""))
    engine: Engine = request.app.state.engine
    result = await run_in_threadpool(ingest_records, engine, records, source=f"api:{agency}", agency=agency)
    if link:
        await run_in_threadpool(link_and_alert, engine, request.app.state.policy)
    return JSONResponse(result.as_json())


# --- /record-concern -----------------------------------------------------------------------


def _form_page(
    request: Request, form: dict[str, str], errors: FormErrors, status_code: int = 200
) -> Response:
    q = request.query_params.get("q", "") or form.get("q", "")
    with session_scope(request.app.state.engine) as session:
        search = build_search(session, q)
        chosen = form.get("person", "")
        preselected = _person_option(session, chosen) if chosen.isdigit() else None
    context = {
        "form": form,
        "errors": errors,
        "search": search,
        "preselected": preselected,
        "choices": choices(),
    }
    return render(request, "record_concern.html", context, status_code=status_code)


def _person_option(session: Any, chosen: str) -> dict[str, Any] | None:
    from alarmbell.identity import view

    person = view(session, int(chosen))
    if person is None:
        return None
    return {"person_id": person.person_id, "name": person.display_name, "dob": person.dob}


@router.get("/record-concern", name="record_concern")
@requires(Action.RECORD_CONCERN)
def record_concern_form(request: Request, person: str = "", q: str = "") -> Response:
    form = {"person": person, "q": q, "submission_id": uuid.uuid4().hex}
    return _form_page(request, form, FormErrors())


@router.post("/record-concern")
@requires(Action.RECORD_CONCERN)
async def record_concern(request: Request) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    agency = text(form, "agency")
    if agency and not decide(request.state.principal, Action.RECORD_CONCERN, AgencyResource(agency)).allowed:
        errors = FormErrors()
        errors.add("agency", "Choose your own agency: you may only record concerns for it")
        return _form_page(request, form, errors, status_code=400)
    outcome = await run_in_threadpool(_record, request, form)
    if isinstance(outcome, FormErrors):
        return _form_page(request, form, outcome, status_code=400)
    return RedirectResponse(f"/people/{outcome}", status_code=303)


def _record(request: Request, form: dict[str, str]) -> int | FormErrors:
    """Build, ingest, link, refresh: the child's person id, or the errors to show."""
    engine: Engine = request.app.state.engine
    errors = FormErrors()
    check_choices(form, errors)
    occurred = date_from_parts(form, "occurred", "Date of the concern", errors)
    if occurred is None and not errors.for_field("occurred-day"):
        errors.add("occurred-day", "Enter the date of the concern")
    submission = re.sub(r"[^0-9a-f]", "", text(form, "submission_id"))[:32] or uuid.uuid4().hex
    agency, key = text(form, "agency"), f"web:{submission}"
    records = _person_records(engine, form, agency, key, errors)
    if errors or records is None or occurred is None:
        return errors
    person_key, person_records = records
    event = concern_event(form, agency, key, person_key, occurred)
    result = ingest_records(engine, [*person_records, event], source="web form", agency=agency)
    if result.errors:
        for error in result.errors:
            errors.add(_FIELD_IDS.get(error["field"], "text"), f"{error['field']}: {error['problem']}")
        return errors
    link_and_alert(engine, request.app.state.policy)
    with session_scope(engine) as session:
        found = person_ids_for_records(session, [(agency, person_key)])
    return found.get((agency, person_key), 0) or errors


_FIELD_IDS: Final[dict[str, str]] = {
    "given_name": "given_name",
    "family_name": "family_name",
    "dob": "dob-day",
    "nhs_number": "nhs_number",
    "upn": "upn",
    "postcode": "postcode",
    "occurred_at": "occurred-day",
    "kind": "kind",
    "agency": "agency",
}


def _person_records(
    engine: Engine, form: dict[str, str], agency: str, key: str, errors: FormErrors
) -> tuple[str, list[dict[str, Any]]] | None:
    chosen = text(form, "person")
    if chosen == "new":
        person = new_person(form, agency, f"{key}:person", errors)
        return (f"{key}:person", [person]) if person else None
    if not chosen.isdigit() or errors.for_field("agency"):
        return None
    with session_scope(engine) as session:
        found = existing_person(session, int(chosen), agency)
    if found is None:
        errors.add("person", "That person is not in the store any more; search again")
        return None
    source_id, record = found
    return source_id, [record] if record else []
