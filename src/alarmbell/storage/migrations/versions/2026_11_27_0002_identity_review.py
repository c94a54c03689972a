"""identity review queue, decisions and deployment-trained linkage models

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_a_id", sa.Integer(), nullable=False),
        sa.Column("record_b_id", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("model_version", sa.String(length=100), nullable=False),
        sa.Column("contributions", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_a_id"], ["person_record.id"], name=op.f("fk_identity_review_record_a_id_person_record")
        ),
        sa.ForeignKeyConstraint(
            ["record_b_id"], ["person_record.id"], name=op.f("fk_identity_review_record_b_id_person_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_review")),
        sa.UniqueConstraint("record_a_id", "record_b_id", name=op.f("uq_identity_review_record_a_id")),
    )
    with op.batch_alter_table("identity_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_review_record_b_id"), ["record_b_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_identity_review_status"), ["status"], unique=False)

    op.create_table(
        "identity_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_a_id", sa.Integer(), nullable=True),
        sa.Column("record_b_id", sa.Integer(), nullable=True),
        sa.Column("person_a", sa.Integer(), nullable=True),
        sa.Column("person_b", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_a_id"], ["person_record.id"], name=op.f("fk_identity_decision_record_a_id_person_record")
        ),
        sa.ForeignKeyConstraint(
            ["record_b_id"], ["person_record.id"], name=op.f("fk_identity_decision_record_b_id_person_record")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["identity_review.id"], name=op.f("fk_identity_decision_review_id_identity_review")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_decision")),
    )
    with op.batch_alter_table("identity_decision", schema=None) as batch_op:
        batch_op.create_index("ix_identity_decision_pair", ["record_a_id", "record_b_id"], unique=False)

    op.create_table(
        "identity_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_model")),
        sa.UniqueConstraint("version", name=op.f("uq_identity_model_version")),
    )


def downgrade() -> None:
    op.drop_table("identity_model")
    with op.batch_alter_table("identity_decision", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_decision_pair")
    op.drop_table("identity_decision")
    with op.batch_alter_table("identity_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_review_status"))
        batch_op.drop_index(batch_op.f("ix_identity_review_record_b_id"))
    op.drop_table("identity_review")
