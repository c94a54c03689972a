"""The audit page (`/admin/audit`): the chain's state, and who viewed one person."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from alarmbell.access import Action
from alarmbell.audit import Subject, record_audit, verify_audit, who_viewed
from alarmbell.web.auth import PrincipalDep, actor_of, decided_person, requires
from alarmbell.web.deps import SessionDep
from alarmbell.web.rendering import render

router = APIRouter()


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
        request, "admin_audit.html", {"report": report, "person": person[:20], "viewings": viewings}
    )
