"""A person's merged multi-agency chronology, built from the store."""

from alarmbell.chronology.service import build_chronology

__all__ = ["build_chronology"]
