"""person records sent by several feeds of one agency, one copy per feed

A trust and a GP practice both send the child as `nhs:<number>`, a school's concerns log and
its attendance extract both as `upn:<UPN>`, with different attributes. Each feed's copy is kept
in person_feed_record and person_record holds their merge, so alternate loads change nothing.

Revision ID: 0012
Revises: 0014
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_feed_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("feed", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_feed_record")),
        sa.UniqueConstraint("agency", "source_id", "feed", name=op.f("uq_person_feed_record_agency")),
    )


def downgrade() -> None:
    op.drop_table("person_feed_record")
