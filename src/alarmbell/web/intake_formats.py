"""The agencies' own formats over HTTP: `POST /api/v1/records` with a FHIR Bundle or a CSV template.

The format comes from the content type (`application/fhir+json`, a JSON body that is a FHIR
Bundle, `application/xml` for the CIN census) or, for CSV, from `?format=`, since one CSV
content type covers every template. The body goes through the same adapter and ingest service
as `alarmbell ingest FILE`, so the errors, quarantine and idempotence are the CLI's.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Final

import orjson
from fastapi import HTTPException
from sqlalchemy import Engine

from alarmbell.ingest import BatchHook, IngestSummary, default_registry, ingest_parsed

#: CSV templates (docs/formats/): sent as text/csv with ?format=NAME.
CSV_FORMATS: Final[tuple[str, ...]] = (
    "police-csv",
    "school-concerns-csv",
    "school-attendance-csv",
    "cin-csv",
    "csc-contacts-csv",
    "health-ed-csv",
    "health-community-csv",
    "health-wnb-csv",
)
_BUNDLE: Final[re.Pattern[bytes]] = re.compile(rb'"resourceType"\s*:\s*"Bundle"')


def agency_format(body: bytes, content_type: str, requested: str | None) -> str | None:
    """The agency format of the body, or None for exchange-format records (JSON, JSON Lines)."""
    kind = content_type.split(";")[0].strip().lower()
    if requested:
        known = sorted(default_registry().adapters)
        if requested not in known:
            raise HTTPException(
                status_code=400, detail=f"Unknown format {requested!r}; known: {', '.join(known)}."
            )
        return requested
    if kind == "application/fhir+json":
        return "fhir"
    if kind in ("text/csv", "application/csv"):
        raise HTTPException(
            status_code=400,
            detail="A CSV body needs ?format= naming its template: one of " + ", ".join(CSV_FORMATS) + ".",
        )
    if kind in ("application/xml", "text/xml"):
        return "cin-xml"
    if kind == "application/json" and _is_bundle(body):
        return "fhir"
    return None


def _is_bundle(body: bytes) -> bool:
    """A JSON object whose resourceType is Bundle (checked cheaply before parsing)."""
    if not _BUNDLE.search(body[:4096]):
        return False
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False
    return isinstance(parsed, dict) and parsed.get("resourceType") == "Bundle"


def ingest_agency_body(
    engine: Engine,
    body: bytes,
    format_name: str,
    *,
    source: str,
    agency: str,
    report: list[str],
    on_finish: BatchHook | None = None,
) -> IngestSummary:
    """Read the body as `format_name` exactly as the CLI reads a file, and ingest it."""
    adapter = default_registry().adapters[format_name]
    suffix = adapter.suffixes[0] if adapter.suffixes else ""
    with tempfile.TemporaryDirectory(prefix="alarmbell-api-") as folder:
        path = Path(folder) / f"body{suffix}"
        path.write_bytes(body)
        parsed = adapter.read(path, agency=agency)
        with engine.begin() as connection:  # one transaction, as ingest_lines: all or nothing
            return ingest_parsed(
                engine=engine,
                source=source,
                parsed=parsed,
                agency=agency,
                report=report.append,
                connection=connection,
                on_finish=on_finish,
            )
