"""`health-ed-csv`: an acute trust's emergency department attendances, as its Emergency Care Data
Set (ECDS) extract holds them, one row per attendance.

ECDS codes the chief complaint, injury mechanism and intent, and diagnosis in SNOMED CT; a
trust's extract for a MASH carries their display terms ("Contusion of face", "Fracture of
radius", "Scald of hand"), with the diagnosis's side in a column of its own. The diagnosis
names the injury and where it is, so it makes the body map the early-warning indicators read;
an injury the clinician's note places elsewhere ("Old yellow bruise L cheek") is added to it,
with a warning, as the note of an attendance sent with no coded injury is read (validate.py).
A query of NAI in the note is read by validation (note_opinions.py). See
docs/formats/health-ed-csv.md.
"""

from __future__ import annotations

import re
from typing import Final

from alarmbell.domain.body_sites import same_place
from alarmbell.domain.described_signs import described_injuries, noted_injuries, placed_injuries
from alarmbell.domain.injuries import injury_attrs
from alarmbell.ingest.convert import Record
from alarmbell.ingest.health_rows import (
    ADULT_AGE,
    AGENCY,
    age_at,
    patient_record,
    safeguarding_flag,
    welfare_concern,
)
from alarmbell.ingest.tabular import Row, RowAdapter

_SIDED: Final = re.compile(r"\b(left|right|l|r|lt|rt|bilateral|both)\b", re.IGNORECASE)
SIDES: Final[dict[str, str]] = {
    "left": "left",
    "l": "left",
    "lt": "left",
    "right": "right",
    "r": "right",
    "rt": "right",
}
#: Cells kept in attrs as written, by the attr that holds each.
KEPT: Final[tuple[tuple[str, str], ...]] = (
    ("arrival_mode", "arrival_mode"),
    ("chief_complaint", "chief_complaint"),
    ("injury_mechanism", "injury_mechanism"),
    ("injury_intent", "injury_intent"),
    ("injury_place", "injury_place"),
    ("diagnosis", "diagnosis"),
    ("secondary_diagnosis", "secondary_diagnosis"),
    ("anatomical_side", "anatomical_side"),
    ("discharge_destination", "discharge_destination"),
)


def _sided(site: str, side: str | None) -> str:
    """The diagnosis's site with the side its own column gives, unless the site says one."""
    if side is None or _SIDED.search(site):
        return site
    return f"{side} {site}"


def diagnosis_points(
    diagnosis: str | None, side_written: str | None, secondary: str | None = None
) -> list[tuple[str, str]]:
    """(site, injury) pairs the diagnoses name: the primary's on the side the side column gives
    (the column is the primary diagnosis's), then each secondary one's (`;` between several)."""
    side = SIDES.get((side_written or "").strip().lower())
    points = [(_sided(site, side), kind) for site, kind in placed_injuries(diagnosis)] if diagnosis else []
    for part in (secondary or "").split(";"):
        points += [point for point in placed_injuries(part) if point not in points]
    return points


class HealthEdAdapter(RowAdapter):
    name = "health-ed-csv"
    suffixes: tuple[str, ...] = (".ed.csv",)
    required = ("attendance_id", "arrival_date")

    def convert(self, row: Row) -> list[Record]:
        patient = patient_record(row, "health-ed-csv", "hospital_number")
        event: Record = {
            "type": "event",
            "agency": AGENCY,
            "source_id": "ed:" + row.required("attendance_id", "the attendance's id"),
            "kind": "ed_attendance",
            "occurred_at": row.moment("arrival_date", "arrival_time"),
            "subjects": [patient["source_id"]],
            "attrs": self._attrs(row),
        }
        for key, column in (("text", "clinician_notes"), ("author", "seen_by")):
            if (value := row.text(column)) is not None:
                event[key] = value
        records = [patient, event]
        written = row.text("safeguarding_concern")
        age = age_at(patient.get("dob"), event["occurred_at"])
        if event["attrs"].get("safeguarding_concern") and age is not None and age < ADULT_AGE:
            assert written is not None
            records.append(welfare_concern(event, written, "emergency department"))
        return records

    def _attrs(self, row: Row) -> Record:
        attrs: Record = {key: value for key, column in KEPT if (value := row.text(column)) is not None}
        if (injured_on := row.date("injury_date")) is not None:
            attrs["injury_date"] = injured_on
        attrs.update(self._body_map(row))
        written = row.text("safeguarding_concern")
        flag = safeguarding_flag(written)
        if flag is not None:
            attrs["safeguarding_concern"] = flag
        if written is not None:
            attrs["safeguarding_concern_as_written"] = written
            if flag is None:
                self.warn(row, "safeguarding_concern", _unread_flag(written))
        return attrs

    def _body_map(self, row: Row) -> Record:
        """The diagnosis's injuries, then those the note places elsewhere (said in a warning)."""
        diagnosis = row.text("diagnosis")
        points = diagnosis_points(diagnosis, row.text("anatomical_side"), row.text("secondary_diagnosis"))
        if not points:
            kinds = described_injuries(diagnosis) if diagnosis else frozenset()
            return {"injury": next(iter(kinds))} if len(kinds) == 1 else {}
        notes = row.text("clinician_notes")
        extra = (
            [p for p in noted_injuries(notes) if not any(same_place(p[0], s) for s, _ in points)]
            if notes
            else []
        )
        if extra:
            read = ", ".join(f"{kind} at {site!r}" for site, kind in extra)
            self.warn(row, "clinician_notes", f"read {read} from the note, beside the diagnosis's injury")
        attrs = injury_attrs([*points, *extra])
        if extra:
            attrs["injury_read_from"] = "diagnosis and text"
        return attrs


def _unread_flag(written: str) -> str:
    return (
        f"{written!r} is kept as written, not read as a concern or as none (expected Yes, No, or "
        "the concern in words, e.g. 'Child protection concern')"
    )
