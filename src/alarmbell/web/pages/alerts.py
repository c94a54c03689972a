"""Alerts in the browser: the list of children with alerts, a practitioner's start page (`/mine`),
and overriding an alert from the person page or countersigning a red's override (plain POSTs).

CSRF is checked app-wide (web.auth) before the route runs; the form carries `csrf_token`.
The override is recorded under the signed-in user's name (never a typed one), with the reason;
a red alert's override waits for a team manager's countersignature (alerts.overrides).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from alarmbell.access import Action, findable_people
from alarmbell.alerts import OverrideError, countersign, override_alert, overrides_for_person
from alarmbell.audit import Subject, record_audit
from alarmbell.presentation import agency_label
from alarmbell.storage.tables import AlertRow
from alarmbell.web.auth import actor_of, requires, visible_scopes
from alarmbell.web.deps import IdPath, PolicyDep, SessionDep
from alarmbell.web.limits import FORM_TEXT
from alarmbell.web.pages.alert_list import AlertListPage, build_alert_list
from alarmbell.web.pages.my_agency import concerns_recorded_by
from alarmbell.web.pages.people import person_response
from alarmbell.web.rendering import render
from alarmbell.web.scoping import scoped_alert_list, scoped_concerns

router = APIRouter()


def _form_errors(form: dict[str, str]) -> dict[str, str]:
    errors = {}
    if not form.get("reason", "").strip():
        errors["reason"] = "Enter why this alert does not call for action"
    return errors


@router.post("/people/{person}/alerts/{alert}/override", name="override_alert")
@requires(Action.OVERRIDE_ALERT, person="person")
async def override(
    request: Request, session: SessionDep, policy: PolicyDep, person: IdPath, alert: IdPath
) -> Response:
    person_id, alert_id = person, alert
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
        # The answer is the whole person page again (with the form's errors): a read of the
        # record like GET /people/{id}, so it is audited like one.
        record_audit(
            session,
            actor=actor_of(request.state.principal),
            action="person.view",
            subject=Subject.person(person_id),
            detail={
                "route": "/people/{person}/alerts/{alert}/override",
                "scope": request.state.decision.scope.value,
                "alert": alert_id,
                "refused": True,
            },
        )
        return person_response(
            request, session, policy, person_id, errors=errors, alert_id=alert_id, form=form, status_code=400
        )
    return RedirectResponse(f"/people/{person_id}#alert-{alert_id}", status_code=303)


@router.post("/people/{person}/alerts/{alert}/countersign", name="countersign_override")
@requires(Action.COUNTERSIGN_OVERRIDE, person="person")
async def countersign_override(
    request: Request, session: SessionDep, person: IdPath, alert: IdPath
) -> Response:
    """A team manager countersigns a red alert's pending override (another person's)."""
    person_id, alert_id = person, alert
    pending = overrides_for_person(session, person_id).get(alert_id)
    if pending is None or not pending.pending:
        raise HTTPException(
            status_code=404, detail=f"No override of alert {alert_id} awaits a countersignature."
        )
    principal = request.state.principal
    countersign(session, override_id=pending.id, by=principal.name, now=datetime.now(UTC))
    record_audit(
        session,
        actor=actor_of(principal),
        action="alert.countersign",
        subject=Subject.person(person_id),
        detail={"alert": alert_id, "override": pending.id},
    )
    return RedirectResponse(f"/people/{person_id}#alert-{alert_id}", status_code=303)


#: Rows of each list on the start page; the full lists are a link away.
MINE_ROWS = 10


@router.get("/alerts", name="alerts")
@requires(Action.LIST_ALERTS)
def alerts(request: Request, session: SessionDep) -> Response:
    return render(request, "alerts.html", {"page": alert_list_for(request, session)})


@router.get("/mine", name="my_agency")
@requires(Action.LIST_ALERTS)
def my_agency(request: Request, session: SessionDep) -> Response:
    """A practitioner's start page: the concerns they recorded, and the children with alerts they may open."""
    principal = request.state.principal
    concerns = concerns_recorded_by(session, principal.name)
    scopes = visible_scopes(request, session, (c.person_id for c in concerns))
    shown = scoped_concerns(session, concerns, scopes, principal.agency)
    # The list names the children: who-viewed reports it, as it does the alert list below.
    named = sorted({c.person_id for c in shown if not c.restricted})
    record_audit(session, actor=actor_of(principal), action="concerns.mine", detail={"people": named})
    context = {
        "concerns": shown,
        "page": alert_list_for(request, session),
        "shown": MINE_ROWS,
        "agency_name": agency_label(principal.agency) if principal.agency else "No agency",
    }
    return render(request, "mine.html", context)


def alert_list_for(request: Request, session: SessionDep) -> AlertListPage:
    """The people with alerts whom this user may open; the listing is audited with their ids.

    Whom the list may show is part of its query (access.findable_people), so its limit counts
    only them; the policy then decides each row as it decides their page."""
    principal = request.state.principal
    among = findable_people(session, principal, request.app.state.policy, now=datetime.now(UTC))
    page = build_alert_list(session, among=among)
    scopes = visible_scopes(request, session, (row.person_id for row in page.people))
    page = scoped_alert_list(session, page, scopes, request.state.principal.agency)
    shown = [row.person_id for row in page.people] + [row.person_id for row in page.restricted]
    record_audit(
        session, actor=actor_of(request.state.principal), action="alerts.list", detail={"people": shown}
    )
    return page
