"""evaluation_due: person records whose evidence changed since they were last evaluated

Written in the same transaction as each change and cleared in the transaction that stores
the alerts, so an intake killed at any point leaves behind exactly who still needs evaluating.
A store upgraded from an earlier revision starts with the table empty: run `alarmbell rescore`
once if an ingest was ever interrupted before this revision.

Revision ID: 0007
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation_due",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_due")),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("evaluation_due")
