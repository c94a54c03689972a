"""`POST /api/v1/records`: an agency system sends records with its token.

The token fixes the agency the records are sent for (`alarmbell users token create`); the
records go through web.intake, as the record-a-concern form's do. The body is capped at
MAX_BODY_BYTES as it is read (web.limits.BodyLimitMiddleware), never measured after.
"""

from __future__ import annotations

from typing import Any, Final

import orjson
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from alarmbell.access import Action, Principal
from alarmbell.ingest import repeated_keys_in_body
from alarmbell.storage.retry import retry_transient
from alarmbell.web.auth import actor_of, requires
from alarmbell.web.intake import ingest_agency_format, ingest_records, link_and_alert_after_commit
from alarmbell.web.intake_formats import agency_format

router = APIRouter()


MAX_RECORDS: Final[int] = 10_000


def token_agency(request: Request) -> str:
    """The one agency the bearer token may send for (the guard has checked the token)."""
    principal: Principal = request.state.principal
    assert principal.kind == "token" and principal.agency
    return principal.agency


def parse_records(body: bytes, content_type: str) -> list[Any]:
    """One JSON record, a JSON array of records, or JSON Lines (application/x-ndjson)."""
    if _is_json_lines(content_type):
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


def _is_json_lines(content_type: str) -> bool:
    return "ndjson" in content_type or "jsonl" in content_type


def _json(data: bytes, where: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise HTTPException(status_code=400, detail=f"{where}invalid JSON: {error}") from None


@router.post("/api/v1/records", tags=["v1"])
@requires(Action.API_INGEST, auth="token")
async def post_records(request: Request, link: bool = True) -> JSONResponse:
    """Exchange-format records, a FHIR Bundle or a CSV template (by content type, or ?format=)
    from an agency system; per-record errors say index, field and problem.

    Never reports stored records as failed (issue 19): the ingest is one transaction, retried
    whole if the database is busy, so an error means nothing was stored; once stored, a failure
    in linking or alerting is reported in the answer (`linked: false`), not as an error.
    """
    agency, actor = token_agency(request), actor_of(request.state.principal)
    body, content_type = await request.body(), request.headers.get("content-type", "")
    engine: Engine = request.app.state.engine
    format_name = agency_format(body, content_type, request.query_params.get("format"))
    if format_name is not None:
        result = await run_in_threadpool(
            retry_transient,
            lambda: ingest_agency_format(
                engine, body, format_name, source=f"api:{agency}", agency=agency, actor=actor
            ),
        )
    else:
        records = parse_records(body, content_type)
        repeated = repeated_keys_in_body(body, records, json_lines=_is_json_lines(content_type))
        result = await run_in_threadpool(
            retry_transient,
            lambda: ingest_records(
                engine, records, source=f"api:{agency}", agency=agency, actor=actor, repeated=repeated
            ),
        )
    answer = result.as_json()
    if link:  # even if nothing is new: a failed earlier call may have left people due
        policy = request.app.state.policy
        answer["linked"] = await run_in_threadpool(
            link_and_alert_after_commit, engine, policy, request.app.state.settings, result.summary.batch_id
        )
        if not answer["linked"]:
            answer["warnings"].append({"problem": LINK_DEFERRED})
    return JSONResponse(answer)


LINK_DEFERRED: Final[str] = (
    "The records are stored, but linking them to people and refreshing alerts did not finish; "
    "the next ingest or `alarmbell link` completes it. Do not send these records again."
)
