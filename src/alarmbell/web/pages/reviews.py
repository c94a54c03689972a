"""A reviewer's start page: the children whose multi-agency review they may open, and why.

Two routes open a review to a reviewer (access/policy.py): a grant for a named review, and a
closed case. Grants come first, with the review's name; then closed cases among the people with
alerts (the cases a safeguarding partnership reviews), highest level first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from alarmbell.access import Action, Principal, findable_people, person_decisions, review_grants_of
from alarmbell.alerts import alerted_people
from alarmbell.domain.wording import level_label, long_date, short_date
from alarmbell.identity import view
from alarmbell.policy import Policy

#: People with alerts looked at for closed cases (the same bound as the list of people with
#: alerts), among those the reviewer may find (access.findable_people).
SCAN_LIMIT = 500


@dataclass(frozen=True, slots=True)
class GrantedReview:
    person_id: int
    name: str
    review: str
    granted_by: str
    granted_label: str
    expires_label: str


@dataclass(frozen=True, slots=True)
class ClosedCase:
    person_id: int
    name: str
    level: str
    level_label: str
    last_alert_label: str
    alerts: int


@dataclass(frozen=True, slots=True)
class ReviewsPage:
    granted: tuple[GrantedReview, ...]
    closed: tuple[ClosedCase, ...]

    @property
    def person_ids(self) -> list[int]:
        return [g.person_id for g in self.granted] + [c.person_id for c in self.closed]


def build_reviews_page(session: Session, principal: Principal, policy: Policy) -> ReviewsPage:
    granted = []
    for grant in review_grants_of(session, principal.id):
        person = view(session, grant.person_id)
        if person is None:
            continue
        granted.append(
            GrantedReview(
                person_id=grant.person_id,
                name=person.display_name,
                review=grant.review,
                granted_by=grant.granted_by,
                granted_label=long_date(grant.granted_at),
                expires_label=long_date(grant.expires_at) if grant.expires_at else "No end date",
            )
        )
    # Only people the reviewer may find (grants and closed cases) are scanned, so open cases,
    # whose alerts are the most recent, cannot fill the limit and leave closed ones out.
    among = findable_people(session, principal, policy, now=datetime.now(UTC))
    alerted = alerted_people(session, limit=SCAN_LIMIT, among=among)
    decisions = person_decisions(
        session, principal, Action.VIEW_REVIEW, [p.person_id for p in alerted], policy
    )
    seen = {g.person_id for g in granted}
    closed = tuple(
        ClosedCase(
            person_id=p.person_id,
            name=p.display_name,
            level=p.level,
            level_label=level_label(p.level),
            last_alert_label=short_date(p.last_raised_at),
            alerts=p.alerts,
        )
        for p in alerted
        if decisions[p.person_id].allowed and p.person_id not in seen
    )
    return ReviewsPage(granted=tuple(granted), closed=closed)
