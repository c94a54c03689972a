"""A person's merged multi-agency chronology, built from the store."""

from alarmbell.chronology.render import chronology_json, chronology_lines
from alarmbell.chronology.service import build_chronology

__all__ = [
    "build_chronology",
    "chronology_json",
    "chronology_lines",
]
