"""Data protection: subject access exports (sar) and retention (retention)."""

from __future__ import annotations

from alarmbell.privacy.sar import subject_access_export

__all__ = ["subject_access_export"]
