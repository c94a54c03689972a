"""Finding a person from what a user typed: a person id (`123`) or an agency record
(`health:HEA-123`). One parser, so every command and page accepts the same forms and rejects
the rest with the same words."""

from __future__ import annotations

from sqlalchemy.orm import Session

from alarmbell.domain.codes import canonical_code
from alarmbell.domain.errors import ServiceError
from alarmbell.domain.vocabulary import AGENCIES
from alarmbell.identity.people import person_ids_for_records, resolve

EXPECTED = "a person id (a number, e.g. 123) or an agency record as AGENCY:SOURCE_ID (e.g. health:HEA-123)"
#: Person ids are 64-bit; a longer number cannot be one (and PostgreSQL would refuse to compare it).
MAX_ID_DIGITS = 18


class PersonNotFound(ServiceError):
    """The text names no person; the message quotes it and says what was expected."""

    category = "not_found"


def find_person(session: Session, text: str) -> int:
    """The current person id (following merges) for `123` or an agency record `health:HEA-123`
    (`Health:HEA-123` too: the agency is read in any case or spacing, as intake reads it).

    Raises PersonNotFound when the text is neither form, or names no one in the store.
    """
    given = text.strip()
    if given.isascii() and given.isdigit():
        return _by_id(session, given)
    agency, colon, source_id = given.partition(":")
    if not (colon and agency and source_id):
        raise PersonNotFound(f"{text!r} is not a person: expected {EXPECTED}")
    written, agency = agency, canonical_code(agency, AGENCIES) or ""
    if not agency:
        raise PersonNotFound(
            f"{text!r}: {written!r} is not an agency; expected AGENCY:SOURCE_ID with AGENCY one of: "
            + ", ".join(AGENCIES)
            + " (case and spacing do not matter)"
        )
    found = person_ids_for_records(session, [(agency, source_id)]).get((agency, source_id))
    if found is None:
        raise PersonNotFound(
            f"no person has the {agency} record {source_id!r} (not received, or not yet linked)"
        )
    return found


def _by_id(session: Session, digits: str) -> int:
    if len(digits) > MAX_ID_DIGITS:
        raise PersonNotFound(f"{digits!r} is not a person id: expected at most {MAX_ID_DIGITS} digits")
    found = resolve(session, int(digits))
    if found is None:
        raise PersonNotFound(f"no person {int(digits)}: no one in the store has, or was merged from, that id")
    return found
