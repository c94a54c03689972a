"""Replay: what alarmbell would have said, and when, over a past chronology."""
