"""Replay: what alarmbell would have said, and when, over a past chronology."""

from alarmbell.replay.service import ReplayHooks, comparison_lines, replay_by_agency, replay_file

__all__ = [
    "ReplayHooks",
    "comparison_lines",
    "replay_by_agency",
    "replay_file",
]
