"""Alembic environment: runs on the connection alarmbell hands in (never from a URL in a file)."""

from __future__ import annotations

from alembic import context

from alarmbell.storage.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("alarmbell migrations run through alarmbell.storage.db.upgrade_schema")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
