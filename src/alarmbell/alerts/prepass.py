"""The pre-pass of the batch rescore: who, in a group just read, could get an alert at all.

Most children's records hold nothing any indicator reads in enough quantity to reach amber
(routine contacts, one missed appointment); building their chronologies and running the engine
over them cost about half of a rescore, and cannot raise an alert. `policy.reach` widens the
policy to a test on the shapes of a person's evidence: per event its kind, whose it is, the
involvement, the agency and which of the policy's conditions (`Atom`) hold on it. People who
fail it are provably alert-free and their chronologies are not built.

The shapes come from the rows the share's events query already streams (the payload is parsed
once here and handed on to assembly), not from a query of their own: a separate grouped query
in the database repeated the events join and cost as much as it saved (docs/scale.md).

A child's shapes are their own events' plus each household adult's (as household evidence),
each other household child's (as that child's evidence: a sibling's injury), plus one "new
adult in the household" fact, attrs unknown, for each non-parent adult with any event
(`domain.household_facts` derives those facts in assembly). Counting an event shared by
child and adult on both sides, and adults the assembly would leave out, only widens the test.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from alarmbell.domain.household_facts import KIND as NEW_ADULT
from alarmbell.domain.household_facts import PARENTS
from alarmbell.identity import PersonView
from alarmbell.policy import Reach, Shape

#: Where an event row (`chronology.event_columns()`) holds what a shape reads.
_AGENCY, _KIND, _OCCURRED, _RECORDED, _PAYLOAD, _INVOLVEMENT = 0, 2, 3, 4, 5, 6


def parsed_rows(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """The rows with their payload parsed, so the pre-pass and assembly parse it once."""
    out = []
    for row in rows:
        payload = row[_PAYLOAD]
        data = orjson.loads(payload) if isinstance(payload, str | bytes) else payload
        out.append((*row[:_PAYLOAD], data, *row[_PAYLOAD + 1 :]))
    return out


def own_shapes(rows: Sequence[Sequence[Any]], reach: Reach) -> list[Shape]:
    """The shapes of the events naming one person (rows with parsed payloads), as their own."""
    return [
        Shape(
            row[_KIND],
            True,
            row[_INVOLVEMENT],
            row[_AGENCY],
            reach.atoms_holding(row[_KIND], attrs, row[_PAYLOAD].get("text")),
            row[_OCCURRED].date(),
            numbers=reach.numbers(attrs),
            recorded=row[_RECORDED].date(),
        )
        for row in rows
        for attrs in (row[_PAYLOAD].get("attrs") or {},)
    ]


def may_be_alerted(
    person: PersonView,
    adults: dict[int, str],
    children: list[int],
    shapes: dict[int, list[Shape]],
    reach: Reach,
) -> bool:
    """The pre-pass test for one person: own shapes, household adults' and other household
    children's shapes, derived facts.

    `adults`: household adult -> relation to the person (as assembly finds them); `children`:
    the other children of the household (as assembly finds them); `shapes`: person id ->
    `own_shapes` of their events.
    """
    evidence = list(shapes.get(person.person_id, ()))
    for adult, relation in adults.items():
        theirs = shapes.get(adult, ())
        evidence.extend(_as(s, "household") for s in theirs)
        if theirs and relation not in PARENTS:
            evidence.append(Shape(NEW_ADULT, False, "subject", f"derived:{adult}", None))
    for child in children:
        evidence.extend(_as(s, "household_child") for s in shapes.get(child, ()))
    return reach.may_alert(evidence, person.dob)


def _as(shape: Shape, whose: str) -> Shape:
    """The shape as another's evidence (built directly: `dataclasses.replace` cost a tenth of a
    rescore)."""
    s = shape
    return Shape(
        s.kind, False, s.involvement, s.agency, s.holds, s.occurred, s.count, s.numbers, whose, s.recorded
    )


__all__ = ["may_be_alerted", "own_shapes", "parsed_rows"]
