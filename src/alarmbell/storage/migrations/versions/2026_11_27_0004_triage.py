"""triage: work items ordered by harm, their append-only audit, and the work log

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "triage_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=250), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("team", sa.String(length=120), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("referrer", sa.String(length=200), nullable=True),
        sa.Column("offence", sa.String(length=200), nullable=True),
        sa.Column("alert_level", sa.String(length=10), nullable=True),
        sa.Column("timescale", sa.String(length=40), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("harm_days", sa.Float(), nullable=False),
        sa.Column("harm_basis", sa.String(length=40), nullable=False),
        sa.Column("harm_source", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decision", sa.String(length=40), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_item")),
        sa.UniqueConstraint("source_key", name=op.f("uq_triage_item_source_key")),
    )
    with op.batch_alter_table("triage_item", schema=None) as batch_op:
        batch_op.create_index("ix_triage_item_team_status", ["team", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_triage_item_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_triage_item_referrer"), ["referrer"], unique=False)

    op.create_table(
        "triage_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["triage_item.id"], name=op.f("fk_triage_event_item_id_triage_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_event")),
    )
    with op.batch_alter_table("triage_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_triage_event_item_id"), ["item_id"], unique=False)

    op.create_table(
        "triage_work_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(length=200), nullable=False),
        sa.Column("team", sa.String(length=120), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("worked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["triage_item.id"], name=op.f("fk_triage_work_log_item_id_triage_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_work_log")),
    )
    with op.batch_alter_table("triage_work_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_triage_work_log_item_id"), ["item_id"], unique=False)
        batch_op.create_index("ix_triage_work_log_team_worked", ["team", "worked_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("triage_work_log", schema=None) as batch_op:
        batch_op.drop_index("ix_triage_work_log_team_worked")
        batch_op.drop_index(batch_op.f("ix_triage_work_log_item_id"))
    op.drop_table("triage_work_log")
    with op.batch_alter_table("triage_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_event_item_id"))
    op.drop_table("triage_event")
    with op.batch_alter_table("triage_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_item_referrer"))
        batch_op.drop_index(batch_op.f("ix_triage_item_person_id"))
        batch_op.drop_index("ix_triage_item_team_status")
    op.drop_table("triage_item")
