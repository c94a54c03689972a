"""Who needs evaluating: the person records whose evidence changed since their last evaluation.

Alerts must not depend on which batch happens to be running. Every change that can alter a
child's alerts adds the person records it touches to `evaluation_due`, in the same transaction
as the change: a person, event or relationship record written, a held event released, a record
linked, a link moved by a merge or unmerge. The alert refresh takes the rows it read off again
in the transaction that stores the alerts. So a process killed at any point leaves behind exactly
the people still to evaluate, and the next refresh (any intake, or `rescore`) evaluates them.

Rows are appended, never merged by key: a change committed while a refresh runs has its own row,
which that refresh does not delete, so it is evaluated next time (at worst twice, never never).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, select

from alarmbell.storage.dialect import StoreDialect, dialect_of
from alarmbell.storage.tables import EvaluationDue, PersonRecordRow

TABLE = EvaluationDue.__tablename__
PEOPLE = PersonRecordRow.__tablename__
SLICE = 500


def mark_due(
    connection: Connection, keys: Iterable[tuple[str, str]], *, dialect: StoreDialect | None = None
) -> None:
    """Mark these (agency, person source_id) keys due; keys with no person record yet are fine.

    `dialect`: the writer's own (a bulk load's writes with COPY), else the connection's.
    """
    rows = sorted(set(keys))
    (dialect or dialect_of(connection)).bulk_insert(connection, TABLE, ("agency", "source_id"), rows)


def mark_records_due(connection: Connection, record_ids: Iterable[int]) -> None:
    """Mark the person records with these ids due (for link changes, which know records by id)."""
    ids = sorted(set(record_ids))
    dialect = dialect_of(connection)
    for start in range(0, len(ids), SLICE):
        part = ids[start : start + SLICE]
        connection.exec_driver_sql(
            f"INSERT INTO {TABLE} (agency, source_id) SELECT agency, source_id FROM {PEOPLE} "
            f"WHERE id IN ({dialect.placeholders(len(part))})",
            tuple(part),
        )


def due_marks(connection: Connection) -> list[int]:
    """The ids of the due rows committed so far, which this refresh takes off when it is done.

    On PostgreSQL the rows are locked until then and rows another refresh holds are skipped, so
    two concurrent refreshes do not both evaluate the same change (SQLite has one writer anyway).
    """
    query = select(EvaluationDue.id).order_by(EvaluationDue.id).with_for_update(skip_locked=True)
    return list(connection.execute(query).scalars())


def clear_due(connection: Connection, marks: Sequence[int]) -> None:
    """Delete exactly the rows a refresh read (rows added since stay for the next refresh)."""
    if marks:
        p = dialect_of(connection).placeholder
        connection.exec_driver_sql(f"DELETE FROM {TABLE} WHERE id = {p}", [(mark,) for mark in marks])
