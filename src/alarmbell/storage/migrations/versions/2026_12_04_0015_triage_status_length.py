"""a triage item's status holds "awaiting_countersignature"

The status column was 20 characters, and "awaiting_countersignature" (a red alert's proposed "no
further action", issue 13) is 25. SQLite does not enforce a VARCHAR's length, so only PostgreSQL
refused it: there, proposing to close a red alert with no further action failed.

Revision ID: 0015
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("triage_item", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=sa.String(length=20), type_=sa.String(length=40), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("triage_item", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=sa.String(length=40), type_=sa.String(length=20), existing_nullable=False
        )
