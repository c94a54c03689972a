"""Intake: format adapters turn agency files into validated exchange-format records."""

from alarmbell.ingest.base import FieldError
from alarmbell.ingest.service import (
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
    "FieldError",
    "IngestSummary",
    "Reporter",
    "default_registry",
    "ingest_file",
    "ingest_lines",
    "ingest_parsed",
    "ingest_records",
    "repeated_keys_in_body",
]
