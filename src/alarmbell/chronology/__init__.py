"""A person's merged multi-agency chronology, built from the store (one person, or in batches)."""

from alarmbell.chronology.assembly import (
    RECORDED_AT,
    assemble_chronology,
    event_columns,
    household_children,
    other_child_member,
    parental_adults,
)
from alarmbell.chronology.render import chronology_json, chronology_lines
from alarmbell.chronology.service import build_chronology

__all__ = [
    "RECORDED_AT",
    "assemble_chronology",
    "build_chronology",
    "chronology_json",
    "chronology_lines",
    "event_columns",
    "household_children",
    "other_child_member",
    "parental_adults",
]
