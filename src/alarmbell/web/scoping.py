"""Cutting page data down to what the signed-in user may see (the policy's Scope).

A practitioner whose only tie to a person is their own agency's records sees those records
only: their agency's chronology rows and record ids, and none of the alerts (whose evidence and
explanations draw on every agency). Everyone the policy gives Scope.FULL sees the whole page.

What is cut is said, never hidden behind a false "none": a page with hidden alerts says alerts
are held by the MASH, a list shows such a person without a level rather than at a wrong one,
and a household member whose page would be refused is shown as restricted, not as a dead link.

Fails closed: a page is shown only under an allowing decision the guard made about this very
person. A route that reaches here without one (a missing declaration, a page built for another
person than the one decided) is refused, never shown in full.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from fastapi import Request
from sqlalchemy.orm import Session

from alarmbell.access import Decision, Principal, Scope
from alarmbell.domain.vocabulary import HOUSEHOLD_ADULT_KINDS
from alarmbell.identity import PersonView, view, views_by_agency
from alarmbell.presentation import agency_label, long_date, relation_label, short_date, whole_years
from alarmbell.web.auth import AccessDenied, visible_scopes
from alarmbell.web.concern_outcome import ConcernOutcome
from alarmbell.web.pages.alert_list import AlertListPage, RestrictedPersonRow
from alarmbell.web.pages.my_agency import RecordedConcern
from alarmbell.web.pages.person import (
    ChronologyRow,
    HouseholdRow,
    PersonPage,
    PersonSummary,
    age_text,
    died_in,
    first_name,
)
from alarmbell.web.pages.search import PersonResult, SearchPage


def _decision_about(request: Request, person_id: int) -> tuple[Decision, Principal]:
    """The guard's allowing decision about this very person, and who it was made for; refused
    (never shown in full) when the route reached here without one, or with one about another."""
    decision: Decision | None = getattr(request.state, "decision", None)
    principal: Principal | None = getattr(request.state, "principal", None)
    decided_about: int | None = getattr(request.state, "person_id", None)
    if decision is None or not decision.allowed or principal is None:
        raise AccessDenied("You do not have access to this: no access decision was made for this page.")
    if decided_about != person_id:
        raise AccessDenied("You do not have access to this: the access decision was about someone else.")
    return decision, principal


def scoped_person_page(request: Request, session: Session, page: PersonPage) -> PersonPage:
    decision, principal = _decision_about(request, page.summary.person_id)
    if decision.scope is Scope.FULL:
        return _without_dead_links(request, session, page)
    agency = principal.agency
    own = label_of(agency)
    kept = [h for h in page.household if own and own in h.recorded_by]
    views = views_by_agency(session, [page.summary.person_id, *(h.person_id for h in kept)], agency)
    own_summary = _as_own_agency_records_say(page.summary, views.get(page.summary.person_id))
    household = tuple(_as_own_agency_records_give(h, agency, views.get(h.person_id)) for h in kept)
    rows = tuple(replace(r, evidence_for=()) for r in page.chronology if r.agency == agency)
    rows = _with_first_name(rows, page.summary.first_name, own_summary.first_name)
    rows = _about_own_household(rows, own_summary, household)
    # Facts drawn from the whole record are taken again from the agency's own rows: the age
    # is dated by its last event, and a death only another agency recorded is not shown.
    died = died_in(rows)
    summary = replace(
        own_summary,
        records=tuple(r for r in page.summary.records if r.agency == agency),
        agencies=tuple(a for a in page.summary.agencies if a == agency),
        agency_labels=tuple(
            label
            for a, label in zip(page.summary.agencies, page.summary.agency_labels, strict=True)
            if a == agency
        ),
        age_label=age_text(
            own_summary.dob,
            died,
            max((r.occurred_at.date() for r in rows), default=None),
            datetime.now(UTC),
        ),
        died=died,
        level=None,
        level_label=None,
        hidden_alerts=page.summary.level is not None,
        other_agencies_hidden=any(a != agency for a in page.summary.agencies),
    )
    cut = replace(
        page,
        summary=summary,
        chronology=rows,
        alerts=(),
        household=household,
        restricted_to=agency_label(agency) if agency else "your agency",
    )
    return _without_dead_links(request, session, cut)


def person_as_seen(request: Request, session: Session, person_id: int) -> PersonView | None:
    """The person (name, date of birth) as their page names them to this viewer: the whole
    record's in full, else as the viewer's own agency's records give them (None: it has none)."""
    decision, principal = _decision_about(request, person_id)
    if decision.scope is Scope.FULL:
        return view(session, person_id)
    return views_by_agency(session, [person_id], principal.agency).get(person_id)


def scoped_outcome(request: Request, session: Session, outcome: ConcernOutcome) -> ConcernOutcome:
    """The confirmation after a concern, as the child's page would say it: a viewer seeing the
    child through their own agency's records reads the child's name and date of birth as those
    records give them, and whether an alert was raised or updated, but not its level, which
    the page holds back ("Held by the MASH")."""
    decision, _ = _decision_about(request, outcome.person_id)
    if decision.scope is Scope.FULL:
        return outcome
    seen = person_as_seen(request, session, outcome.person_id)
    return replace(
        outcome,
        child_name=seen.display_name if seen is not None else RESTRICTED,
        child_dob=seen.dob if seen is not None else None,
        alert_level="",
    )


def _as_own_agency_records_say(summary: PersonSummary, view: PersonView | None) -> PersonSummary:
    if view is None:
        return replace(summary, sex=None)
    today = datetime.now(UTC).date()
    return replace(
        summary,
        name=view.display_name,
        first_name=first_name(view.display_name),
        dob=view.dob,
        dob_label=long_date(view.dob) if view.dob else "Not known",
        age=whole_years(view.dob, today) if view.dob else None,
        role=view.role.capitalize(),
        sex=view.sex,
    )


def _as_own_agency_records_give(
    row: HouseholdRow, agency: str | None, view: PersonView | None
) -> HouseholdRow:
    """A household member as the viewer's own agency recorded them: the relation it recorded
    (not another agency's), and their name, date of birth and sex from its records. Whether they
    live with the child is read from that relation alone: the chronology's household is drawn
    from every agency's relationships."""
    kinds = list(dict.fromkeys(kind for said, kind in row.said_by if said == agency))
    kind = kinds[0] if kinds else row.kind
    cut = replace(
        row,
        recorded_by=(label_of(agency),),
        relation=" or ".join(relation_label(k) for k in kinds) or row.relation,
        kind=kind,
        lives_with=kind in HOUSEHOLD_ADULT_KINDS or kind == "sibling",
        said_by=tuple(pair for pair in row.said_by if pair[0] == agency),
        sex=None,
        dob=None,
    )
    if view is None:
        return cut
    return replace(cut, name=view.display_name, sex=view.sex, dob=view.dob)


def _about_own_household(
    rows: tuple[ChronologyRow, ...], summary: PersonSummary, household: tuple[HouseholdRow, ...]
) -> tuple[ChronologyRow, ...]:
    """Rows about a family member ("Leo's mother (Kayleigh Brennan)"), said as the viewer's own
    agency recorded the member: its relation and its spelling of their name. A row about someone
    whose tie to the child only another agency recorded is left out: it is in this child's
    chronology because of that agency's record (a partner only the police know of), which the
    household list already holds back; it stays on that person's own page."""
    members = {h.person_id: h for h in household}
    kept: list[ChronologyRow] = []
    for row in rows:
        member = members.get(row.about_person_id) if row.about_person_id is not None else None
        if row.about_person_id in (None, summary.person_id):
            kept.append(row)
        elif member is not None:
            kept.append(replace(row, about=f"{summary.first_name}'s {member.relation} ({member.name})"))
    return tuple(kept)


def _name_in(views: Mapping[int, PersonView], person_id: int, default: str) -> str:
    """The person's name as their own agency's records give it, else the whole record's."""
    view = views.get(person_id)
    return view.display_name if view is not None else default


def _with_first_name(rows: tuple[ChronologyRow, ...], old: str, new: str) -> tuple[ChronologyRow, ...]:
    """Rows that name the person ("Leo", "Leo's mother") by their own agency's spelling."""
    if old == new:
        return rows
    word = re.compile(rf"\b{re.escape(old)}\b")
    return tuple(replace(r, about=word.sub(new, r.about)) for r in rows)


def _without_dead_links(request: Request, session: Session, page: PersonPage) -> PersonPage:
    """Household members and event subjects whose own page this viewer may not open lose their
    link (the household row says "restricted"), so the page never leads to a refusal."""
    others = {h.person_id for h in page.household}
    others |= {r.about_person_id for r in page.chronology if r.about_person_id is not None}
    others |= {person for r in page.chronology for person, _ in r.named}
    others.discard(page.summary.person_id)
    if not others:
        return page
    may_open = set(visible_scopes(request, session, others)) | {page.summary.person_id}
    household = tuple(replace(h, restricted=h.person_id not in may_open) for h in page.household)
    rows = tuple(_linked_only_to(r, may_open) for r in page.chronology)
    return replace(page, household=household, chronology=rows)


def _linked_only_to(row: ChronologyRow, may_open: set[int]) -> ChronologyRow:
    """The row without the ids of people the viewer may not open (its subject, those it names)."""
    about = row.about_person_id if row.about_person_id in may_open else None
    named = tuple(pair for pair in row.named if pair[0] in may_open)
    return (
        row
        if (about, named) == (row.about_person_id, row.named)
        else replace(row, about_person_id=about, named=named)
    )


def scoped_alert_list(
    session: Session, page: AlertListPage, scopes: Mapping[int, Scope], agency: str | None
) -> AlertListPage:
    """The list cut to people the viewer may open; own-agency views lose level, count and dates,
    and name each person as their own agency's records do."""
    full = tuple(row for row in page.people if scopes.get(row.person_id) is Scope.FULL)
    own = label_of(agency)
    partial = [row.person_id for row in page.people if scopes.get(row.person_id) is Scope.OWN_AGENCY]
    views = views_by_agency(session, partial, agency)
    restricted = sorted(
        (
            RestrictedPersonRow(
                row.person_id,
                _name_in(views, row.person_id, row.name),
                tuple(a for a in row.agency_labels if a == own),
            )
            for row in page.people
            if scopes.get(row.person_id) is Scope.OWN_AGENCY
        ),
        key=lambda row: (row.name.casefold(), row.person_id),
    )
    return replace(page, people=full, restricted=tuple(restricted))


def scoped_concerns(
    session: Session, concerns: tuple[RecordedConcern, ...], scopes: Mapping[int, Scope], agency: str | None
) -> tuple[RecordedConcern, ...]:
    """The user's own concerns, each child named as the page the row links to names them: the
    whole record's name in full, their own agency's records' otherwise (another agency's
    spelling is not theirs to read), and neither name nor link where the page would refuse."""
    partial = [c.person_id for c in concerns if scopes.get(c.person_id) is not Scope.FULL]
    views = views_by_agency(session, partial, agency)
    return tuple(
        c
        if scopes.get(c.person_id) is Scope.FULL
        else replace(c, name=_name_in(views, c.person_id, RESTRICTED), restricted=c.person_id not in scopes)
        for c in concerns
    )


#: A person the viewer may not open, where a list would name them.
RESTRICTED = "Restricted: contact the MASH"


def scoped_search(
    session: Session, page: SearchPage, scopes: Mapping[int, Scope], agency: str | None
) -> SearchPage:
    """Search results cut to people the viewer may open, naming other agencies only to Scope.FULL;
    someone seen in part is named and dated as the viewer's own agency's records do."""
    partial = [r.person_id for r in page.results if scopes.get(r.person_id) not in (None, Scope.FULL)]
    views = views_by_agency(session, partial, agency)
    results: list[PersonResult] = []
    for result in page.results:
        scope = scopes.get(result.person_id)
        if scope is None:
            continue
        if scope is not Scope.FULL:
            view = views.get(result.person_id)
            if view is not None:
                result = replace(
                    result,
                    name=view.display_name,
                    dob=view.dob,
                    dob_label=short_date(view.dob) if view.dob else "Not known",
                    role=view.role,
                )
            result = replace(
                result,
                agencies=tuple(a for a in result.agencies if a == agency),
                agency_labels=tuple(label_of(a) for a in result.agencies if a == agency),
                other_agencies_hidden=any(a != agency for a in result.agencies),
            )
        results.append(result)
    return replace(page, results=tuple(results))


def label_of(agency: str | None) -> str:
    return agency_label(agency) if agency else ""
