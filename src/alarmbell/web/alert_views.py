"""Overriding an alert from the person page, and countersigning a red's override: plain POSTs.

CSRF is checked app-wide (web.auth) before the route runs; the form carries `csrf_token`.
The override is recorded under the signed-in user's name (never a typed one), with the reason;
a red alert's override waits for a team manager's countersignature (alerts.overrides).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import Response

from alarmbell.access import Action, TeamResource, person_decision
from alarmbell.access import decide as permitted
from alarmbell.alerts import OverrideError, countersign, override_alert, overrides_for_person
from alarmbell.audit import Subject, record_audit
from alarmbell.policy import Policy
from alarmbell.storage.tables import AlertRow
from alarmbell.triage import DECISIONS
from alarmbell.web.auth import actor_of, requires
from alarmbell.web.deps import PolicyDep, SessionDep
from alarmbell.web.limits import FORM_TEXT
from alarmbell.web.pages.person import build_person_page, indicator_notes, timeline_layout, timeline_svg
from alarmbell.web.pages.person_work import person_work
from alarmbell.web.rendering import render
from alarmbell.web.scoping import scoped_person_page

router = APIRouter()


def person_response(
    request: Request,
    session: Session,
    policy: Policy,
    person_id: int,
    *,
    errors: dict[str, str] | None = None,
    alert_id: int | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The person page, with the override forms' CSRF token (and their errors, after a bad POST)."""
    titles = {indicator.id: indicator.title for indicator in policy.indicators}
    page = build_person_page(
        session, person_id, now=datetime.now(UTC), rule_titles=titles, notes=indicator_notes(policy)
    )
    if page is None:
        raise HTTPException(status_code=404, detail=f"No person with id {person_id}.")
    page = scoped_person_page(request, session, page)
    principal = getattr(request.state, "principal", None)
    may_work = principal is not None and permitted(principal, Action.VIEW_TRIAGE, None).allowed
    whole_timeline = request.query_params.get("timeline") == "all"
    # The clipped layout says how many events it leaves out, also when every event is drawn.
    clipped = timeline_layout(page)
    drawn = timeline_layout(page, include_outliers=True) if whole_timeline else clipped
    context = {
        "page": page,
        "work": tuple(
            w
            for w in (person_work(session, person_id, now=datetime.now(UTC)) if may_work else ())
            if permitted(principal, Action.VIEW_TRIAGE, TeamResource(w.page.item.team)).allowed
        ),
        "may_decide": principal is not None and permitted(principal, Action.DECIDE_TRIAGE, None).allowed,
        "may_countersign": principal is not None and principal.role == "team_manager",
        # The review link is drawn only for those the review route lets in (no dead link).
        "may_review": person_decision(session, principal, Action.VIEW_REVIEW, person_id, policy).allowed,
        "decisions": DECISIONS,
        "done": str(request.query_params.get("done", ""))[:60],
        # The SVG is built by our own code with every piece of text escaped (render_svg).
        "timeline_svg": Markup(timeline_svg(page, drawn)),  # noqa: S704
        "timeline_whole": whole_timeline,
        "timeline_left_out": clipped.outliers,
        "override_errors": errors or {},
        "override_alert_id": alert_id,
        "override_form": form or {},
    }
    return render(request, "person.html", context, status_code=status_code)


def _number(text: str, what: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise HTTPException(status_code=404, detail=f"{what} ids are whole numbers.")
    return int(text)


def _form_errors(form: dict[str, str]) -> dict[str, str]:
    errors = {}
    if not form.get("reason", "").strip():
        errors["reason"] = "Enter why this alert does not call for action"
    return errors


@router.post("/people/{person}/alerts/{alert}/override", name="override_alert")
@requires(Action.OVERRIDE_ALERT, person="person")
async def override(
    request: Request, session: SessionDep, policy: PolicyDep, person: str, alert: str
) -> Response:
    person_id, alert_id = _number(person, "Person"), _number(alert, "Alert")
    row = session.get(AlertRow, alert_id)
    if row is None or row.person_id != person_id:
        raise HTTPException(status_code=404, detail=f"No alert {alert_id} for person {person_id}.")
    raw = await request.form()
    form = {k: v[:FORM_TEXT] for k, v in raw.items() if isinstance(v, str)}
    errors = _form_errors(form)
    if not errors:
        principal = request.state.principal
        try:
            done = override_alert(
                session,
                alert_id=alert_id,
                by=principal.name,
                reason=form["reason"],
                now=datetime.now(UTC),
                manager=principal.role == "team_manager",
            )
            record_audit(
                session,
                actor=actor_of(principal),
                action="alert.override",
                subject=Subject.person(person_id),
                detail={"alert": alert_id, "reason": form["reason"], "pending": done.pending},
            )
        except OverrideError as error:
            errors = {"reason": str(error)}
    if errors:
        return person_response(
            request, session, policy, person_id, errors=errors, alert_id=alert_id, form=form, status_code=400
        )
    return RedirectResponse(f"/people/{person_id}#alert-{alert_id}", status_code=303)


@router.post("/people/{person}/alerts/{alert}/countersign", name="countersign_override")
@requires(Action.COUNTERSIGN_OVERRIDE, person="person")
async def countersign_override(request: Request, session: SessionDep, person: str, alert: str) -> Response:
    """A team manager countersigns a red alert's pending override (another person's)."""
    person_id, alert_id = _number(person, "Person"), _number(alert, "Alert")
    pending = overrides_for_person(session, person_id).get(alert_id)
    if pending is None or not pending.pending:
        raise HTTPException(
            status_code=404, detail=f"No override of alert {alert_id} awaits a countersignature."
        )
    principal = request.state.principal
    try:
        countersign(session, override_id=pending.id, by=principal.name, now=datetime.now(UTC))
    except OverrideError as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    record_audit(
        session,
        actor=actor_of(principal),
        action="alert.countersign",
        subject=Subject.person(person_id),
        detail={"alert": alert_id, "override": pending.id},
    )
    return RedirectResponse(f"/people/{person_id}#alert-{alert_id}", status_code=303)
