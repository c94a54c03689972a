"""The hash-chained audit log: appends, verification, tampering found by `alarmbell audit verify`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from alarmbell.audit import (
    GENESIS,
    Subject,
    canonical,
    entries_by,
    entries_for,
    entry_hash,
    record_audit,
    verify_audit,
    who_viewed,
)
from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import AuditEntry


def _fill(engine: Engine, count: int = 5) -> None:
    with session_scope(engine) as session:
        for n in range(count):
            record_audit(
                session, actor="ana", action="person.view", subject=Subject.person(n + 1),
                detail={"route": "/people/{person_id}", "n": n, "note": "ünïcode"},
            )  # fmt: skip


def test_entries_chain_onto_each_other(engine: Engine) -> None:
    _fill(engine, 3)
    with session_scope(engine) as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert [r.seq for r in rows] == [1, 2, 3]
        assert rows[0].prev_hash == GENESIS and rows[1].prev_hash == rows[0].entry_hash
        fields = {c: getattr(rows[1], c) for c in ("seq", "at", "actor", "actor_role", "actor_agency",
                  "action", "subject_type", "subject_id", "detail")}  # fmt: skip
        assert entry_hash(rows[0].entry_hash, fields) == rows[1].entry_hash
        assert canonical(fields).startswith(b'{"action":"person.view","actor":"ana"')
        assert verify_audit(session).ok


def test_an_audited_action_and_its_entry_roll_back_together(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        record_audit(session, actor="ana", action="person.view", subject=Subject.person(1))
        raise RuntimeError("the action failed")
    _fill(engine, 1)
    with session_scope(engine) as session:
        assert [e.seq for e in session.scalars(select(AuditEntry))] == [1]
        assert verify_audit(session).ok


def _verify(settings: Settings) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["audit", "verify"], env={"ALARMBELL_DATABASE_URL": settings.database_url}
    )
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("tamper", "where"),
    [
        ("edit", "position 3"),
        ("edit_detail", "position 2"),
        ("delete", "position 3"),
        ("delete_last", "end of log"),
        ("reorder", "position 2"),
    ],
)
def test_tampering_is_found_and_located(
    engine: Engine, store_settings: Settings, tamper: str, where: str
) -> None:
    _fill(engine, 5)
    assert _verify(store_settings)[0] == 0
    with session_scope(engine) as session:
        ids = list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
        if tamper == "edit":
            session.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(actor="someone else"))
        elif tamper == "edit_detail":
            session.execute(update(AuditEntry).where(AuditEntry.id == ids[1]).values(detail={"n": 99}))
        elif tamper == "delete":
            session.execute(delete(AuditEntry).where(AuditEntry.id == ids[2]))
        elif tamper == "delete_last":
            session.execute(delete(AuditEntry).where(AuditEntry.id == ids[-1]))
        else:  # swap the content of entries 2 and 3, as a reordering would
            two, three = (session.get(AuditEntry, i) for i in ids[1:3])
            assert two and three
            swapped = {
                c: getattr(three, c) for c in ("actor", "subject_id", "detail", "entry_hash", "prev_hash")
            }
            for column in swapped:
                setattr(three, column, getattr(two, column))
                setattr(two, column, swapped[column])
    code, output = _verify(store_settings)
    assert code == 1, output
    assert where in output and "altered" in output


def test_who_viewed_answers_with_people_and_times(engine: Engine, store_settings: Settings) -> None:
    with session_scope(engine) as session:
        record_audit(
            session,
            actor="hv",
            action="person.view",
            subject=Subject.person(7),
            at=datetime(2026, 1, 2, tzinfo=UTC),
        )
        record_audit(session, actor="ana", action="people.search", detail={"q": "x", "people": [7, 8]})
        record_audit(session, actor="bob", action="person.view", subject=Subject.person(8))
    with session_scope(engine) as session:
        found = who_viewed(session, [7])
    assert [(v.actor, v.action) for v in found] == [("hv", "person.view"), ("ana", "people.search")]
    result = CliRunner().invoke(
        app,
        ["audit", "who-viewed", "7", "--no-lists"],
        env={"ALARMBELL_DATABASE_URL": store_settings.database_url},
    )
    assert (
        result.exit_code == 0
        and "hv" in result.output
        and "bob" not in result.output
        and "ana" not in result.output
    )


def test_concurrent_appends_never_fork_the_chain(engine: Engine) -> None:
    import threading

    def worker(name: str) -> None:
        for n in range(10):
            with session_scope(engine) as session:
                session.execute(select(AuditEntry.id).limit(1)).all()  # a read first, as a page does
                record_audit(session, actor=name, action="person.view", subject=Subject.person(n))

    threads = [threading.Thread(target=worker, args=(f"user{t}",)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with session_scope(engine) as session:
        report = verify_audit(session)
        seqs = list(session.scalars(select(AuditEntry.seq).order_by(AuditEntry.id)))
    assert report.ok, report.problems
    assert seqs == list(range(1, 41))


def test_an_open_transaction_with_audit_entries_does_not_hold_up_other_appends(engine: Engine) -> None:
    """Issue 19, defect 8: each page view held the chain's head row (and on SQLite the database's
    write lock) from its audit entry until the page was rendered and committed, so every view
    waited for every other. Entries are now appended when the transaction commits."""
    import threading

    done = threading.Event()

    def other_user() -> None:
        with session_scope(engine) as session:
            record_audit(session, actor="bob", action="person.view", subject=Subject.person(2))
        done.set()

    with session_scope(engine) as session:
        session.execute(select(AuditEntry.id).limit(1)).all()
        record_audit(session, actor="ana", action="person.view", subject=Subject.person(1))
        thread = threading.Thread(target=other_user)
        thread.start()
        appended_meanwhile = done.wait(timeout=5)
    thread.join(timeout=30)
    assert appended_meanwhile, "another user's audit entry waited for this transaction to end"
    with session_scope(engine) as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert [(e.actor, e.seq) for e in entries] == [("bob", 1), ("ana", 2)]
        assert verify_audit(session).ok


def test_entries_of_one_transaction_are_appended_together_in_order(engine: Engine) -> None:
    with session_scope(engine) as session:
        for n in range(3):
            record_audit(session, actor="ana", action="person.view", subject=Subject.person(n))
        assert who_viewed(session, [0, 1, 2]) == []  # appended when the transaction commits
    with session_scope(engine) as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert [(r.seq, r.subject_id) for r in rows] == [(1, "0"), (2, "1"), (3, "2")]
        assert verify_audit(session).ok


def test_an_audit_write_completes_while_the_chain_is_being_verified(engine: Engine) -> None:
    """The audit page queues its own entry (who asked) and then verifies the chain. Verifying
    appended that entry first, so it held the chain's lock (on SQLite the write lock) while it
    walked the whole log, and every audited request waited. Here another user's view is appended
    while the verification is reading the entries; the verification still reports the chain
    as one consistent snapshot."""
    import threading

    from sqlalchemy import event

    _fill(engine, 3)
    done = threading.Event()
    waited: list[bool] = []

    def other_user() -> None:
        with session_scope(engine) as session:
            record_audit(session, actor="bob", action="person.view", subject=Subject.person(2))
        done.set()

    def mid_walk(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "FROM audit_log" in statement and not waited and threading.current_thread() is main:
            threading.Thread(target=other_user, daemon=True).start()
            waited.append(done.wait(timeout=5))

    main = threading.current_thread()
    event.listen(engine, "before_cursor_execute", mid_walk)
    try:
        with session_scope(engine) as session:
            record_audit(session, actor="ana", action="audit.who_viewed", subject=Subject.person(1))
            report = verify_audit(session)
    finally:
        event.remove(engine, "before_cursor_execute", mid_walk)
    assert waited == [True], "another user's audit entry waited for the verification"
    assert report.ok and report.entries == 3, report.problems
    assert done.wait(timeout=30)
    with session_scope(engine) as session:
        actors = list(session.scalars(select(AuditEntry.actor).order_by(AuditEntry.seq)))
        assert actors == ["ana", "ana", "ana", "bob", "ana"] and verify_audit(session).ok


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        (lambda s: [v.actor for v in who_viewed(s, [1], include_lists=False)], ["ana"]),
        (lambda s: [e.actor for e in entries_for(s, action_prefix="person.view")], ["ana", "ana"]),
        (lambda s: [e.actor for e in entries_by(s, actor="admin", action="person.view")], []),
    ],
    ids=["who_viewed", "entries_for", "entries_by"],
)
def test_reading_the_log_writes_nothing_and_answers_from_what_was_committed_before(
    engine: Engine, reader: Callable[[Session], list[str]], expected: list[str]
) -> None:
    """The readers appended their session's queued entries before reading. A read then took the
    chain's lock (on SQLite the database's write lock) and held it until its transaction ended,
    as page views did before issue 19; and its answer included what its own request had queued,
    e.g. the reader's own view, recorded before the answer was computed. A read now writes
    nothing: the queued entries are appended when the transaction commits, after the answer."""
    import threading

    _fill(engine, 2)  # ana viewed people 1 and 2, committed
    done = threading.Event()

    def other_user() -> None:
        with session_scope(engine) as session:
            record_audit(session, actor="bob", action="person.view", subject=Subject.person(2))
        done.set()

    with session_scope(engine) as session:
        record_audit(session, actor="admin", action="person.view", subject=Subject.person(1))
        answer = reader(session)
        thread = threading.Thread(target=other_user)
        thread.start()
        appended_meanwhile = done.wait(timeout=5)
    thread.join(timeout=30)
    assert answer == expected
    assert appended_meanwhile, "another user's audit entry waited for a transaction that only read"
    with session_scope(engine) as session:
        order = [(e.actor, e.seq) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert order == [("ana", 1), ("ana", 2), ("bob", 3), ("admin", 4)]
        assert verify_audit(session).ok


def test_a_transaction_with_more_entries_than_one_insert_appends_them_all_in_order(engine: Engine) -> None:
    """Routing thousands of alerts to work queues one entry per item in one transaction; they are
    inserted in batches of INSERT_BATCH, chained in the order they were queued."""
    from alarmbell.audit.service import INSERT_BATCH

    _fill(engine, 1)
    _fill(engine, 2 * INSERT_BATCH + 1)
    with session_scope(engine) as session:
        rows = session.execute(select(AuditEntry.seq, AuditEntry.subject_id).order_by(AuditEntry.id)).all()
        report = verify_audit(session)
    assert [tuple(r) for r in rows] == [(1, "1")] + [(n + 2, str(n + 1)) for n in range(2 * INSERT_BATCH + 1)]
    assert report.ok and report.entries == 2 * INSERT_BATCH + 2, report.problems
