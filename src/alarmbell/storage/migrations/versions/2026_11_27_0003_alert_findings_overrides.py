"""alert findings (which event fed which indicator) and practitioners' overrides of alerts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("findings", sa.JSON(), nullable=True))

    op.create_table(
        "alert_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], name=op.f("fk_alert_override_alert_id_alert")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_override")),
    )
    with op.batch_alter_table("alert_override", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_override_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_override_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_override_person_id"))
        batch_op.drop_index(batch_op.f("ix_alert_override_alert_id"))
    op.drop_table("alert_override")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_column("findings")
