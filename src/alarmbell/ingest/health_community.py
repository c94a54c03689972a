"""`health-community-csv`: a 0-19 service's contacts (health visiting, school nursing), as
SystmOne and EMIS Community reports export them, one row per contact.

A contact is a `health_visitor_contact` or, when its service or type says school nursing, a
`school_nurse_contact`. Its outcome decides what else it is: a child "Was Not Brought" (or
DNA) is a `missed_appointment`, the kind the was-not-brought indicators read; "No Access" is
the contact with `no_access`. A weight or height taken at the contact is a
`growth_measurement` of its own (the kind whose centiles the faltering-growth trend reads),
and the contact keeps the notes, so a weighing counts once. An injury the note places is read
onto the contact only when the row flags a safeguarding concern: a community note often
describes a parent's injury ("mum has a bruise on her face"), which is not the child's. See
docs/formats/health-community-csv.md.
"""

from __future__ import annotations

import re
from typing import Final

from alarmbell.domain.described_signs import noted_injuries
from alarmbell.domain.injuries import injury_attrs
from alarmbell.domain.recorded_text import fold
from alarmbell.ingest.base import FieldError, Problems
from alarmbell.ingest.convert import Record
from alarmbell.ingest.health_rows import (
    ADULT_AGE,
    AGENCY,
    BRINGS_THEMSELVES_AGE,
    age_at,
    patient_record,
    safeguarding_flag,
    welfare_concern,
)
from alarmbell.ingest.tabular import Row, RowAdapter

NOT_BROUGHT: Final[frozenset[str]] = frozenset(
    {"was not brought", "wnb", "dna", "did not attend", "not brought", "failed to attend", "fta"}
)
NO_ACCESS: Final[frozenset[str]] = frozenset({"no access", "no access visit", "no reply", "no answer"})
_CENTILE: Final = re.compile(
    r"^(?:<\s*)?(\d{1,2}(?:\.\d+)?|100)\s*(?:st|nd|rd|th)?(?:\s*centile)?$", re.IGNORECASE
)
#: (attr, column, lowest, highest, unit) of each measurement, the ranges validation holds (attrs.py).
MEASURES: Final[tuple[tuple[str, str, float, float, str], ...]] = (
    ("weight_kg", "weight_kg", 0.2, 200, "kg"),
    ("height_cm", "height_cm", 20, 250, "cm"),
)


def contact_kind(row: Row) -> str:
    """School nursing when the service or the contact type says so; health visiting otherwise."""
    said = " ".join(fold(row.text(c) or "") for c in ("service", "contact_type"))
    return "school_nurse_contact" if "school nurs" in said else "health_visitor_contact"


def centile(row: Row) -> float | None:
    """`50th`, `9th`, `0.4`, `<0.4th` as a number; a range ("9th-25th") says no one centile."""
    written = row.text("weight_centile")
    if written is None:
        return None
    match = _CENTILE.match(written.strip())
    if match is None:
        raise FieldError(
            row.name("weight_centile"), f"{written!r}", "one centile from 0 to 100, such as 50 or 50th"
        )
    return float(match.group(1))


def _measure(row: Row, column: str, low: float, high: float, unit: str) -> float | None:
    value = row.number(column)
    if value is not None and not low <= value <= high:
        raise FieldError(row.name(column), f"{value:g} {unit}", f"a number from {low:g} to {high:g} {unit}")
    return value


def measurements(row: Row, problems: Problems) -> Record:
    """The weight, height and centile taken, each bad one kept in `problems` (all are reported)."""
    attrs: Record = {}
    for attr, column, low, high, unit in MEASURES:
        if (value := problems.read(_measure, row, column, low, high, unit)) is not None:
            attrs[attr] = value
    if (centile_read := problems.read(centile, row)) is not None:
        attrs["weight_centile"] = centile_read
    return attrs


class HealthCommunityAdapter(RowAdapter):
    name = "health-community-csv"
    suffixes: tuple[str, ...] = (".community.csv",)
    required = ("event_id", "event_date")

    def convert(self, row: Row) -> list[Record]:
        problems = Problems()
        patient = problems.read(patient_record, row, "health-community-csv", "patient_id")
        measured = measurements(row, problems)
        problems.raise_any()
        assert patient is not None
        contact = self._contact(row, patient)
        records = [patient, contact]
        if measured:
            records.append(_growth(contact, measured))
        written = row.text("safeguarding_concern")
        age = age_at(patient.get("dob"), contact["occurred_at"])
        if contact["attrs"].get("safeguarding_concern") and age is not None and age < ADULT_AGE:
            assert written is not None
            records.append(welfare_concern(contact, written, contact_kind(row).replace("_", " ")))
        return records

    def _contact(self, row: Row, patient: Record) -> Record:
        occurred = row.moment("event_date", "event_time")
        assert occurred is not None
        outcome = fold(row.text("outcome") or "")
        attrs: Record = {
            key: value
            for key in ("service", "contact_type", "location", "outcome")
            if (value := row.text(key)) is not None
        }
        kind = contact_kind(row)
        if outcome in NOT_BROUGHT:
            kind = "missed_appointment"
            age = age_at(patient.get("dob"), occurred)
            if age is not None:
                attrs["was_not_brought"] = age < BRINGS_THEMSELVES_AGE
        elif outcome in NO_ACCESS:
            attrs.update(no_access=True, child_seen=False)
        attrs.update(self._safeguarding(row, kind))
        event: Record = {
            "type": "event",
            "agency": AGENCY,
            "source_id": "community:" + row.required("event_id", "the system's id for the contact"),
            "kind": kind,
            "occurred_at": occurred,
            "subjects": [patient["source_id"]],
            "attrs": attrs,
        }
        for key, column in (("text", "notes"), ("author", "staff_member")):
            if (value := row.text(column)) is not None:
                event[key] = value
        return event

    def _safeguarding(self, row: Row, kind: str) -> Record:
        """The flag, and the injuries the note places when a concern is flagged (a warning)."""
        written = row.text("safeguarding_concern")
        if written is None:
            return {}
        flag = safeguarding_flag(written)
        attrs: Record = {"safeguarding_concern_as_written": written}
        if flag is None:
            self.warn(
                row, "safeguarding_concern", f"{written!r} is kept as written, not read as a concern or none"
            )
            return attrs
        attrs["safeguarding_concern"] = flag
        notes = row.text("notes")
        points = list(noted_injuries(notes)) if flag and notes and kind != "missed_appointment" else []
        if points:
            read = ", ".join(f"{injury} at {site!r}" for site, injury in points)
            self.warn(row, "notes", f"read {read} from the note of a contact with a safeguarding concern")
            attrs.update(injury_attrs(points), injury_read_from="text")
        return attrs


def _growth(contact: Record, measured: Record) -> Record:
    """The weighing taken at the contact, as its own event keyed from the contact's."""
    return {
        "type": "event",
        "agency": AGENCY,
        "source_id": f"{contact['source_id']}:growth",
        "kind": "growth_measurement",
        "occurred_at": contact["occurred_at"],
        "subjects": contact["subjects"],
        "attrs": measured,
    }
