"""Writing, verifying and reading the audit log. The caller owns the transaction.

`record_audit` queues an entry in the caller's session; the session appends its queued
entries when it commits (a `before_commit` hook), in that same transaction, so an audited
action and its entry still commit or roll back together. Appends are serialised through the
audit_head row (see storage.tables.AuditHead), which every backend locks on UPDATE, but only
for the moment of the append: a page view no longer holds the head (or, on SQLite, the
database's write lock) while it renders, so views do not queue behind one another (issue 19,
defect 8; docs/security.md, "Audit appends under load"). Readers of the log (`who_viewed`,
`entries_for`, `entries_by`) write nothing: they answer from what is in the log, and the
entries their own transaction queued (the reader's own view, say) are appended when it commits,
after the answer. `verify_audit` reads a snapshot of what is committed, on its own connection,
and takes no lock either.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Connection, event, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction

from alarmbell.audit.chain import ChainReport, entry_hash, verify_entries
from alarmbell.storage.dialect import dialect_of_engine
from alarmbell.storage.tables import AuditEntry, AuditHead


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acted: a username (or `cli:<login>`, `token:<prefix>`, `system`) with role and agency."""

    name: str
    role: str | None = None
    agency: str | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """What the action was about, e.g. Subject.person(12) or Subject("identity_review", "7")."""

    type: str
    id: str

    @classmethod
    def person(cls, person_id: int) -> Subject:
        return cls("person", str(person_id))


_QUEUE = "alarmbell.audit_queue"
#: Rows per INSERT when a transaction appends many entries (routing thousands of alerts to work):
#: the driver's copy of the parameters stays bounded.
INSERT_BATCH = 1000

ActorLike = Actor | str
SubjectLike = Subject | tuple[str, Any] | None


def record_audit(
    session: Session,
    *,
    actor: ActorLike,
    action: str,
    subject: SubjectLike = None,
    detail: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Queue one entry for the hash-chained audit log, appended when the caller's transaction commits.

    `detail` must be JSON-serialisable (datetimes and other objects are stored as text); it is
    normalised once so that what is hashed is exactly what is stored and read back.
    """
    who = actor if isinstance(actor, Actor) else Actor(actor)
    what = _subject(subject)
    fields: dict[str, Any] = {
        "at": at or datetime.now(UTC),
        "actor": who.name[:200],
        "actor_role": who.role,
        "actor_agency": who.agency,
        "action": action[:60],
        "subject_type": what.type if what else None,
        "subject_id": what.id[:100] if what else None,
        "detail": json.loads(json.dumps(dict(detail or {}), default=str)),
    }
    _pending(session).append(fields)


def record_audit_in(
    connection: Connection,
    *,
    actor: ActorLike,
    action: str,
    subject: SubjectLike = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry now, in `connection`'s open transaction, for a service that writes with
    a Connection rather than a Session (a bulk ingest finishing its batch): the entry commits or
    rolls back with that transaction, as `record_audit`'s do with theirs. The session only
    borrows the transaction (`rollback_only`: it never commits it, and closing leaves it open)."""
    with Session(bind=connection, join_transaction_mode="rollback_only") as session:
        record_audit(session, actor=actor, action=action, subject=subject, detail=detail)
        append_pending(session)


class Audited(Protocol):
    """What a service's result says of itself to the audit log (an ingest batch's summary)."""

    @property
    def audit_subject(self) -> tuple[str, Any]: ...

    @property
    def audit_detail(self) -> Mapping[str, Any]: ...


def audit_each(actor: ActorLike, action: str) -> Callable[[Connection, Audited], None]:
    """A hook for a service that calls back in its own transaction with each result (ingest's
    `on_finish`, once per batch): it appends the result's entry there, as `actor`. A lower
    layer takes the hook without importing the audit log."""

    def append(connection: Connection, result: Audited) -> None:
        record_audit_in(
            connection, actor=actor, action=action, subject=result.audit_subject, detail=result.audit_detail
        )

    return append


def _pending(session: Session) -> list[dict[str, Any]]:
    """This session's queued entries; the hooks that append or drop them are installed once."""
    queue: list[dict[str, Any]] | None = session.info.get(_QUEUE)
    if queue is None:
        queue = session.info[_QUEUE] = []
        event.listen(session, "before_commit", append_pending)
        event.listen(session, "after_transaction_end", _drop_on_end)
    return queue


def append_pending(session: Session) -> int:
    """Chain and insert this session's queued entries now, in its transaction; returns how many.

    One UPDATE of the head takes the chain's lock and reserves a run of sequence numbers for
    all of them, so a request with several entries locks the head once.
    """
    queue: list[dict[str, Any]] = session.info.get(_QUEUE) or []
    if not queue:
        return 0
    entries, queue[:] = list(queue), []
    last, prev = _advance_head(session, len(entries))
    for seq, fields in enumerate(entries, start=last - len(entries) + 1):
        fields["seq"] = seq
        digest = entry_hash(prev, fields)
        fields.update(prev_hash=prev, entry_hash=digest)
        prev = digest
    for start in range(0, len(entries), INSERT_BATCH):
        session.execute(insert(AuditEntry), entries[start : start + INSERT_BATCH])
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(entry_hash=prev))
    return len(entries)


def _drop_on_end(session: Session, transaction: SessionTransaction) -> None:
    """Entries queued in a transaction that rolled back go with it (committed ones are appended)."""
    if transaction.parent is None:
        queue = session.info.get(_QUEUE)
        if queue:
            queue.clear()


def _subject(subject: SubjectLike) -> Subject | None:
    if subject is None or isinstance(subject, Subject):
        return subject
    kind, ident = subject
    return Subject(str(kind), str(ident))


def _advance_head(session: Session, count: int) -> tuple[int, str]:
    """Take the chain's lock, reserve `count` sequence numbers, and read the hash to chain onto.

    The UPDATE comes first so the read after it sees the latest committed tip on every backend.
    Returns the last reserved sequence number and the tip's hash.
    """
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + count))
    row = session.execute(select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == 1)).one()
    return int(row.seq), str(row.entry_hash)


def _rows(connection: Connection, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """Entries in id order, streamed in batches (keyset pagination keeps memory flat)."""
    table = AuditEntry.__table__
    last = 0
    while True:
        query = select(table).where(table.c.id > last).order_by(table.c.id).limit(batch)
        chunk = [dict(row) for row in connection.execute(query).mappings()]
        yield from chunk
        if len(chunk) < batch:
            return
        last = chunk[-1]["id"]


def verify_audit(session: Session) -> ChainReport:
    """Check the whole chain, and its head, as committed now.

    It reads a snapshot on a connection of its own (storage.dialect `read_snapshot`), so the
    head and every entry are read as of one moment, and it holds no lock: requests go on
    appending while a long log is checked (it used to append this session's queued entries
    first, taking the chain's lock, and so the write lock, for the whole walk). Entries this
    session has queued are appended when it commits, after the check.
    """
    engine_dialect = dialect_of_engine(session.get_bind().engine)
    with engine_dialect.read_snapshot(session) as connection:
        head = connection.execute(
            select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == 1)
        ).first()
        return verify_entries(
            _rows(connection),
            head_seq=head.seq if head else None,
            head_hash=head.entry_hash if head else None,
        )


#: Actions that show a person's record to someone (who-viewed answers with these).
VIEW_ACTIONS = frozenset(
    {
        "person.view",
        "person.chronology",
        "person.export",
        "person.sar_export",
        "review.view",
        "review.export",
        "break_glass",
        "concern.form",
        "concern.record",
        "concern.confirmation",
        "identity.review",
        "triage.item",
    }
)
#: Lists naming people, with the ids shown in `people`: who-viewed reports each that showed them.
LIST_ACTIONS = frozenset(
    {
        "people.search",
        "alerts.list",
        "concerns.mine",
        "identity.review_list",
        "reviews.list",
        "reports.unanswered",
        "triage.reported",
        "triage.queue",
        "triage.analytics",
    }
)


@dataclass(frozen=True, slots=True)
class Viewing:
    at: datetime
    actor: str
    role: str | None
    agency: str | None
    action: str
    detail: dict[str, Any]


def who_viewed(session: Session, person_ids: list[int], *, include_lists: bool = True) -> list[Viewing]:
    """Everyone who opened these people's records (or, with include_lists, saw them listed).

    From the log as it stands: entries this session has queued and not yet appended (its own
    view of the answer, say) are not in it, and reading takes no lock (module docstring).
    """
    wanted = {str(p) for p in person_ids}
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.subject_type == "person",
            AuditEntry.subject_id.in_(wanted),
            AuditEntry.action.in_(VIEW_ACTIONS),
        )
        .order_by(AuditEntry.id)
    )
    found = [_viewing(entry) for entry in session.scalars(query)]
    if include_lists:
        people = {int(p) for p in wanted}
        found.extend(_listed(session, people))
        found.extend(_escalations_shown(session, people))
    return sorted(found, key=lambda v: v.at)


def _listed(session: Session, people: set[int]) -> list[Viewing]:
    query = select(AuditEntry).where(AuditEntry.action.in_(LIST_ACTIONS)).order_by(AuditEntry.id)
    return [
        _viewing(entry)
        for entry in session.scalars(query)
        if people.intersection(int(p) for p in entry.detail.get("people", []))
    ]


#: A step alarmbell takes by itself whose work item title (naming the child) is printed to
#: whoever ran it by hand (`run_by` in the detail): `alarmbell triage escalate`.
SHOWN_TO_RUNNER = frozenset({"triage.escalated"})


def _escalations_shown(session: Session, people: set[int]) -> list[Viewing]:
    """Escalations run by hand, each printed with its item's title to the one who ran it: that
    person saw the child named, so the viewing is theirs (`run_by`), not alarmbell's, whose
    step it was. One without `run_by` (a service's own call, as the triage scenario makes)
    printed nothing to anyone."""
    query = select(AuditEntry).where(AuditEntry.action.in_(SHOWN_TO_RUNNER)).order_by(AuditEntry.id)
    return [
        Viewing(entry.at, str(entry.detail["run_by"]), None, None, entry.action, entry.detail)
        for entry in session.scalars(query)
        if entry.detail.get("run_by") and entry.detail.get("person") in people
    ]


def _viewing(entry: AuditEntry) -> Viewing:
    return Viewing(entry.at, entry.actor, entry.actor_role, entry.actor_agency, entry.action, entry.detail)


def entries_for(session: Session, *, action_prefix: str, limit: int = 500) -> list[AuditEntry]:
    """Entries whose action starts with `action_prefix`, newest first; a read, like who_viewed."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.action.startswith(action_prefix, autoescape=True))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def entries_by(session: Session, *, actor: str, action: str, limit: int = 100) -> list[AuditEntry]:
    """What one user did of one kind, newest first (a user's own concerns, say); a read, like
    who_viewed."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.actor == actor[:200], AuditEntry.action == action)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
