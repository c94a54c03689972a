"""The natural key every exchange-format record carries.

An agency's record is named by (agency, source_id) wherever it travels: linking, chronology,
policy hits and review all key on it, and none of them needs alarmbell's identity to do so.
"""

from __future__ import annotations

RecordKey = tuple[str, str]
"""(agency, source_id): the natural key of any source record."""
