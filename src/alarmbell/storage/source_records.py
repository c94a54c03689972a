"""Writing agency source records: idempotent by (agency, source_id), versioned, in chunks.

A record whose content hash is the current version's, or an older version's in record_history
(a file holding a record and its correction, ingested again), is left alone; any other content
becomes a new version and its previous version moves to record_history. Nothing an agency sent
is ever deleted. The hot path writes through the dialect's driver-level executemany, or for a
file's bulk load on PostgreSQL through COPY (see dialect.py); both in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any, Protocol

import orjson
from sqlalchemy import Connection, Table, and_, bindparam, select, update

from alarmbell.storage.dialect import StoreDialect, dialect_of
from alarmbell.storage.evaluation_due import mark_due
from alarmbell.storage.tables import (
    EventParty,
    EventRecordRow,
    PersonRecordRow,
    RecordHistory,
    RelationshipRecordRow,
)

TABLES: dict[str, Table] = {
    "person": PersonRecordRow.__table__,  # type: ignore[dict-item]
    "relationship": RelationshipRecordRow.__table__,  # type: ignore[dict-item]
    "event": EventRecordRow.__table__,  # type: ignore[dict-item]
}
PARTY = EventParty.__tablename__
HISTORY = RecordHistory.__tablename__
EVENTS = EventRecordRow.__tablename__
PEOPLE = PersonRecordRow.__tablename__

COLUMNS: dict[str, tuple[str, ...]] = {
    "person": (
        "given_name",
        "family_name",
        "dob",
        "sex",
        "postcode",
        "nhs_number",
        "upn",
        "role_hint",
    ),
    "relationship": ("from_source_id", "to_source_id", "kind"),
    "event": ("kind", "occurred_at", "recorded_at"),
}
COMMON = ("agency", "source_id", "version", "content_hash", "batch_id", "line_no", "payload")
DATETIME_COLUMNS = frozenset({"occurred_at", "recorded_at"})
HISTORY_COLUMNS = (
    "record_type", "agency", "source_id", "version", "content_hash", "payload", "batch_id",
    "superseded_at",
)  # fmt: skip


class StagedRecord(Protocol):
    @property
    def record_type(self) -> str: ...
    @property
    def agency(self) -> str: ...
    @property
    def source_id(self) -> str: ...
    @property
    def content_hash(self) -> str: ...
    @property
    def row(self) -> dict[str, Any]: ...
    @property
    def parties(self) -> tuple[tuple[str, str], ...]: ...


@dataclass
class ChunkOutcome:
    new: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def accepted(self) -> int:
        return self.new + self.changed


@dataclass(frozen=True, slots=True)
class _Previous:
    content_hash: str
    version: int
    batch_id: int | None


def write_chunk(
    connection: Connection,
    records: Sequence[StagedRecord],
    *,
    batch_id: int,
    now: datetime,
    bulk: bool = False,
) -> ChunkOutcome:
    """Write records whose keys are unique within the chunk. The caller owns the transaction.

    The people every new or changed record names are marked due for evaluation in the same
    transaction (storage/evaluation_due.py), so no crash can separate a change from its mark.
    `bulk` (a file ingest): rows go in the backend's bulk way (COPY on PostgreSQL); which
    records are new, changed or unchanged is decided exactly as without it.
    """
    outcome = ChunkOutcome()
    dialect = dialect_of(connection)
    if bulk:
        dialect = dialect.for_bulk_load()
    by_type: dict[str, list[StagedRecord]] = {}
    for record in records:
        by_type.setdefault(record.record_type, []).append(record)
    named: set[tuple[str, str]] = set()
    for record_type, group in by_type.items():
        named |= _write_group(
            connection, dialect, record_type, group, batch_id=batch_id, now=now, outcome=outcome
        )
    mark_due(connection, named, dialect=dialect)
    return outcome


def _by_agency(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for agency, source_id in keys:
        grouped.setdefault(agency, []).append(source_id)
    return grouped


def _select(
    connection: Connection,
    dialect: StoreDialect,
    table: str,
    columns: Sequence[str],
    keys: Iterable[tuple[str, str]],
) -> Iterable[tuple[str, Any]]:
    """Yield (agency, row) for every row of `table` with one of the (agency, source_id) keys."""
    for agency, ids in _by_agency(keys).items():
        for start in range(0, len(ids), dialect.lookup_slice):
            part = ids[start : start + dialect.lookup_slice]
            for row in dialect.select_by_keys(connection, table, columns, agency, part):
                yield agency, row


def _write_group(
    connection: Connection,
    dialect: StoreDialect,
    record_type: str,
    group: Sequence[StagedRecord],
    *,
    batch_id: int,
    now: datetime,
    outcome: ChunkOutcome,
) -> set[tuple[str, str]]:
    """Write one record type's records; returns the people the written ones name, before and after."""
    table = TABLES[record_type]
    columns = ("source_id", "content_hash", "version", "batch_id")
    existing = {
        (agency, row[0]): _Previous(row[1], row[2], row[3])
        for agency, row in _select(
            connection, dialect, table.name, columns, ((r.agency, r.source_id) for r in group)
        )
    }
    fresh: list[StagedRecord] = [] if existing else list(group)  # a first load: all are new
    differing: list[tuple[StagedRecord, _Previous]] = []
    for record in group if existing else ():
        previous = existing.get((record.agency, record.source_id))
        if previous is None:
            fresh.append(record)
        elif previous.content_hash == record.content_hash:
            outcome.unchanged += 1
        else:
            differing.append((record, previous))
    superseded = _superseded_hashes(
        connection, dialect, record_type, [(r.agency, r.source_id) for r, _ in differing]
    )
    changed: list[tuple[StagedRecord, _Previous]] = []
    for record, previous in differing:
        if (record.agency, record.source_id, record.content_hash) in superseded:
            outcome.unchanged += 1  # an older version sent again: already stored, not a change
        else:
            changed.append((record, previous))
    if fresh:
        _insert_fresh(connection, dialect, record_type, fresh, batch_id)
        outcome.new += len(fresh)
    old_payloads: dict[tuple[str, str], Any] = {}
    if changed:
        old_payloads = _supersede(
            connection, dialect, record_type, table, changed, batch_id=batch_id, now=now
        )
        outcome.changed += len(changed)
    if record_type == "event":
        _write_parties(connection, dialect, fresh, [r for r, _ in changed], old_payloads)
    return people_named(record_type, [*fresh, *(r for r, _ in changed)], old_payloads)


def _superseded_hashes(
    connection: Connection, dialect: StoreDialect, record_type: str, keys: Sequence[tuple[str, str]]
) -> set[tuple[str, str, str]]:
    """(agency, source_id, content_hash) of the versions of these records in record_history.

    Versions are ordered by arrival (file order, then later files), so every version in the
    history is older than the current one. A record whose content is one of them is an older
    version sent again (typically a file holding a record and its later correction, ingested
    again): it is unchanged, and must not roll the record back or add a version.
    """
    if not keys:
        return set()
    found: set[tuple[str, str, str]] = set()
    for agency, ids in _by_agency(keys).items():
        for start in range(0, len(ids), dialect.lookup_slice):
            part = ids[start : start + dialect.lookup_slice]
            query = select(RecordHistory.source_id, RecordHistory.content_hash).where(
                RecordHistory.record_type == record_type,
                RecordHistory.agency == agency,
                RecordHistory.source_id.in_(part),
            )
            found |= {(agency, source_id, digest) for source_id, digest in connection.execute(query)}
    return found


def people_named(
    record_type: str, written: Sequence[StagedRecord], old_payloads: dict[tuple[str, str], dict[str, Any]]
) -> set[tuple[str, str]]:
    """(agency, person source_id) of everyone whose chronology these records may change."""
    if record_type == "person":
        named = {(r.agency, r.source_id) for r in written}
    elif record_type == "relationship":
        named = {(r.agency, r.row[end]) for r in written for end in ("from_source_id", "to_source_id")}
    else:
        named = {(r.agency, person) for r in written for person, _ in r.parties}
    for (agency, _), payload in old_payloads.items():  # a changed record may drop someone
        ends = [payload.get("from"), payload.get("to")] if record_type == "relationship" else []
        people = payload_parties(payload) if record_type == "event" else ends
        named.update((agency, p) for p in people if isinstance(p, str))
    return named


def _insert_fresh(
    connection: Connection,
    dialect: StoreDialect,
    record_type: str,
    fresh: Sequence[StagedRecord],
    batch_id: int,
) -> None:
    specific = COLUMNS[record_type]
    extra: tuple[Any, ...] = (False,) if record_type == "event" else ()
    values = _stored_values(dialect, specific)
    rows = [
        (record.agency, record.source_id, 1, record.content_hash, batch_id, *values(record.row), *extra)
        for record in fresh
    ]
    names = (*COMMON, *specific, *(("held",) if extra else ()))
    dialect.bulk_insert(connection, TABLES[record_type].name, names, rows)


def _stored_values(dialect: StoreDialect, specific: tuple[str, ...]) -> Callable[[dict[str, Any]], Any]:
    """A function giving a row's line_no, payload and type-specific column values, datetimes
    encoded for the backend: one C-level itemgetter, plus one cached call per datetime (none
    where the driver takes datetimes as they are)."""
    get = itemgetter("line_no", "payload", *specific)
    encode = dialect.datetime_encoder()
    moments = [2 + i for i, name in enumerate(specific) if name in DATETIME_COLUMNS]
    if not moments or encode is None:
        return get
    if moments == [3, 4]:  # events: kind, occurred_at, recorded_at

        def event_values(row: dict[str, Any]) -> tuple[Any, ...]:
            line_no, payload, kind, occurred, recorded = get(row)
            return line_no, payload, kind, encode(occurred), encode(recorded)

        return event_values

    def typed(row: dict[str, Any]) -> list[Any]:
        values = list(get(row))
        for i in moments:
            values[i] = encode(values[i])
        return values

    return typed


def _decode(payload: Any) -> dict[str, Any]:
    return orjson.loads(payload) if isinstance(payload, str | bytes) else dict(payload)


def _supersede(
    connection: Connection,
    dialect: StoreDialect,
    record_type: str,
    table: Table,
    changed: list[tuple[StagedRecord, _Previous]],
    *,
    batch_id: int,
    now: datetime,
) -> dict[tuple[str, str], dict[str, Any]]:
    """Move each previous version to record_history, then update the current row in place.

    Returns the previous payloads, so the caller can retract what they said.
    """
    keys = [(r.agency, r.source_id) for r, _ in changed]
    payloads = {
        (agency, row[0]): _decode(row[1])
        for agency, row in _select(connection, dialect, table.name, ("source_id", "payload"), keys)
    }
    stamp = dialect.encode_datetime(now)
    history = [
        (record_type, r.agency, r.source_id, old.version, old.content_hash,
         dialect.encode_json(payloads[(r.agency, r.source_id)]), old.batch_id, stamp)
        for r, old in changed
    ]  # fmt: skip
    dialect.bulk_insert(connection, HISTORY, HISTORY_COLUMNS, history)
    values = [
        {**record.row, "payload": orjson.loads(record.row["payload"]), "version": old.version + 1,
         "batch_id": batch_id, "k_agency": record.agency, "k_source_id": record.source_id}
        for record, old in changed
    ]  # fmt: skip
    names = [c for c in values[0] if not c.startswith("k_") and c not in ("agency", "source_id")]
    statement = (
        update(table)
        .where(
            and_(
                table.c.agency == bindparam("k_agency"),
                table.c.source_id == bindparam("k_source_id"),
            )
        )
        .values({name: bindparam(name) for name in names})
    )
    connection.execute(statement, values)
    return payloads


def payload_parties(payload: dict[str, Any]) -> list[str]:
    """Every person source_id an event payload names, subjects first."""
    names = [*(payload.get("subjects") or []), *(payload.get("others") or [])]
    return list(dict.fromkeys(n for n in names if isinstance(n, str)))


def _write_parties(
    connection: Connection,
    dialect: StoreDialect,
    fresh: Sequence[StagedRecord],
    changed: Sequence[StagedRecord],
    old_payloads: dict[tuple[str, str], dict[str, Any]],
) -> None:
    retract = [
        (agency, person, source_id)
        for (agency, source_id), payload in old_payloads.items()
        for person in payload_parties(payload)
    ]
    if retract:
        p = dialect.placeholder
        connection.exec_driver_sql(
            f"DELETE FROM {PARTY} WHERE agency = {p} AND person_source_id = {p} AND event_source_id = {p}",
            retract,
        )
    rows = [(r.agency, r.source_id, person, role) for r in (*fresh, *changed) for person, role in r.parties]
    dialect.bulk_insert(
        connection, PARTY, ("agency", "event_source_id", "person_source_id", "involvement"), rows
    )


def existing_people(connection: Connection, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (agency, person source_id) keys have a person record in the store."""
    dialect = dialect_of(connection)
    return {(agency, row[0]) for agency, row in _select(connection, dialect, PEOPLE, ("source_id",), keys)}


def stored_hashes(
    connection: Connection, record_type: str, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """The current content hash of each of these (agency, source_id) records of one type: read only,
    for `alarmbell check`, which must tell "unchanged" exactly as write_chunk would."""
    dialect = dialect_of(connection)
    rows = _select(connection, dialect, TABLES[record_type].name, ("source_id", "content_hash"), keys)
    return {(agency, row[0]): row[1] for agency, row in rows}


def stored_batches(
    connection: Connection, record_type: str, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int | None]:
    """The batch that stored the current version of each of these (agency, source_id) records of
    one type: read only, for a quarantine retry, which must not roll back a later correction."""
    dialect = dialect_of(connection)
    rows = _select(connection, dialect, TABLES[record_type].name, ("source_id", "batch_id"), keys)
    return {(agency, row[0]): row[1] for agency, row in rows}


def superseded_hashes(
    connection: Connection, record_type: str, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], set[str]]:
    """The content hashes of each record's older versions (record_history): read only, for
    `alarmbell check`, since write_chunk counts an older version sent again as unchanged."""
    found: dict[tuple[str, str], set[str]] = {}
    for agency, source_id, digest in _superseded_hashes(
        connection, dialect_of(connection), record_type, keys
    ):
        found.setdefault((agency, source_id), set()).add(digest)
    return found


def people_dobs(connection: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    """The date of birth (as sent, possibly partial) of each of these person records in the store."""
    dialect = dialect_of(connection)
    rows = _select(connection, dialect, PEOPLE, ("source_id", "dob"), keys)
    return {(agency, row[0]): row[1] for agency, row in rows}


def set_held(connection: Connection, keys: Iterable[tuple[str, str]], *, held: bool) -> None:
    p = dialect_of(connection).placeholder
    rows = [(held, agency, source_id) for agency, source_id in keys]
    if rows:
        connection.exec_driver_sql(
            f"UPDATE {EVENTS} SET held = {p} WHERE agency = {p} AND source_id = {p}", rows
        )


def release_held_events(connection: Connection) -> list[tuple[str, str]]:
    """Release held events whose person records have all arrived. Returns their keys."""
    held = connection.exec_driver_sql(
        f"SELECT agency, source_id, payload FROM {EVENTS} WHERE held = {dialect_of(connection).placeholder}",
        (True,),
    ).all()
    wanted = {(agency, person) for agency, _, payload in held for person in payload_parties(_decode(payload))}
    present = existing_people(connection, wanted)
    ready = [
        (agency, source_id)
        for agency, source_id, payload in held
        if all((agency, person) in present for person in payload_parties(_decode(payload)))
    ]
    set_held(connection, ready, held=False)
    released = set(ready)
    mark_due(
        connection,
        ((agency, person) for agency, source_id, payload in held if (agency, source_id) in released
         for person in payload_parties(_decode(payload))),
    )  # fmt: skip
    return ready
