"""`csc-contacts-csv`: a children's social care contacts-and-referrals report, one row per contact
per child, as Liquidlogic and Mosaic report writers build it for a MASH.

Each row is a contact about one child, with the dates of what followed it in their own columns
(referral, strategy discussion, section 47 enquiry, initial conference, plan start and end).
The contact becomes a `referral` event (its source, reason and outcome); each step with a date
becomes its own event of the vocabulary on that date. Steps are keyed by the child, the kind
and the date, not by the contact, so a report that repeats a plan on each later contact's row
stores it once. See docs/formats/csc-contacts-csv.md.
"""

from __future__ import annotations

from typing import Final

from alarmbell.domain.codes import word_code
from alarmbell.domain.referral_outcomes import outcome_word
from alarmbell.ingest.cin.model import CATEGORY_WORDS
from alarmbell.ingest.convert import Record
from alarmbell.ingest.tabular import Row, RowAdapter, sex

AGENCY: Final[str] = "children_social_care"
OUTCOMES: Final[tuple[str, ...]] = ("nfa", "early_help", "assessment", "s47", "cp_plan", "closed")
#: Date column -> the event kind of the step it dates; `moment` columns keep their time.
STEPS: Final[tuple[tuple[str, str, bool], ...]] = (
    ("strategy_discussion_date", "strategy_discussion", True),
    ("s47_start_date", "section_47", False),
    ("icpc_date", "cp_conference", False),
    ("cp_plan_start_date", "cp_plan_start", False),
    ("cp_plan_end_date", "cp_plan_end", False),
)


def _person(row: Row, key: str) -> Record:
    nhs = row.text("nhs_number")
    person: Record = {
        "type": "person",
        "agency": AGENCY,
        "source_id": key,
        "given_name": row.text("forename"),
        "family_name": row.text("surname"),
        "dob": row.date("dob"),
        "sex": sex(row, "gender"),
        "upn": row.upn(required=False),
        "nhs_number": "".join(nhs.split()) if nhs else None,
        "role_hint": "child",
    }
    if not (person["given_name"] or person["family_name"] or person["upn"] or person["nhs_number"]):
        person["names_withheld"] = True
    return {k: v for k, v in person.items() if v is not None}


def _outcome(row: Row) -> str | None:
    """The referral's outcome, else the contact's, when its words name one of the list
    ("Single Assessment", "NFA - Information & Advice given"); a step ("Strategy Discussion")
    is not an outcome: its own date column makes its event."""
    for key in ("referral_outcome", "contact_outcome"):
        written = row.text(key)
        if written is not None and (outcome := outcome_word(written, OUTCOMES)) is not None:
            return outcome
    return None


def _referral(row: Row, child: str) -> Record:
    attrs: Record = {
        "from_agency": row.text("contact_source"),
        "referral_source": row.text("contact_source"),
        "reason": row.text("contact_reason"),
        "contact_outcome": row.text("contact_outcome"),
        "referral_date": row.moment("referral_date", required=False),
        "referral_outcome": row.text("referral_outcome"),
        "outcome": _outcome(row),
        "team": row.text("team"),
    }
    event: Record = {
        "type": "event",
        "agency": AGENCY,
        "source_id": f"contact:{row.required('contact_id', 'the contact id')}:{child}",
        "kind": "referral",
        "occurred_at": row.moment("contact_date"),
        "subjects": [child],
        "attrs": {k: v for k, v in attrs.items() if v is not None},
        "author": row.text("allocated_worker"),
    }
    return {k: v for k, v in event.items() if v is not None}


def _steps(row: Row, child: str) -> list[Record]:
    events: list[Record] = []
    for column, kind, keeps_time in STEPS:
        at = row.moment(column, required=False) if keeps_time else row.date(column)
        if at is None:
            continue
        attrs: Record = {}
        if kind == "section_47" and (outcome := row.text("s47_outcome")):
            attrs["s47_outcome"] = outcome
        if kind == "cp_plan_start" and (written := row.text("cp_category")):
            attrs["category"] = word_code(written, CATEGORY_WORDS) or written
            attrs["category_label"] = written
        events.append(
            {
                "type": "event",
                "agency": AGENCY,
                "source_id": f"{child}:{kind}:{at[:10]}",
                "kind": kind,
                "occurred_at": at,
                "subjects": [child],
                "attrs": attrs,
            }
        )
    return events


class CscContactsAdapter(RowAdapter):
    name = "csc-contacts-csv"
    suffixes: tuple[str, ...] = (".contacts.csv",)
    required = ("person_id", "contact_id", "contact_date")

    def convert(self, row: Row) -> list[Record]:
        child = "person:" + row.required("person_id", "the case system's id for the child")
        return [_person(row, child), _referral(row, child), *_steps(row, child)]
