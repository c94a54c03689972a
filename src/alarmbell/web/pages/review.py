"""The review report on the web: a page, and the same report as PDF and Markdown downloads.

`?as_of=YYYY-MM-DD` shows what alarmbell knew, showed and recommended on that date. Access is
the app's: each route declares its permission (reading a review, exporting one) and the
app-wide guard decides and audits (docs/security.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.responses import Response

from alarmbell.access import Action
from alarmbell.audit import record_audit
from alarmbell.policy import Policy
from alarmbell.review import (
    ReviewReport,
    context,
    install_filters,
    render_markdown,
    render_pdf,
    review_report,
)
from alarmbell.settings import Settings
from alarmbell.web.auth import actor_of, requires
from alarmbell.web.deps import IdPath, PolicyDep, SessionDep, SettingsDep
from alarmbell.web.pages.reviews import build_reviews_page
from alarmbell.web.rendering import render

router = APIRouter()


@router.get("/reviews", name="reviews")
@requires(Action.LIST_REVIEWS)
def reviews_page(request: Request, session: SessionDep, policy: PolicyDep) -> Response:
    """The children whose review this user may open (a reviewer's start page); the list is audited."""
    principal = request.state.principal
    page = build_reviews_page(session, principal, policy)
    record_audit(
        session, actor=actor_of(principal), action="reviews.list", detail={"people": page.person_ids}
    )
    return render(request, "reviews.html", {"page": page})


@router.get("/people/{person_id}/review", name="review")
@requires(Action.VIEW_REVIEW, person="person_id", audit="review.view")
def review_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    policy: PolicyDep,
    person_id: IdPath,
    as_of: str = "",
) -> Response:
    day, error = _as_of(as_of)
    report = _report(session, settings, policy, person_id, day)
    templates: Jinja2Templates = request.app.state.templates
    install_filters(templates.env)
    values = {**context(report), "as_of_error": error}
    return render(request, "review.html", values, status_code=400 if error else 200)


@router.get("/people/{person_id}/review.pdf", name="review_pdf")
@requires(Action.EXPORT_REVIEW, person="person_id", audit="review.export")
def review_pdf(
    session: SessionDep, settings: SettingsDep, policy: PolicyDep, person_id: IdPath, as_of: str = ""
) -> Response:
    report = _report(session, settings, policy, person_id, _strict(as_of))
    headers = {"Content-Disposition": f'attachment; filename="{_filename(report)}.pdf"'}
    return Response(render_pdf(report), media_type="application/pdf", headers=headers)


@router.get("/people/{person_id}/review.md", name="review_markdown")
@requires(Action.EXPORT_REVIEW, person="person_id", audit="review.export")
def review_markdown(
    session: SessionDep, settings: SettingsDep, policy: PolicyDep, person_id: IdPath, as_of: str = ""
) -> Response:
    report = _report(session, settings, policy, person_id, _strict(as_of))
    headers = {"Content-Disposition": f'attachment; filename="{_filename(report)}.md"'}
    return Response(render_markdown(report), media_type="text/markdown; charset=utf-8", headers=headers)


def _as_of(text: str) -> tuple[date | None, str | None]:
    """The date asked for, or (None, a message saying what to enter)."""
    if not text:
        return None, None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, "Enter a real date, for example 2011-06-30"


def _strict(text: str) -> date | None:
    day, error = _as_of(text)
    if error:
        raise HTTPException(status_code=400, detail=error)
    return day


def _report(
    session: Session, settings: Settings, policy: Policy, person_id: int, day: date | None
) -> ReviewReport:
    found = review_report(
        session,
        person_id=person_id,
        policy=policy,
        as_of=day,
        now=datetime.now(UTC),
        alert_working_days=settings.triage_alert_working_days,
    )
    if found is None:
        raise HTTPException(status_code=404, detail=f"No person with id {person_id}.")
    return found


def _filename(report: ReviewReport) -> str:
    suffix = f"-as-of-{report.as_of.date().isoformat()}" if report.as_of else ""
    return f"alarmbell-review-{report.person_id}{suffix}"
