"""The compiled fast path of exchange-format validation: events and relationships.

Most bulk lines are valid, and the per-field checks in validate.py cost more than parsing the
line. Here the same rules are msgspec Struct types, compiled once, so one `msgspec.convert`
checks every type, length and vocabulary in C. Anything it refuses (or any rule still checked
in Python that fails) returns None, and the caller runs the precise validator, so a bad line
gets exactly the message it always had. The fast path only ever accepts what the precise
validator accepts: every constraint here is the same as, or narrower than, validate.py's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, TypeAlias

import msgspec

from alarmbell.domain.vocabulary import AGENCIES, EVENT_KINDS, RELATIONSHIP_KINDS
from alarmbell.domain.wording import DATE_PRECISIONS

MAX_ID: Final[int] = 200

if TYPE_CHECKING:  # the vocabularies are built at run time; to a type checker they are text
    Agency: TypeAlias = str
    EventKind: TypeAlias = str
    RelationshipKind: TypeAlias = str
    Precision: TypeAlias = str
else:  # Literal of the vocabulary: msgspec checks membership in C
    Agency = Literal[AGENCIES]
    EventKind = Literal[tuple(EVENT_KINDS)]
    RelationshipKind = Literal[RELATIONSHIP_KINDS]
    Precision = Literal[DATE_PRECISIONS]
SourceId = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ID)]
Moment = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
PersonRef = Annotated[str, msgspec.Meta(min_length=1)]


class EventLine(msgspec.Struct, forbid_unknown_fields=False):
    """An event as validate._event_row accepts it; other keys are kept in the payload only."""

    agency: Agency
    source_id: SourceId
    kind: EventKind
    occurred_at: Moment
    subjects: Annotated[list[PersonRef], msgspec.Meta(min_length=1)]
    recorded_at: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    others: list[PersonRef] | None = None
    attrs: dict[str, Any] | None = None
    text: Annotated[str, msgspec.Meta(max_length=100_000)] | None = None
    author: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    date_precision: Precision | None = None


class RelationshipLine(msgspec.Struct, forbid_unknown_fields=False):
    """A relationship as validate._relationship_row accepts it."""

    agency: Agency
    source_id: SourceId
    kind: RelationshipKind
    from_: SourceId = msgspec.field(name="from")
    to: SourceId = msgspec.field(name="to")


FAST_TYPES: Final[dict[str, type[EventLine] | type[RelationshipLine]]] = {
    "event": EventLine,
    "relationship": RelationshipLine,
}


def fast_line(obj: Any, agency_override: str | None) -> EventLine | RelationshipLine | None:
    """The line as a checked Struct, or None when the precise validator must look at it."""
    if type(obj) is not dict:
        return None
    struct_type = FAST_TYPES.get(obj.get("type"))  # type: ignore[arg-type]
    if struct_type is None or (agency_override is not None and obj.get("agency") != agency_override):
        return None
    try:
        line = msgspec.convert(obj, struct_type)
    except msgspec.ValidationError:
        return None
    if line.source_id[0].isspace():  # allowed, but rare: let the precise validator decide
        return None
    return line
