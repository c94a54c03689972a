"""Overlapping feeds: one agency sending the same person from several feeds, without churn.

A trust and a GP practice both send the child as `nhs:<number>`; a school's concerns log and its
attendance extract both send `upn:<UPN>`, each with the columns it has. Treated as versions of
one record, loading them alternately made a new version every time. A person record that names
its `feed` is instead kept per feed (person_feed_record, as sent), and the agency's person
record is the attribute-wise merge of every feed's copy:

- for each attribute, the value from the feed whose copy changed most recently (a feed that
  re-sends the same copy does not become more recent), ties broken by feed name;
- lists (other_names) are the union, in that order;
- `feeds` lists the feeds and `provenance` names the feed each attribute came from.

So re-loading any extract, in any order, changes no feed's copy and creates nothing new, while
a real change from any feed (a new address) becomes the current value. Person records without
a feed are versioned as before.
"""

from __future__ import annotations

from typing import Any, Final

import orjson
from sqlalchemy import Connection

from alarmbell.ingest.base import ValidRecord, Warning_
from alarmbell.ingest.validate import validate
from alarmbell.storage.person_feeds import FeedCopy, Key, current_payloads, feed_copies, save_copy

#: What identifies the record, not an attribute to merge.
FIXED: Final[frozenset[str]] = frozenset({"type", "agency", "source_id", "feed", "feeds", "provenance"})
LISTS: Final[frozenset[str]] = frozenset({"other_names"})
#: The copy a person record had before any feed named itself (kept, so nothing is lost).
EARLIER: Final[str] = "(before feeds)"


def merge_feeds(
    connection: Connection, records: list[ValidRecord], *, batch_id: int
) -> tuple[list[ValidRecord], int]:
    """The records to write, with each fed person replaced by its merge; and how many fed copies
    were exactly as stored (unchanged, written nowhere)."""
    fed = {
        i: _feed(r)
        for i, r in enumerate(records)
        if r.record_type == "person" and '"feed":' in r.row["payload"]
    }
    fed = {i: feed for i, feed in fed.items() if feed}
    if not fed:
        return records, 0
    keys = [(records[i].agency, records[i].source_id) for i in fed]
    copies = feed_copies(connection, keys)
    _seed_earlier(connection, keys, copies)
    out: list[ValidRecord] = []
    unchanged = 0
    for i, record in enumerate(records):
        feed = fed.get(i)
        if feed is None:
            out.append(record)
            continue
        key = (record.agency, record.source_id)
        known = copies.setdefault(key, {})
        previous = known.get(feed)
        if previous is not None and previous.content_hash == record.content_hash:
            unchanged += 1
            continue
        copy = FeedCopy(feed, record.content_hash, orjson.loads(record.row["payload"]), batch_id)
        save_copy(connection, key, copy, exists=previous is not None)
        known[feed] = copy
        out.append(_merged(key, known, record.line_no))
    return out, unchanged


def _feed(record: ValidRecord) -> str | None:
    feed = orjson.loads(record.row["payload"]).get("feed")
    return feed if isinstance(feed, str) and feed else None


def _seed_earlier(connection: Connection, keys: list[Key], copies: dict[Key, dict[str, FeedCopy]]) -> None:
    """A person record stored before feeds were named becomes the copy of an `(before feeds)` feed."""
    fresh = [k for k in keys if k not in copies]
    for key, (payload, batch_id) in current_payloads(connection, fresh).items():
        if "feeds" in payload:
            continue
        copy = FeedCopy(EARLIER, "", payload, batch_id)
        save_copy(connection, key, copy, exists=False)
        copies[key] = {EARLIER: copy}


def _merged(key: Key, copies: dict[str, FeedCopy], line_no: int) -> ValidRecord:
    ordered = sorted(copies.values(), key=lambda c: (c.batch_id or 0, c.feed))
    merged: dict[str, Any] = {"type": "person", "agency": key[0], "source_id": key[1]}
    provenance: dict[str, str] = {}
    for copy in ordered:
        for name, value in copy.payload.items():
            if name in FIXED or value in (None, "", []):
                continue
            if name in LISTS and isinstance(value, list):
                merged[name] = list(dict.fromkeys([*merged.get(name, []), *value]))
            else:
                merged[name] = value
            provenance[name] = copy.feed
    merged["feeds"] = sorted(copies)
    merged["provenance"] = dict(sorted(provenance.items()))
    warnings: list[Warning_] = []  # each feed's copy was warned about when it arrived
    return validate(merged, line_no=line_no, agency_override=None, warnings=warnings)
