"""Per-feed copies of person records (person_feed_record): read and write, no merging here.

Only person records that name their feed come this way, a few per export row at most, so
plain SQLAlchemy statements are fast enough; the bulk path in source_records is untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, and_, insert, select, tuple_, update

from alarmbell.storage.tables import PersonFeedRecord, PersonRecordRow

Key = tuple[str, str]
SLICE = 500


@dataclass(frozen=True, slots=True)
class FeedCopy:
    feed: str
    content_hash: str
    payload: dict[str, Any]
    batch_id: int | None


def _decode(payload: Any) -> dict[str, Any]:
    return orjson.loads(payload) if isinstance(payload, str | bytes) else dict(payload)


def _slices(keys: Iterable[Key]) -> Iterable[list[Key]]:
    unique = sorted(set(keys))
    for start in range(0, len(unique), SLICE):
        yield unique[start : start + SLICE]


def feed_copies(connection: Connection, keys: Iterable[Key]) -> dict[Key, dict[str, FeedCopy]]:
    """Every feed's copy of each (agency, source_id), by feed."""
    table = PersonFeedRecord
    found: dict[Key, dict[str, FeedCopy]] = {}
    for part in _slices(keys):
        rows = connection.execute(
            select(
                table.agency, table.source_id, table.feed, table.content_hash, table.payload, table.batch_id
            ).where(tuple_(table.agency, table.source_id).in_(part))
        )
        for agency, source_id, feed, digest, payload, batch_id in rows:
            found.setdefault((agency, source_id), {})[feed] = FeedCopy(
                feed, digest, _decode(payload), batch_id
            )
    return found


def current_payloads(
    connection: Connection, keys: Iterable[Key]
) -> dict[Key, tuple[dict[str, Any], int | None]]:
    """The current person_record payload and batch of each key that has one."""
    table = PersonRecordRow
    found: dict[Key, tuple[dict[str, Any], int | None]] = {}
    for part in _slices(keys):
        rows = connection.execute(
            select(table.agency, table.source_id, table.payload, table.batch_id).where(
                tuple_(table.agency, table.source_id).in_(part)
            )
        )
        for agency, source_id, payload, batch_id in rows:
            found[(agency, source_id)] = (_decode(payload), batch_id)
    return found


def save_copy(connection: Connection, key: Key, copy: FeedCopy, *, exists: bool) -> None:
    """Insert a feed's first copy of a person, or replace its previous one."""
    table = PersonFeedRecord
    values = {"content_hash": copy.content_hash, "payload": copy.payload, "batch_id": copy.batch_id}
    if exists:
        connection.execute(
            update(table)
            .where(and_(table.agency == key[0], table.source_id == key[1], table.feed == copy.feed))
            .values(**values)
        )
    else:
        connection.execute(insert(table).values(agency=key[0], source_id=key[1], feed=copy.feed, **values))
