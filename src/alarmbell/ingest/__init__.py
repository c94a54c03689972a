"""Intake: format adapters turn agency files into validated exchange-format records."""

from alarmbell.ingest.base import AdapterRegistry, FieldError, SourceProgress
from alarmbell.ingest.dry_run import FileCheck, StoreView, check_file
from alarmbell.ingest.dry_run.page import render_page as render_check_page
from alarmbell.ingest.dry_run.text import render_text as render_check_text
from alarmbell.ingest.pipeline import WorkerFailed
from alarmbell.ingest.quarantine import (
    QuarantineEntry,
    RetrySummary,
    quarantine_count,
    quarantined,
    retry_page,
)
from alarmbell.ingest.service import (
    BATCH_AUDIT_ACTION,
    BatchHook,
    IngestSummary,
    Reporter,
    default_registry,
    ingest_file,
    ingest_lines,
    ingest_parsed,
    ingest_records,
)
from alarmbell.ingest.strict_json import repeated_keys_in_body

__all__ = [
    "BATCH_AUDIT_ACTION",
    "AdapterRegistry",
    "BatchHook",
    "FieldError",
    "FileCheck",
    "IngestSummary",
    "QuarantineEntry",
    "Reporter",
    "RetrySummary",
    "SourceProgress",
    "StoreView",
    "WorkerFailed",
    "check_file",
    "default_registry",
    "ingest_file",
    "ingest_lines",
    "ingest_parsed",
    "ingest_records",
    "quarantine_count",
    "quarantined",
    "render_check_page",
    "render_check_text",
    "repeated_keys_in_body",
    "retry_page",
]
