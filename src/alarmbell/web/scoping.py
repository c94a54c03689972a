"""Cutting page data down to what the signed-in user may see (the policy's Scope).

A practitioner whose only tie to a person is their own agency's records sees those records
only: their agency's chronology rows and record ids, and none of the alerts (whose evidence and
explanations draw on every agency). Everyone the policy gives Scope.FULL sees the whole page.

Fails closed: a page is shown only under an allowing decision the guard made about this very
person. A route that reaches here without one (a missing declaration, a page built for another
person than the one decided) is refused, never shown in full.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import Request

from alarmbell.access.policy import Decision, Principal, Scope
from alarmbell.web.auth import AccessDenied
from alarmbell.web.pages.person import PersonPage


def scoped_person_page(request: Request, page: PersonPage) -> PersonPage:
    decision: Decision | None = getattr(request.state, "decision", None)
    principal: Principal | None = getattr(request.state, "principal", None)
    decided_about: int | None = getattr(request.state, "person_id", None)
    if decision is None or not decision.allowed or principal is None:
        raise AccessDenied("You do not have access to this: no access decision was made for this page.")
    if decided_about != page.summary.person_id:
        raise AccessDenied("You do not have access to this: the access decision was about someone else.")
    if decision.scope is Scope.FULL:
        return page
    agency = principal.agency
    summary = replace(
        page.summary,
        records=tuple(r for r in page.summary.records if r.agency == agency),
        agencies=tuple(a for a in page.summary.agencies if a == agency),
        agency_labels=tuple(
            label
            for a, label in zip(page.summary.agencies, page.summary.agency_labels, strict=True)
            if a == agency
        ),
        level=None,
        level_label=None,
    )
    rows = tuple(replace(r, evidence_for=()) for r in page.chronology if r.agency == agency)
    household = tuple(
        h for h in page.household if any(agency_label_matches(label, agency) for label in h.recorded_by)
    )
    return replace(page, summary=summary, chronology=rows, alerts=(), household=household)


def agency_label_matches(label: str, agency: str | None) -> bool:
    from alarmbell.presentation.formatting import agency_label

    return agency is not None and label == agency_label(agency)
