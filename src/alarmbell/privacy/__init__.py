"""Data protection: subject access exports (sar) and retention (retention)."""

from __future__ import annotations

from alarmbell.privacy.retention import past_retention, purge_person
from alarmbell.privacy.sar import subject_access_export

__all__ = [
    "past_retention",
    "purge_person",
    "subject_access_export",
]
