"""Holding rows against other writers before reading them to decide a change.

A step that reads a row, decides, then writes it (deciding a work item, countersigning an
override, escalating) lets two people at once both read it unchanged, and the later write
replaces the earlier. A write that changes nothing takes the hold first, until the transaction
ends: a row lock on PostgreSQL, the database's write lock on SQLite (sqlite3 begins its
transaction at the first write). The caller then reads the rows again, afresh.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement


def hold_rows(session: Session, column: InstrumentedAttribute[Any], *where: ColumnElement[bool]) -> None:
    """Hold the rows of `column`'s table that match `where`, by setting `column` to itself."""
    held = update(column.class_).where(*where).values({column.key: column})
    session.execute(held.execution_options(synchronize_session=False))
