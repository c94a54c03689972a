"""The one access decision about people: gather their facts, ask the policy, per person.

Every route that reveals or writes a person's data comes here, through the web guard (a
person named in the path, the query or the form) or through `visible_scopes` (lists and
search results), so the rule a person page obeys is the rule every other surface obeys.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from alarmbell.access.facts import facts_for_people
from alarmbell.access.policy import Action, Decision, PersonFacts, Principal, decide
from alarmbell.policy import Policy


def person_decisions(
    session: Session, principal: Principal | None, action: Action, person_ids: Iterable[int], policy: Policy
) -> dict[int, Decision]:
    """`decide(principal, action, facts)` for each person, with facts gathered in a few queries."""
    facts = facts_for_people(session, principal, person_ids, policy)
    return {person_id: decide(principal, action, found) for person_id, found in facts.items()}


def person_decision(
    session: Session, principal: Principal | None, action: Action, person_id: int | None, policy: Policy
) -> Decision:
    """The decision about one person; an id that cannot exist is decided as someone no agency
    holds records about (id 0), as an id that names nobody is."""
    if person_id is None:
        return decide(principal, action, PersonFacts(person_id=0))
    return person_decisions(session, principal, action, [person_id], policy)[person_id]
