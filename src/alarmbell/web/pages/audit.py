"""The audit page (`/admin/audit`): the chain's state, and who viewed one person."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from alarmbell.access import Action
from alarmbell.audit import Subject, record_audit, verify_audit, who_viewed
from alarmbell.domain.wording import humanise
from alarmbell.identity import PersonNotFound, find_person, ids_of_one_person, view
from alarmbell.web.auth import PrincipalDep, actor_of, decided_person, requires
from alarmbell.web.deps import SessionDep
from alarmbell.web.rendering import render

router = APIRouter()

#: Who-viewed's actions in an administrator's words: she answers a family or an inspector, who
#: ask what was done with the record, not which route was called ("person.view").
VIEWING_WORDS: Final[dict[str, str]] = {
    "person.view": "Opened the person page",
    "person.chronology": "Read the chronology",
    "person.export": "Exported the record",
    "person.sar_export": "Subject access export",
    "review.view": "Read the multi-agency review",
    "review.export": "Downloaded the multi-agency review",
    "break_glass": "Break-glass access",
    "concern.form": "Opened the record-a-concern form about them",
    "concern.record": "Recorded a concern about them",
    "concern.confirmation": "Read the confirmation of a concern they recorded about them",
    "identity.review": "Identity review of their records",
    "triage.item": "Opened a work item about them",
    "people.search": "Saw them in search results",
    "alerts.list": "Saw them in the list of people with alerts",
    "concerns.mine": "Saw them in Concerns you recorded",
    "identity.review_list": "Saw them in the identity review list",
    "reviews.list": "Saw them in the list of reviews",
    "reports.unanswered": "Saw them in the unanswered alarms report",
    "triage.reported": "Saw them in What you reported",
    "triage.queue": "Saw them in a work queue",
    "triage.analytics": "Saw them in workload analytics",
}


def viewing_words(action: str) -> str:
    return VIEWING_WORDS.get(action, humanise(action))


@router.get("/admin/audit", name="admin_audit", include_in_schema=False)
@requires(Action.VIEW_AUDIT, person="person", person_from="query")
def audit_page(request: Request, session: SessionDep, principal: PrincipalDep, person: str = "") -> Response:
    """The chain's state, and who viewed one person (the question a family or inspector asks)."""
    number = decided_person(request)
    viewings = who_viewed(session, ids_of_one_person(session, number)) if number is not None else []
    if number is not None:
        record_audit(
            session, actor=actor_of(principal), action="audit.who_viewed", subject=Subject.person(number)
        )
    asked = person.strip()[:20]
    named, problem = _named(session, asked, number)
    report = verify_audit(session)
    return render(
        request,
        "admin_audit.html",
        {
            "report": report,
            "person": asked,
            "named": named,
            "problem": problem,
            "viewings": viewings,
            "viewing_words": viewing_words,
        },
    )


def _named(session: Session, asked: str, number: int | None) -> tuple[str | None, str | None]:
    """The name of the person asked about, or what is wrong with what was typed.

    Without it a name typed in the box, or a number no one has, answered "No one has viewed this
    person's record": an auditor told a family nobody had looked when the question was never asked.
    """
    if not asked:
        return None, None
    if number is None:
        return None, f"{asked!r} is not a person number. Enter the number only, for example 123."
    try:
        found = view(session, find_person(session, str(number)))
    except PersonNotFound as error:
        return None, f"There is {error}. Check the number."
    return (found.display_name if found else None), None
