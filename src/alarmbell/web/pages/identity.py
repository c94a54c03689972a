"""The identity review queue in the browser: `/identity/review` and one pair per page.

Decisions are POSTed from a plain form (no script: the CSP allows none inline, and none is
needed). CSRF is checked app-wide (web.auth) before the route runs. The decision is recorded
as the signed-in user's, with the name the reviewer typed in brackets (as a concern's author
is), and with the reason; the audit log records it in the same transaction as the decision.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from starlette.responses import Response

from alarmbell.access import Action, Principal
from alarmbell.audit import Subject, record_audit
from alarmbell.identity import ReviewError, accept, reject
from alarmbell.web.auth import actor_of, requires
from alarmbell.web.deps import IdPath, SessionDep
from alarmbell.web.limits import FORM_TEXT
from alarmbell.web.pages.identity_review import build_review_item, build_review_list
from alarmbell.web.rendering import render

router = APIRouter()


@router.get("/identity/review", name="identity_review")
@requires(Action.VIEW_IDENTITY_REVIEW)
def review_list(request: Request, session: SessionDep, status: str = "pending", done: str = "") -> Response:
    page = build_review_list(session, status=status, done=done[:40])
    rows = [row for group in page.groups for row in group.rows]
    shown = sorted({p for row in rows for p in (row.left.person_id, row.right.person_id) if p is not None})
    record_audit(
        session,
        actor=actor_of(request.state.principal),
        action="identity.review_list",
        detail={"people": shown},
    )
    return render(request, "identity_review_list.html", {"page": page})


def _item_page(
    request: Request,
    session: SessionDep,
    review_id: int,
    *,
    errors: dict[str, str],
    form: dict[str, str],
    status_code: int = 200,
) -> Response:
    settings = request.app.state.settings
    page = build_review_item(session, review_id, unique_id_agencies=settings.unique_id_agencies)
    # The page shows each person's records, household and alert level: it is a view of both
    # people, so "who viewed" (and a subject access request) must list it, as for their page.
    for person in page.contexts:
        if person is not None:
            record_audit(
                session,
                actor=actor_of(request.state.principal),
                action="identity.review",
                subject=Subject.person(person.person_id),
                detail={"review_item": review_id},
            )
    # The chart is built by our own code with every piece of text escaped (render_weights_svg).
    context = {
        "page": page,
        "chart": Markup(page.chart_svg),  # noqa: S704
        "errors": errors,
        "form": form,
    }
    return render(request, "identity_review_item.html", context, status_code=status_code)


@router.get("/identity/review/{item}", name="identity_review_item")
@requires(Action.VIEW_IDENTITY_REVIEW)
def review_item(request: Request, session: SessionDep, item: IdPath) -> Response:
    return _item_page(request, session, item, errors={}, form={})


def _form_errors(form: dict[str, str]) -> dict[str, str]:
    errors = {}
    if form.get("decision") not in ("accept", "reject"):
        errors["decision"] = "Choose whether these records are the same person"
    if not form.get("by", "").strip():
        errors["by"] = "Enter your name"
    if not form.get("reason", "").strip():
        errors["reason"] = "Enter the reason for your decision"
    return errors


#: The longest `decided_by` a decision stores (storage.tables).
DECIDED_BY: Final[int] = 200


def decided_by(principal: Principal, typed: str) -> str:
    """The signed-in user, with the name they typed in brackets (which alone proves nothing):
    a merge joins two people's records, so who decided it must not be whatever was typed."""
    room = DECIDED_BY - len(principal.name) - len(" ()")
    typed = " ".join(typed.split())[: max(room, 0)]
    return f"{principal.name} ({typed})" if typed and typed != principal.name else principal.name


@router.post("/identity/review/{item}")
@requires(Action.DECIDE_IDENTITY)
async def decide(request: Request, session: SessionDep, item: IdPath) -> Response:
    review_id = item
    raw = await request.form()
    form = {k: v[:FORM_TEXT] for k, v in raw.items() if isinstance(v, str)}
    errors = _form_errors(form)
    if errors:
        return _item_page(request, session, review_id, errors=errors, form=form, status_code=400)
    by, reason = decided_by(request.state.principal, form["by"]), form["reason"].strip()
    try:
        if form["decision"] == "accept":
            accept(session, review_id, by=by, reason=reason)
        else:
            reject(session, review_id, by=by, reason=reason)
        record_audit(
            session,
            actor=actor_of(request.state.principal),
            action="identity.decide",
            subject=("identity_review", review_id),
            detail={"decision": form["decision"], "by": by, "reason": reason},
        )
    except ReviewError as error:
        return _item_page(
            request, session, review_id, errors={"decision": str(error)}, form=form, status_code=409
        )
    return RedirectResponse(f"/identity/review?done={form['decision']}ed-{review_id}", status_code=303)
