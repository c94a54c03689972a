"""The record-a-concern form (`/record-concern`): a practitioner records a concern in the browser.

It ends in the ingest service through web.intake, as `POST /api/v1/records` does.

Access: the form needs a signed-in user who may record for the agency (their account's, shown
as text; a MASH analyst chooses any), with CSRF checked app-wide (web.auth). After saving, the
browser goes to a confirmation page whose address carries the submission id signed for that
user, so no one else can open it. A person named in the form (`?person=` or
the posted `person`) is decided by the guard like a person page: someone the user may not open
is neither shown nor written about. Search on the form is the search page's, filtered and
audited. Each concern records the signed-in user as its author and an audit entry.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Final

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from alarmbell.access import Action, AgencyResource, Principal, Role, decide
from alarmbell.audit import Subject, record_audit
from alarmbell.identity import PersonView, person_ids_for_records
from alarmbell.presentation import agency_label, long_date, short_date, whole_years
from alarmbell.storage.db import session_scope
from alarmbell.web.auth import actor_of, current_principal, decided_person, requires
from alarmbell.web.concern_ids import new_submission, own_submission, signed_submission, submission_id
from alarmbell.web.concern_outcome import concern_outcome
from alarmbell.web.deps import SessionDep
from alarmbell.web.intake import ingest_records, link_and_alert_after_commit
from alarmbell.web.intake_form import (
    MAX_INJURIES,
    FormErrors,
    body_points,
    check_choices,
    choices,
    concern_event,
    date_from_parts,
    existing_person,
    first_recorded,
    fold_choices,
    injury_rows,
    new_person,
    occurred_at,
    text,
    time_of_day,
)
from alarmbell.web.pages.people import search_for
from alarmbell.web.person_finder import adult_on, age_words, children_only
from alarmbell.web.rendering import render
from alarmbell.web.scoping import person_as_seen, scoped_outcome

router = APIRouter()


def _form_page(
    request: Request, session: Session, form: dict[str, str], errors: FormErrors, status_code: int = 200
) -> Response:
    """The form, in the request's own session (which holds the guard's audit entry)."""
    q = request.query_params.get("q", "") or form.get("q", "")
    chosen = decided_person(request)
    day = _concern_day(form)
    at = day or datetime.now(UTC).date()  # before a date is entered, ages are today's
    children = children_only(search_for(request, session, q), at, dated=day is not None)
    person = person_as_seen(request, session, chosen) if chosen is not None else None
    principal = current_principal(request)
    if person is not None and request.method == "POST":
        _audit_form_shown_again(request, session, principal, person.person_id)
    # A person refused as the child (an adult on the concern's date) is not shown chosen again.
    refused = bool(errors.for_field("person"))
    preselected = _person_option(person, at) if person is not None and not refused else None
    fixed = fixed_agency(principal)
    extra = 1 if "add_injury" in form else 0
    context = {
        "form": form,
        "errors": errors,
        "search": children,
        "finder_dated": day is not None,
        "preselected": preselected,
        "fixed_agency": agency_label(fixed) if fixed else None,
        "choices": choices(fixed),
        "injury_rows": min(injury_rows(form) + extra, MAX_INJURIES),
    }
    return render(request, "record_concern.html", context, status_code=status_code)


def _audit_form_shown_again(request: Request, session: Session, principal: Principal, person_id: int) -> None:
    """A posted form shown again (its errors, "add another injury") names the person as the
    form does, so it is audited as the guard audits the form (`concern.form`)."""
    decision = request.state.decision
    detail = {"route": "/record-concern", "scope": decision.scope.value, "posted": True}
    if decision.via_break_glass:
        detail["via_break_glass"] = True
    record_audit(
        session,
        actor=actor_of(principal),
        action="concern.form",
        subject=Subject.person(person_id),
        detail=detail,
    )


def fixed_agency(principal: Principal) -> str | None:
    """The agency a user records for, from their account; None for a MASH analyst, who chooses."""
    return None if principal.role is Role.MASH_ANALYST else principal.agency


def _concern_day(form: dict[str, str]) -> date | None:
    """The concern's date, if the form has a real one yet: who counts as a child, and their age."""
    found = date_from_parts(form, "occurred", "", FormErrors())
    return date.fromisoformat(found) if found else None


def _person_option(person: PersonView, at: date) -> dict[str, Any]:
    """The chosen person as their page names them to this user (web.scoping.person_as_seen)."""
    return {
        "person_id": person.person_id,
        "name": person.display_name,
        "dob_label": short_date(person.dob) if person.dob else "",
        "age": age_words(person.dob, at),
    }


@router.get("/record-concern", name="record_concern")
@requires(Action.RECORD_CONCERN, person="person", person_from="query", audit="concern.form")
def record_concern_form(request: Request, session: SessionDep, person: str = "", q: str = "") -> Response:
    chosen = decided_person(request)
    principal = current_principal(request)
    form = {
        "person": str(chosen) if chosen is not None else person.strip()[:10],
        "q": q,
        "submission_id": new_submission(request, principal),
        "agency": fixed_agency(principal) or "",
    }
    return _form_page(request, session, form, FormErrors())


@router.post("/record-concern")
@requires(Action.RECORD_CONCERN, person="person", person_from="form")
async def record_concern(request: Request, session: SessionDep) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    fold_choices(form)
    principal = current_principal(request)
    agency = text(form, "agency") or fixed_agency(principal) or ""
    form["agency"] = agency
    if "add_injury" in form:  # "Add another injury" without JavaScript: the same form, one row more
        return await run_in_threadpool(_form_page, request, session, form, FormErrors())
    if agency and not decide(principal, Action.RECORD_CONCERN, AgencyResource(agency)).allowed:
        errors = FormErrors()
        errors.add("agency", f"You may only record concerns for your own agency ({_own(principal)})")
        return await run_in_threadpool(_form_page, request, session, form, errors, 400)
    outcome = await run_in_threadpool(_record, request, form)
    if isinstance(outcome, FormErrors):
        return await run_in_threadpool(_form_page, request, session, form, outcome, 400)
    person_id, ref = outcome
    return RedirectResponse(f"/record-concern/recorded?person={person_id}&ref={ref}", status_code=303)


def _own(principal: Principal) -> str:
    return agency_label(principal.agency) if principal.agency else "your account has none"


@router.get("/record-concern/recorded", name="concern_recorded")
@requires(Action.RECORD_CONCERN, person="person", person_from="query", audit="concern.confirmation")
def concern_recorded(
    request: Request,
    session: SessionDep,
    person: str = "",  # noqa: ARG001 - declares the query parameter the guard decides on
    ref: str = "",
) -> Response:
    """The GOV.UK confirmation page. The guard decides about `person` as for the form; `ref` is
    the submission id signed for this user alone, and the concern must be about that person.
    It names the child and what early warning did, and can be opened again later, so the guard
    audits each showing (`concern.confirmation`)."""
    ident = own_submission(request, current_principal(request), ref)
    found = concern_outcome(session, ident) if ident else None
    if found is None or found.person_id != decided_person(request):
        raise HTTPException(status_code=404, detail="No concern of yours has that reference.")
    return render(request, "concern_recorded.html", {"outcome": scoped_outcome(request, session, found)})


def _record(request: Request, form: dict[str, str]) -> tuple[int, str] | FormErrors:
    """Build, ingest, link, refresh: the child's person id and the signed submission id, or the errors."""
    engine: Engine = request.app.state.engine
    errors = FormErrors()
    check_choices(form, errors)
    occurred = date_from_parts(form, "occurred", "Date of the concern", errors)
    if occurred is None and not errors.for_field("occurred-day"):
        errors.add("occurred-day", "Enter the date of the concern")
    time = time_of_day(form, "occurred-time", "Time of the concern", errors)
    points = body_points(form, errors)
    if not text(form, "text"):
        errors.add("text", "Enter what happened")
    principal = current_principal(request)
    submission = submission_id(request, principal, text(form, "submission_id"))
    agency, key = text(form, "agency"), f"web:{submission}"
    chosen = decided_person(request)
    if occurred is not None and chosen is not None and text(form, "person") != "new":
        _refuse_an_adult(request, engine, chosen, date.fromisoformat(occurred), errors)
    records = _person_records(engine, form, chosen, agency, key, errors)
    if errors or records is None or occurred is None:
        return errors
    person_key, person_records = records
    event = concern_event(
        form,
        agency,
        key,
        person_key,
        occurred_at(occurred, time),
        points,
        author=_author(principal, form),
        recorded=_recorded_at(engine, agency, key),
    )
    result = ingest_records(
        engine, [*person_records, event], source="web form", agency=agency, actor=actor_of(principal)
    )
    if result.errors:
        for error in result.errors:
            errors.add(_FIELD_IDS.get(error["field"], "text"), f"{error['field']}: {error['problem']}")
        return errors
    batch = result.summary.batch_id
    linked = link_and_alert_after_commit(engine, request.app.state.policy, request.app.state.settings, batch)
    with session_scope(engine) as session:
        found = person_ids_for_records(session, [(agency, person_key)]).get((agency, person_key), 0)
        if found:
            record_audit(
                session,
                actor=actor_of(principal),
                action="concern.record",
                subject=Subject.person(found),
                detail={"event": key, "agency": agency, "batch": batch},
            )
    if not linked:
        errors.add("text", SAVED_NOT_LINKED)
    return (found, signed_submission(request, principal, submission)) if found and linked else errors


def _refuse_an_adult(request: Request, engine: Engine, chosen: int, day: date, errors: FormErrors) -> None:
    """A concern is about a child: someone 18 or over on its date (by the date of birth this
    user sees, as the finder judges) is refused, with what to do instead."""
    with session_scope(engine) as session:
        person = person_as_seen(request, session, chosen)
    if person is None or person.dob is None or not adult_on(person.dob, day):
        return
    errors.add(
        "person",
        f"{person.display_name} was {whole_years(person.dob, day)} on {long_date(day)}, the date of "
        "the concern. Select the child it is about, or check the date (report a concern about an "
        "adult to adult social care)",
    )


def _recorded_at(engine: Engine, agency: str, key: str) -> str:
    """Now, to the second, unless this submission was recorded before (sent again)."""
    with session_scope(engine) as session:
        earlier = first_recorded(session, agency, key)
    return earlier or datetime.now(UTC).replace(microsecond=0).isoformat()


#: The concern is stored, but linking it to the child and early warning did not finish: the
#: form is shown again with its submission id, and sending it again records nothing twice.
SAVED_NOT_LINKED: Final[str] = (
    "Your concern is saved, but early warning could not look at it yet. Send the form again in a "
    "minute to finish: it will not be recorded twice. If this keeps happening, tell the MASH."
)


def _author(principal: Principal, form: dict[str, str]) -> str:
    """The signed-in user, with the name and role they typed (which alone proves nothing)."""
    typed = text(form, "author")[:200]
    return f"{principal.name} ({typed})" if typed else principal.name


_FIELD_IDS: Final[dict[str, str]] = {
    "given_name": "given_name",
    "family_name": "family_name",
    "dob": "dob-day",
    "nhs_number": "nhs_number",
    "upn": "upn",
    "postcode": "postcode",
    "occurred_at": "occurred-day",
    "kind": "kind",
    "agency": "agency",
}


def _person_records(
    engine: Engine, form: dict[str, str], chosen: int | None, agency: str, key: str, errors: FormErrors
) -> tuple[str, list[dict[str, Any]]] | None:
    """The child's records: a new child from the form, or the person the guard decided about."""
    if text(form, "person") == "new":
        person = new_person(form, agency, f"{key}:person", errors)
        return (f"{key}:person", [person]) if person else None
    if chosen is None:
        if not errors.for_field("person"):
            errors.add("person", "Select the child, or choose to add a new child")
        return None
    if errors.for_field("agency"):
        return None
    with session_scope(engine) as session:
        found = existing_person(session, chosen, agency)
    if found is None:
        errors.add("person", "That person is not in the store any more; search again")
        return None
    source_id, record = found
    return source_id, [record] if record else []
