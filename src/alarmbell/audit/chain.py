"""The audit log's hash chain: canonical serialisation and verification, pure functions.

Each entry's hash is SHA-256 over the previous entry's hash, a newline, and the entry's
canonical JSON: its fields (seq, at, actor, actor_role, actor_agency, action, subject_type,
subject_id, detail) as one JSON object with sorted keys, no whitespace, UTF-8, non-ASCII kept,
and `at` as ISO 8601 UTC with microseconds (`2026-11-27T10:15:00.000000Z`). Editing any field
of any entry, deleting one, or swapping two breaks the chain from that entry on, and
`verify_entries` names the first place it breaks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "at",
    "actor",
    "actor_role",
    "actor_agency",
    "action",
    "subject_type",
    "subject_id",
    "detail",
)


def iso_utc(at: datetime) -> str:
    """One text form per instant, whatever the backend hands back (naive UTC or aware)."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(fields: Mapping[str, Any]) -> bytes:
    """The bytes that are hashed: only HASHED_FIELDS, sorted keys, compact, UTF-8."""
    body = {name: fields[name] for name in HASHED_FIELDS}
    body["at"] = iso_utc(body["at"]) if isinstance(body["at"], datetime) else body["at"]
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii") + b"\n")
    digest.update(canonical(fields))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """Where the chain breaks: the row's database id, its position (1-based) and what is wrong."""

    entry_id: int | None
    position: int
    seq: int | None
    problem: str

    def __str__(self) -> str:
        where = f"entry id {self.entry_id}" if self.entry_id is not None else "end of log"
        seq = f", seq {self.seq}" if self.seq is not None else ""
        return f"position {self.position} ({where}{seq}): {self.problem}"


@dataclass(frozen=True, slots=True)
class ChainReport:
    entries: int
    head_hash: str
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_entries(
    rows: Iterable[Mapping[str, Any]], *, head_seq: int | None = None, head_hash: str | None = None
) -> ChainReport:
    """Walk the entries in id order; report every break (the first is where tampering starts).

    `rows` carry `id`, `prev_hash`, `entry_hash` and HASHED_FIELDS. `head_seq`/`head_hash`
    (from audit_head) catch entries deleted from the end, which leave no gap inside the chain.
    """
    problems: list[ChainProblem] = []
    prev, expected_seq, position = GENESIS, 1, 0
    for position, row in enumerate(rows, start=1):
        problems.extend(_check(row, position, prev, expected_seq))
        prev, expected_seq = str(row["entry_hash"]), int(row["seq"]) + 1
    if head_seq is not None and head_seq != expected_seq - 1:
        problems.append(
            ChainProblem(
                None,
                position + 1,
                expected_seq,
                f"the log ends at seq {expected_seq - 1} but its head records seq {head_seq}: "
                "entries are missing from the end",
            )
        )
    elif head_hash is not None and head_hash != prev:
        problems.append(ChainProblem(None, position + 1, None, "the last entry's hash differs from the head"))
    return ChainReport(entries=position, head_hash=prev, problems=tuple(problems))


def _check(row: Mapping[str, Any], position: int, prev: str, expected_seq: int) -> list[ChainProblem]:
    entry_id, seq = int(row["id"]), int(row["seq"])
    found: list[ChainProblem] = []
    if seq != expected_seq:
        what = "deleted or reordered" if seq > expected_seq else "reordered or duplicated"
        found.append(ChainProblem(entry_id, position, seq, f"expected seq {expected_seq}: entries {what}"))
    if row["prev_hash"] != prev:
        found.append(
            ChainProblem(
                entry_id, position, seq, "does not chain onto the entry before it (deleted or moved)"
            )
        )
    if entry_hash(str(row["prev_hash"]), row) != row["entry_hash"]:
        found.append(ChainProblem(entry_id, position, seq, "its content does not match its hash (edited)"))
    return found
