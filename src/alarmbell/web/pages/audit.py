"""The audit page (`/admin/audit`): the chain's state, and who viewed one person."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Request
from starlette.responses import Response

from alarmbell.access import Action
from alarmbell.audit import Subject, record_audit, verify_audit, who_viewed
from alarmbell.domain.wording import humanise
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
    "identity.review": "Identity review of their records",
    "triage.item": "Opened a work item about them",
    "people.search": "Saw them in search results",
    "alerts.list": "Saw them in the list of people with alerts",
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
    viewings = who_viewed(session, [number]) if number is not None else []
    if number is not None:
        record_audit(
            session, actor=actor_of(principal), action="audit.who_viewed", subject=Subject.person(number)
        )
    report = verify_audit(session)
    return render(
        request,
        "admin_audit.html",
        {"report": report, "person": person[:20], "viewings": viewings, "viewing_words": viewing_words},
    )
