"""`alarmbell check`: what an ingest of these files would do, with nothing stored.

A council's data team runs it before sending a file: the same adapters and the same validation
as `alarmbell ingest` (so the counts are the ones ingest would give), compared read-only with
the configured store for "unchanged", plus what ingest does not say in one place: which columns
were used and which ignored, identifiers that fail their check, the date range, and one example
of each kind of error.
"""

from __future__ import annotations

from alarmbell.ingest.dry_run.model import ErrorKind, FileCheck, StoreView
from alarmbell.ingest.dry_run.run import check_file

__all__ = ["ErrorKind", "FileCheck", "StoreView", "check_file"]
