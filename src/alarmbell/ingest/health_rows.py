"""What the health CSV formats share: the patient of a row, their age, and a safeguarding flag.

A trust's A&E extract, a community 0-19 service's contacts report and a PAS did-not-attend list
all name the patient by NHS number, so the patient is keyed `nhs:<number>` as in a trust's FHIR
bundle (fhir_keys.valid_nhs_key): every feed's rows about the child meet on one record, each
feed's copy kept (`feed`, ingest/feeds.py). A number that fails its check digit never keys the
record (it may be another child's): the system's own patient id does, else a hash of the names
and date of birth, and validation keeps the number with a warning.

The safeguarding flag (ECDS's safeguarding concern, a community record's safeguarding box) is
written as a yes or no, or as what the concern was ("Yes - Domestic abuse", "Child protection
concern"). A child's flagged concern is also a `child_welfare_concern` of its own, so the
indicators that count concerns about a child (several agencies concerned at once, a new
concern during a plan) count health's as they count a school's or the police's.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Final

import orjson

from alarmbell.domain.recorded_text import fold
from alarmbell.domain.yes_no import flag_word
from alarmbell.ingest.base import FieldError
from alarmbell.ingest.convert import Record
from alarmbell.ingest.fhir_keys import valid_nhs_key
from alarmbell.ingest.tabular import Row, sex

AGENCY: Final[str] = "health"
ADULT_AGE: Final[int] = 18
#: Under this age a child does not bring themselves: their missed appointment is was-not-brought.
BRINGS_THEMSELVES_AGE: Final[int] = 16
_NHS_DIGITS = re.compile(r"^\d{10}$")
#: Written in a safeguarding column, these say there was no concern.
NO_CONCERN: Final[frozenset[str]] = frozenset(
    {"none", "nil", "no concern", "no concerns", "none identified", "no safeguarding concerns", "nkc"}
)
#: These say nobody knows: the flag is left unread, the words kept.
NOT_KNOWN: Final[frozenset[str]] = frozenset(
    {"unknown", "not known", "nk", "n/k", "not assessed", "not recorded", "not asked", "not stated"}
)
#: Words that name a concern in a safeguarding column ("Child protection concern", "Adult at risk").
CONCERN_WORDS: Final[re.Pattern[str]] = re.compile(
    r"\b(concerns?|protection|at risk|child in need|abuse|neglect|exploitation|safeguarding|"
    r"domestic|referral|referred|fgm|self harm)\b"
)


def nhs_number(row: Row) -> str | None:
    """The NHS number without its spaces (`999 583 1228`); a number that is not 10 digits is an
    error naming the column (it cannot be kept on the record)."""
    written = row.text("nhs_number")
    if written is None:
        return None
    digits = "".join(written.split())
    if not _NHS_DIGITS.match(digits):
        raise FieldError(row.name("nhs_number"), f"{written!r}", "10 digits (spaces between groups are fine)")
    return digits


def patient_key(row: Row, nhs: str | None, local_id_column: str) -> str:
    """`nhs:<number>` when the check digit holds; else the system's own patient id; else a hash."""
    if (by_number := valid_nhs_key(nhs)) is not None:
        return by_number
    if (local := row.text(local_id_column)) is not None:
        return f"patient:{local}"
    surname, forename, dob = row.text("surname"), row.text("forename"), row.date("date_of_birth")
    if not (surname or forename) or dob is None:
        raise FieldError(
            row.name("nhs_number"),
            "empty or failing its check digit, and the row has no patient id, or name and date of "
            "birth, to key the patient by instead",
            "a valid NHS number, the system's patient id, or Surname or Forename and Date of Birth",
        )
    identity = [(v or "").casefold() for v in (surname, forename, dob)]
    return "patient:h-" + hashlib.blake2b(orjson.dumps(identity), digest_size=10).hexdigest()


def patient_record(row: Row, feed: str, local_id_column: str) -> Record:
    """The patient as the extract names them, keyed by patient_key, as one feed's copy."""
    nhs = nhs_number(row)
    person: Record = {
        "type": "person",
        "agency": AGENCY,
        "source_id": patient_key(row, nhs, local_id_column),
        "feed": feed,
        "nhs_number": nhs,
        "given_name": row.text("forename"),
        "family_name": row.text("surname"),
        "dob": row.date("date_of_birth"),
        "sex": sex(row, "gender"),
        "postcode": row.text("postcode"),
    }
    return {k: v for k, v in person.items() if v is not None}


def age_at(dob: str | None, moment: str) -> int | None:
    """Whole years of age on the (England) date the moment starts with; None without a full dob."""
    if dob is None or len(dob) != 10:
        return None
    born, on = date.fromisoformat(dob), date.fromisoformat(moment[:10])
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def safeguarding_flag(written: str | None) -> bool | None:
    """True when the column names a concern, False when it says there was none, None when it
    says nothing certain (blank, "Unknown", "Not assessed", or words naming no concern)."""
    if written is None:
        return None
    folded = fold(written)
    if (said := flag_word(written)) is not None:
        return said
    if folded in NO_CONCERN or folded in NOT_KNOWN:
        return False if folded in NO_CONCERN else None
    if folded.startswith(("yes ", "y ")) or CONCERN_WORDS.search(folded):
        return True
    return None


def welfare_concern(event: Record, written: str, raised_by: str) -> Record:
    """The child welfare concern a child's flagged safeguarding concern stands for, beside the
    event that recorded it (keyed from it, so loading the file again makes nothing new)."""
    return {
        "type": "event",
        "agency": AGENCY,
        "source_id": f"{event['source_id']}:concern",
        "kind": "child_welfare_concern",
        "occurred_at": event["occurred_at"],
        "subjects": event["subjects"],
        # The concern's words stay on the event that recorded them, read there once.
        "attrs": {
            "safeguarding_concern_as_written": written,
            "raised_by": raised_by,
            "from_event": event["source_id"],
        },
    }
