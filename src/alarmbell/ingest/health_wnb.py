"""`health-wnb-csv`: a patient administration system's outpatient did-not-attend list, one row
per appointment, as a trust runs it for its safeguarding team.

The PAS writes the Commissioning Data Set's "attended or did not attend" code (3: did not
attend; 2: cancelled by the patient; 7: arrived late and not seen; 5 and 6: seen; 4: cancelled
by the hospital; 0: not yet due) and often its words. A child under 16 who did not attend was
not brought; an older patient did not attend (`was_not_brought` false). A cancellation by the
family is kept, as was_not_brought false. Appointments that were attended, cancelled by the
hospital or not yet due are checked and then dropped on purpose, as good school attendance is:
they are not safeguarding records. The specialty and clinic are the `service` the
known-health-need indicator reads ("Trauma & Orthopaedics", "Community Paediatrics - Growth").
See docs/formats/health-wnb-csv.md.
"""

from __future__ import annotations

from typing import Final

from alarmbell.domain.recorded_text import fold
from alarmbell.ingest.base import FieldError, Problems
from alarmbell.ingest.convert import Record
from alarmbell.ingest.health_rows import AGENCY, BRINGS_THEMSELVES_AGE, age_at, patient_record
from alarmbell.ingest.tabular import Row, RowAdapter

#: CDS code -> what became of the appointment.
CODES: Final[dict[str, str]] = {
    "0": "not_due",
    "2": "patient_cancelled",
    "3": "did_not_attend",
    "4": "hospital_cancelled",
    "5": "attended",
    "6": "attended",
    "7": "late_not_seen",
}
#: The status as PAS screens and staff write it -> the same.
STATUS_WORDS: Final[dict[str, str]] = {
    "dna": "did_not_attend",
    "did not attend": "did_not_attend",
    "was not brought": "did_not_attend",
    "wnb": "did_not_attend",
    "not brought": "did_not_attend",
    "failed to attend": "did_not_attend",
    "fta": "did_not_attend",
    "patient cancelled": "patient_cancelled",
    "cancelled by patient": "patient_cancelled",
    "pt cancelled": "patient_cancelled",
    "could not attend": "patient_cancelled",
    "cna": "patient_cancelled",
    "hospital cancelled": "hospital_cancelled",
    "cancelled by hospital": "hospital_cancelled",
    "attended": "attended",
    "seen": "attended",
    "arrived late but seen": "attended",
    "arrived late not seen": "late_not_seen",
    "arrived late, not seen": "late_not_seen",
    "not yet due": "not_due",
    "booked": "not_due",
}
#: Outcomes that are a missed appointment; the others are dropped.
MISSED: Final[frozenset[str]] = frozenset({"did_not_attend", "patient_cancelled", "late_not_seen"})


def _from_code(row: Row) -> str | None:
    written = row.text("attend_code")
    if written is None:
        return None
    if (outcome := CODES.get(written.strip())) is None:
        raise FieldError(
            row.name("attend_code"), f"{written!r}", "a CDS attendance code: " + ", ".join(CODES)
        )
    return outcome


def _from_words(row: Row) -> str | None:
    written = row.text("attend_status")
    if written is None:
        return None
    if (outcome := STATUS_WORDS.get(fold(written))) is None:
        raise FieldError(
            row.name("attend_status"),
            f"{written!r}",
            "a status such as DNA, Did Not Attend, Patient Cancelled",
        )
    return outcome


def appointment_outcome(row: Row) -> str:
    """What became of the appointment, from its code or its words; both must agree."""
    problems = Problems()
    by_code, by_words = problems.read(_from_code, row), problems.read(_from_words, row)
    problems.raise_any()
    if by_code and by_words and by_code != by_words:
        raise FieldError(
            row.name("attend_status"),
            f"{row.text('attend_status')!r} differs from Attend Code {row.text('attend_code')!r}",
            "the status the code stands for, or only one of them",
        )
    if (outcome := by_code or by_words) is None:
        raise FieldError(
            row.name("attend_code"), "empty, and so is the status", "an attendance code or status"
        )
    return outcome


class HealthWnbAdapter(RowAdapter):
    name = "health-wnb-csv"
    suffixes: tuple[str, ...] = (".wnb.csv",)
    required = ("appointment_id", "appointment_date")

    def convert(self, row: Row) -> list[Record]:
        problems = Problems()
        outcome = problems.read(appointment_outcome, row)
        patient = problems.read(patient_record, row, "health-wnb-csv", "hospital_number")
        problems.raise_any()
        assert outcome is not None and patient is not None
        if outcome not in MISSED:
            return []
        occurred = row.moment("appointment_date", "appointment_time")
        assert occurred is not None
        attrs: Record = {"attendance": outcome}
        if outcome == "did_not_attend" and (age := age_at(patient.get("dob"), occurred)) is not None:
            attrs["was_not_brought"] = age < BRINGS_THEMSELVES_AGE
        elif outcome != "did_not_attend":
            attrs["was_not_brought"] = False
        services = [s for c in ("specialty", "clinic_name") if (s := row.text(c)) is not None]
        if services:
            attrs["service"] = services
        for key in ("appointment_type", "consultant", "attend_code", "attend_status"):
            if (value := row.text(key)) is not None:
                attrs[key] = value
        event: Record = {
            "type": "event",
            "agency": AGENCY,
            "source_id": "appointment:" + row.required("appointment_id", "the PAS's id for the appointment"),
            "kind": "missed_appointment",
            "occurred_at": occurred,
            "subjects": [patient["source_id"]],
            "attrs": attrs,
        }
        if (comments := row.text("comments")) is not None:
            event["text"] = comments
        return [patient, event]
