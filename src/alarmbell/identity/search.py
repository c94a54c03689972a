"""Finding people by name: a small, bounded, parameterised search for the web and the CLI."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from alarmbell.identity.people import PersonView, view
from alarmbell.storage.tables import PersonLink, PersonRecordRow

MAX_TERMS = 5
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_QUERY_LENGTH = 100


def search_people(
    session: Session, q: str, limit: int = 50, *, where: ColumnElement[bool] | None = None
) -> list[PersonView]:
    """People with a linked record whose given or family name contains every word of `q`.

    Case-insensitive substring match on each word, so "leo bren" finds Leo Brennan. Words are
    bound as parameters with LIKE wildcards escaped; at most `limit` people, ordered by id.
    `where`: a condition on each matching record's row (PersonLink, PersonRecordRow), applied
    before the limit, so the limit counts only people the searcher may find (access.findable).
    """
    terms = search_terms(q)
    if not terms or limit <= 0:
        return []
    record = PersonRecordRow
    query = (
        select(PersonLink.person_id)
        .join(record, record.id == PersonLink.person_record_id)
        .where(PersonLink.ended_at.is_(None))
        .group_by(PersonLink.person_id)
        .order_by(PersonLink.person_id)
        .limit(limit)
    )
    if where is not None:
        query = query.where(where)
    people = (view(session, person_id) for person_id in session.scalars(_matching(query, terms)))
    return [person for person in people if person is not None]


def matched_by_agency(session: Session, q: str, person_ids: Iterable[int], agency: str) -> set[int]:
    """Of these people, those whom one of `agency`'s own records matches `q` (as search_people).

    A viewer who sees only their agency's part of someone must not find them by a name only
    another agency recorded (an alias, a stepfather's surname): that would tell them what the
    other agency holds.
    """
    ids, terms = sorted(set(person_ids)), search_terms(q)
    if not ids or not terms:
        return set()
    record = PersonRecordRow
    query = (
        select(PersonLink.person_id)
        .join(record, record.id == PersonLink.person_record_id)
        .where(PersonLink.ended_at.is_(None), PersonLink.person_id.in_(ids), record.agency == agency)
        .distinct()
    )
    return set(session.scalars(_matching(query, terms)))


def _matching(query: Select[int], terms: list[str]) -> Select[int]:
    """Only records whose given or family name contains every term (LIKE wildcards escaped)."""
    for term in terms:
        pattern = f"%{_escape_like(term)}%"
        query = query.where(
            or_(
                func.lower(PersonRecordRow.given_name).like(pattern, escape="\\"),
                func.lower(PersonRecordRow.family_name).like(pattern, escape="\\"),
            )
        )
    return query


def search_terms(q: str) -> list[str]:
    """Lower-cased words of the query, at most MAX_TERMS of them, from its first 100 characters.

    Control characters separate words: SQLite ends a LIKE pattern at a NUL, so "%\0%" matched
    every name, and PostgreSQL refuses NUL in a parameter.
    """
    return _CONTROL.sub(" ", q[:MAX_QUERY_LENGTH]).lower().split()[:MAX_TERMS]


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
