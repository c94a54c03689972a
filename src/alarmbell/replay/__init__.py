"""Replay: what alarmbell would have said, and when, over a past chronology."""

from alarmbell.replay.json_text import write_json
from alarmbell.replay.service import (
    AgencyReplay,
    ReplayHooks,
    ReplayResult,
    comparison_lines,
    replay_by_agency,
    replay_file,
)

__all__ = [
    "AgencyReplay",
    "ReplayHooks",
    "ReplayResult",
    "comparison_lines",
    "replay_by_agency",
    "replay_file",
    "write_json",
]
