"""Triage in the browser (/triage, /triage/analytics); the same as JSON is web/api/triage.py.

Forms are plain POSTs (no script: the CSP allows none inline, and none is needed). Sign-in,
permissions (triage.view, triage.decide) and CSRF are checked app-wide by web.auth before a route
runs; the signed-in user is the person recorded in the triage audit for each step, as
`alarmbell triage ack --by NAME` records the name given. Routes read the clock once per request.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from alarmbell.access import Action, Principal, Scope, TeamResource, facts_for_people
from alarmbell.access import decide as permitted
from alarmbell.audit import Subject, record_audit
from alarmbell.storage.tables import TriageItem
from alarmbell.triage import (
    CSV_COLUMNS,
    DECISIONS,
    MAX_TEXT,
    ReportedOutcome,
    TriageConfig,
    TriageError,
    acknowledge,
    awaiting_countersignature,
    countersign_decision,
    csv_rows,
    decide,
    get_item,
    reported_by,
    reported_people,
)
from alarmbell.web.auth import PrincipalDep, actor_of, authorise, current_principal, requires
from alarmbell.web.deps import IdPath, SessionDep, SettingsDep
from alarmbell.web.pages.triage_data import (
    AnalyticsPage,
    QueuePage,
    build_analytics_page,
    build_item_page,
    build_queue_page,
)
from alarmbell.web.pages.unanswered import RECENT_ROWS, UnansweredPage, build_unanswered_page
from alarmbell.web.rendering import render

router = APIRouter()


def triage_config(settings: SettingsDep) -> TriageConfig:
    return TriageConfig.from_settings(settings)


ConfigDep = Annotated[TriageConfig, Depends(triage_config)]


def now() -> datetime:
    return datetime.now(UTC)


async def _form(request: Request) -> dict[str, str]:
    """The posted form's text fields (CSRF was already checked by web.auth's guard)."""
    raw = await request.form()
    return {k: v[:MAX_TEXT] for k, v in raw.items() if isinstance(v, str)}


def queue_url(
    team: str, page: int = 1, anchor: str = "", escalated: str = "", to_countersign: bool = False
) -> str:
    """A team's queue; `escalated`: only its items escalated that far ("team_manager", ...);
    `to_countersign`: only its closings waiting for a team manager's countersignature."""
    query = {
        "team": team,
        **({"escalated": escalated} if escalated else {}),
        **({"waiting": "countersignature"} if to_countersign else {}),
        **({"page": str(page)} if page > 1 else {}),
    }
    return f"/triage?{urlencode(query)}" + (f"#{anchor}" if anchor else "")


# --- pages ---------------------------------------------------------------------------------------


@router.get("/triage", name="triage_queue")
@requires(Action.VIEW_TRIAGE)
def queue_page(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    principal: PrincipalDep,
    team: str = "",
    page: int = 1,
    done: str = "",
    escalated: str = "",
    waiting: str = "",
) -> Response:
    """A team's queue: the one asked for, else the user's own team, else the most overdue;
    `escalated` (linked from the analytics' "Escalated now"): only its items escalated that far;
    `waiting=countersignature` (from "Waiting for your countersignature"): only proposed closings."""
    data = build_queue_page(
        session,
        team=team[:120] or own_team_only(principal),
        now=now(),
        config=config,
        page=page,
        acting=principal.name,
        preferred=principal.team,
        escalated_to=escalated[:40],
        to_countersign=waiting == "countersignature",
    )
    authorise(request, session, Action.VIEW_TRIAGE, TeamResource(data.team))
    audit_queue(request, session, data)
    context = {
        "page": data,
        "done": done[:200],
        "decided": own_decision(session, principal, done),
        "queue_url": queue_url,
        "alert_harm": config.alert_harm_days,
        # A proposed closing's row leads to its countersignature, not to a decision form it has not.
        "may_countersign": permitted(principal, Action.COUNTERSIGN_TRIAGE, TeamResource(data.team)).allowed,
        # Other teams' counts are shown to all; a link only to the queues the user may open
        # (a team manager's link to the police unit's queue ended in "You do not have access").
        "may_open": {
            t.team
            for t in data.teams
            if permitted(principal, Action.VIEW_TRIAGE, TeamResource(t.team)).allowed
        },
    }
    return render(request, "triage_queue.html", context)


def own_decision(session: Session, principal: Principal, done: str) -> TriageItem | None:
    """The item named by `done=decided-<id>` if this user decided it: the banner says which work
    was decided by its title, which they read as they decided it. Anyone else's id (typed into
    the address) names nothing, so the banner shows no title they had not already seen."""
    match = re.fullmatch(r"decided-([0-9]{1,18})", done)
    item = session.get(TriageItem, int(match.group(1))) if match else None
    return item if item is not None and item.decided_by == principal.name else None


def audit_queue(request: Request, session: Session, data: QueuePage) -> None:
    """A queue's titles name children: each page of it is a list of them in the audit log
    (`triage.queue`, with the ids shown), as a search is."""
    record_audit(
        session,
        actor=actor_of(current_principal(request)),
        action="triage.queue",
        detail={
            "route": request.url.path,
            "team": data.team,
            "page": data.page,
            "people": sorted({row.person_id for row in data.rows if row.person_id is not None}),
        },
    )


def audit_analytics(request: Request, session: Session, page: AnalyticsPage, *, waiting: bool) -> None:
    """The analytics name work items by title, and titles name children: each showing (page or
    JSON) is a list of them in the audit log (`triage.analytics`, with the ids shown), as a
    search is. `waiting`: the waiting items' titles were shown too. Other teams' items, shown
    without titles, name nobody."""
    people = page.analytics.people(waiting=waiting)
    record_audit(
        session,
        actor=actor_of(current_principal(request)),
        action="triage.analytics",
        detail={"route": request.url.path, "days": page.days, "people": people},
    )


def titles_of(principal: Principal) -> str | None:
    """Analytics name items: every team's for those who triage them all, else the user's team's."""
    if permitted(principal, Action.VIEW_TRIAGE, TeamResource("")).allowed:
        return None
    return principal.team or ""


def own_team_only(principal: Principal) -> str:
    """For someone who may read only their own team's queue, that team ("" for everyone else)."""
    if permitted(principal, Action.VIEW_TRIAGE, TeamResource("")).allowed:
        return ""
    return principal.team or ""


def item_in_reach(request: Request, session: Session, action: Action, item_id: int) -> None:
    """The item exists (404) and its team's work is the user's to see or decide (403)."""
    item = get_item(session, item_id)
    authorise(request, session, action, TeamResource(item.team))


@router.post("/triage/items/{item}/acknowledge", name="triage_acknowledge")
@requires(Action.DECIDE_TRIAGE)
async def acknowledge_form(
    request: Request, session: SessionDep, principal: PrincipalDep, item: IdPath
) -> Response:
    return await _item_step(
        request, session, principal, item, Action.DECIDE_TRIAGE, acknowledge, "acknowledged"
    )


@router.post("/triage/items/{item}/countersign", name="triage_countersign")
@requires(Action.COUNTERSIGN_TRIAGE)
async def countersign_form(
    request: Request, session: SessionDep, principal: PrincipalDep, item: IdPath
) -> Response:
    """A team manager countersigns a proposed closing of a red alert with no further action."""
    return await _item_step(
        request, session, principal, item, Action.COUNTERSIGN_TRIAGE, countersign_decision, "decided"
    )


async def _item_step(
    request: Request,
    session: SessionDep,
    principal: Principal,
    item: int,
    action: Action,
    step: Callable[..., TriageItem],
    done: str,
) -> Response:
    """One step on an item from a form (acknowledge, countersign): back where the form came from."""
    item_id = item
    item_in_reach(request, session, action, item_id)
    form = await _form(request)
    row = step(session, item_id=item_id, by=principal.name, now=now(), actor=actor_of(principal))
    back = _return_to(form, f"{done}-{item_id}")
    return RedirectResponse(back or queue_url(row.team, anchor=f"item-{item_id}"), status_code=303)


_PERSON_PAGE = re.compile(r"/people/[0-9]{1,18}")
_ITEM_PAGE = re.compile(r"/triage/items/[0-9]{1,18}")


def _return_to(form: dict[str, str], done: str) -> str | None:
    """Back to the page the step was taken from: a person page (to its work, saying what was
    done) or a work item's page; only ever one of this site's."""
    target = form.get("return_to", "")
    if _ITEM_PAGE.fullmatch(target):
        return f"{target}?{urlencode({'done': done})}"
    if not _PERSON_PAGE.fullmatch(target):
        return None
    return f"{target}?{urlencode({'done': done})}#work"


@router.get("/triage/items/{item}", name="triage_item")
@requires(Action.VIEW_TRIAGE)
def item_page(request: Request, session: SessionDep, item: IdPath, done: str = "") -> Response:
    item_id = item
    item_in_reach(request, session, Action.VIEW_TRIAGE, item_id)
    step, _, of_item = done.rpartition("-")
    return _item_response(
        request, session, item_id, errors={}, form={}, done=step if of_item == str(item_id) else ""
    )


#: What the item's page says after a step taken from it (`done=<step>-<item id>`): the button
#: goes and the status line changes, but without these words nothing says the step was taken.
ITEM_STEPS_DONE: Final[dict[str, str]] = {
    "acknowledged": (
        "You have taken this on: it will not escalate. Record a decision below when you have made one."
    ),
    "decided": "Decision recorded: the item is closed.",
    "countersigned": "Countersigned: the closing is recorded and the item is closed.",
}


def _done_words(item: TriageItem, step: str, *, countersigned: bool = False) -> str:
    """The words for a step just taken, when the item shows it (an address typed by hand with
    another step in it says nothing untrue)."""
    taken_on = item.acknowledged_at is not None and item.status not in (
        "decided",
        "awaiting_countersignature",
    )
    shows = (step == "acknowledged" and taken_on) or (step == "decided" and item.status == "decided")
    if not shows:
        return ""
    return ITEM_STEPS_DONE["countersigned" if step == "decided" and countersigned else step]


def _item_response(
    request: Request,
    session: Session,
    item_id: int,
    *,
    errors: dict[str, str],
    form: dict[str, str],
    status_code: int = 200,
    done: str = "",
) -> Response:
    page = build_item_page(session, item_id=item_id, now=now())
    audit_item_view(request, session, page.item)
    # A closing proposed for countersignature is countersigned here too, not only on the child's page.
    team = TeamResource(page.item.team)
    may_countersign = (
        page.item.status == "awaiting_countersignature"
        and permitted(current_principal(request), Action.COUNTERSIGN_TRIAGE, team).allowed
    )
    context = {
        "page": page,
        "errors": errors,
        "form": form,
        "queue_url": queue_url,
        # A manager who has just countersigned is told so, not that "a decision" was recorded.
        "done_words": _done_words(page.item, done, countersigned="countersigned by" in page.decided_by_words),
        "may_countersign": may_countersign,
    }
    return render(request, "triage_item.html", context, status_code=status_code)


def audit_item_view(request: Request, session: Session, item: TriageItem) -> None:
    """An item names its child and shows the alert, the decision and why: a view of the child's
    record, so "who viewed" lists it (`triage.item`) as it lists the person page."""
    if item.person_id is None:
        return
    record_audit(
        session,
        actor=actor_of(current_principal(request)),
        action="triage.item",
        subject=Subject.person(item.person_id),
        detail={"item": item.id, "team": item.team, "route": request.url.path},
    )


def _decision_errors(form: dict[str, str]) -> dict[str, str]:
    errors = {}
    if form.get("decision") not in DECISIONS:
        errors["decision"] = "Choose a decision"
    if not form.get("rationale", "").strip():
        errors["rationale"] = "Enter the rationale for your decision"
    return errors


@router.post("/triage/items/{item}/decide", name="triage_decide")
@requires(Action.DECIDE_TRIAGE)
async def decide_form(
    request: Request, session: SessionDep, principal: PrincipalDep, item: IdPath
) -> Response:
    item_id = item
    await run_in_threadpool(item_in_reach, request, session, Action.DECIDE_TRIAGE, item_id)
    form = await _form(request)
    errors = _decision_errors(form)
    if not errors:
        try:
            row = decide(
                session,
                item_id=item_id,
                by=principal.name,
                decision=form["decision"],
                rationale=form["rationale"],
                now=now(),
                manager=principal.role == "team_manager",
                actor=actor_of(principal),
            )
        except TriageError as error:
            errors = {"rationale": str(error)}
    if errors:
        return _item_response(request, session, item_id, errors=errors, form=form, status_code=400)
    back = _return_to(form, f"decided-{item_id}")
    return RedirectResponse(back or queue_url(row.team) + f"&done=decided-{item_id}", status_code=303)


@router.get("/triage/analytics", name="triage_analytics")
@requires(Action.VIEW_TRIAGE)
def analytics_page(
    request: Request, session: SessionDep, config: ConfigDep, principal: PrincipalDep, days: int = 28
) -> Response:
    page = build_analytics_page(session, config=config, now=now(), days=days, titles_of=titles_of(principal))
    audit_analytics(request, session, page, waiting=False)  # the page counts the waiting items
    to_countersign = closings_to_countersign(session, principal)
    # Each chart is built by our own code with every piece of text escaped (triage_charts_svg).
    charts = {
        "hours": Markup(page.hours_svg),  # noqa: S704
        "past_due": Markup(page.past_due_svg),  # noqa: S704
        "displacement": [(team, Markup(svg)) for team, svg in page.displacement_svgs],  # noqa: S704
    }
    context = {
        "page": page,
        "charts": charts,
        "to_countersign": to_countersign,
        "queue_url": queue_url,
        # "Escalated now" links to a team's escalated items only where its queue opens for her.
        "may_open": {
            e.team
            for e in page.escalations
            if permitted(principal, Action.VIEW_TRIAGE, TeamResource(e.team)).allowed
        },
    }
    return render(request, "triage_analytics.html", context)


def closings_to_countersign(session: Session, principal: Principal | None) -> list[tuple[str, int]]:
    """(team, how many) of red alerts whose closing with no further action awaits a countersignature
    this user may give: a manager starts on the analytics page, and nothing else there says that a
    proposed closing waits on her (the item stays open, and out of escalation, until she acts)."""
    return [
        (team, count)
        for team, count in awaiting_countersignature(session)
        if permitted(principal, Action.COUNTERSIGN_TRIAGE, TeamResource(team)).allowed
    ]


@router.get("/triage/unanswered", name="triage_unanswered")
@requires(Action.VIEW_UNANSWERED)
def unanswered_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    config: ConfigDep,
    months: str = "",
    rows: str = "",
) -> Response:
    """The partnership's report of alerts nobody decided on in time, and closures followed by harm.

    The month chart draws the last 24 months of the report (`?months=all`: every month with an
    alert), and each table its 20 most recently raised alerts (`?rows=all`: every one); the CSV
    and JSON hold everything."""
    page = unanswered_for(
        request,
        session,
        principal,
        config,
        all_months=months == "all",
        recent_rows=None if rows == "all" else RECENT_ROWS,
    )
    # Each chart is built by our own code with every piece of text escaped (unanswered_svg).
    charts = {
        "month": Markup(page.month_svg),  # noqa: S704
        "agency": Markup(page.agency_svg),  # noqa: S704
        "team": Markup(page.team_svg),  # noqa: S704
    }
    return render(request, "triage_unanswered.html", {"page": page, "charts": charts})


@router.get("/triage/unanswered.csv", name="triage_unanswered_csv")
@requires(Action.VIEW_UNANSWERED)
def unanswered_csv(
    request: Request, session: SessionDep, principal: PrincipalDep, config: ConfigDep
) -> Response:
    page = unanswered_for(request, session, principal, config)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(csv_rows(page.report))
    headers = {"Content-Disposition": 'attachment; filename="unanswered-alarms.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/triage/reported", name="triage_reported")
@requires(Action.VIEW_REPORTED)
def reported_page(
    request: Request, session: SessionDep, principal: PrincipalDep, referrer: str = ""
) -> Response:
    """What a referrer reported, with its outcome and timeliness (not the decision's notes).

    For those who report (record concerns and refer); administrators and reviewers are refused,
    as the menu (web.navigation) offers it only where this guard lets it open."""
    who, rows = reported_for(request, session, principal, referrer)
    # Only those who may look up any referrer are offered the box: anyone else is shown their
    # own agency's whatever they type (referrer_for), so a box would do nothing for them.
    choose = permitted(principal, Action.VIEW_TRIAGE, TeamResource("")).allowed
    return render(request, "triage_reported.html", {"referrer": who, "rows": rows, "choose_referrer": choose})


def reported_for(
    request: Request, session: Session, principal: Principal, asked: str
) -> tuple[str, list[ReportedOutcome]]:
    """The referrer shown and what they reported. The titles name children, so each showing is
    a list of them in the audit log (`triage.reported`, with the ids shown), as a search is."""
    who = referrer_for(principal, asked)
    rows = reported_by(session, referrer=who, now=now()) if who else []
    record_audit(
        session,
        actor=actor_of(principal),
        action="triage.reported",
        detail={"route": request.url.path, "referrer": who, "people": reported_people(session, rows)},
    )
    return who, rows


def referrer_for(principal: Principal, asked: str) -> str:
    """Those who triage every team's work may look up any referrer; anyone else who records
    concerns (a team manager included) sees what their own agency reported: the titles name
    children. Administrators and reviewers record nothing and see no live work, whatever
    agency their account names: the routes refuse them, and this names nobody ("") if asked."""
    if permitted(principal, Action.VIEW_TRIAGE, TeamResource("")).allowed:
        return asked.strip()[:200] or (principal.agency or "")
    if not permitted(principal, Action.VIEW_REPORTED).allowed:
        return ""
    return principal.agency or principal.name


def unanswered_for(
    request: Request,
    session: Session,
    principal: Principal,
    config: TriageConfig,
    *,
    all_months: bool = False,
    recent_rows: int | None = None,
) -> UnansweredPage:
    """The report cut to what the user may see. Its rows name children, so each showing (page,
    CSV, JSON) is a list of them in the audit log, with the ids shown, as a search is."""
    page = build_unanswered_page(
        session,
        config=config,
        now=now(),
        may_see=viewable(request, session, principal),
        all_months=all_months,
        recent_rows=recent_rows,
    )
    record_audit(
        session,
        actor=actor_of(principal),
        action="reports.unanswered",
        detail={"route": request.url.path, "people": page.report.people()},
    )
    return page


def viewable(request: Request, session: Session, principal: Principal) -> Callable[[list[int]], set[int]]:
    """Which of these people the signed-in user sees in full (the person page's own decision).

    A row is an alert (level, dates, the agencies whose records raised it): someone seen only
    through their own agency's records is told on the page that the MASH holds the alerts, so
    the report counts their rows without listing them, as the alert list does.
    """

    def may_see(ids: list[int]) -> set[int]:
        facts = facts_for_people(session, principal, ids, request.app.state.policy)
        decisions = {p: permitted(principal, Action.VIEW_PERSON, f) for p, f in facts.items()}
        return {p for p, d in decisions.items() if d.allowed and d.scope is Scope.FULL}

    return may_see
