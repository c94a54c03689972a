"""at most one active person link per source record

Parallel linkers once gave records two to four active links (issue 19, defect 5). The linker
is now serialised (alarmbell.identity.serial); this partial unique index makes a second active
link impossible whatever a writer does. Duplicates already stored are ended first, keeping the
oldest link (the first decision made), with the reason recorded, so the index can be built.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None

INDEX = "uq_person_link_active_record"
ACTIVE = sa.text("ended_at IS NULL")
REASON = "duplicate active link from concurrent linking runs: ended by migration 0008, oldest kept"


def upgrade() -> None:
    _end_duplicates()
    op.create_index(
        INDEX, "person_link", ["person_record_id"], unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE
    )


def _end_duplicates() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored naive in UTC (storage.tables.UTCDateTime)
    link = sa.table(
        "person_link",
        sa.column("id", sa.Integer()),
        sa.column("person_record_id", sa.Integer()),
        sa.column("ended_at", sa.DateTime()),
        sa.column("ended_reason", sa.Text()),
    )
    oldest = (
        sa.select(sa.func.min(link.c.id)).where(link.c.ended_at.is_(None)).group_by(link.c.person_record_id)
    )
    bind.execute(
        sa.update(link)
        .where(link.c.ended_at.is_(None), link.c.id.not_in(oldest.scalar_subquery()))
        .values(ended_at=now, ended_reason=REASON)
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="person_link")
