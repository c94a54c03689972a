"""initial case store

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "event_party",
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("person_source_id", sa.String(length=200), nullable=False),
        sa.Column("event_source_id", sa.String(length=200), nullable=False),
        sa.Column("involvement", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("agency", "person_source_id", "event_source_id", name=op.f("pk_event_party")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "event_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_record")),
        sa.UniqueConstraint("agency", "source_id", name=op.f("uq_event_record_agency")),
    )
    with op.batch_alter_table("event_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_record_held",
            ["held"],
            unique=False,
            sqlite_where=sa.text("held"),
            postgresql_where=sa.text("held"),
        )

    op.create_table(
        "ingest_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("agency_override", sa.String(length=40), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_batch")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["merged_into"], ["person.id"], name=op.f("fk_person_merged_into_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    op.create_table(
        "person_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("given_name", sa.String(length=200), nullable=True),
        sa.Column("family_name", sa.String(length=200), nullable=True),
        sa.Column("dob", sa.String(length=10), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("postcode", sa.String(length=12), nullable=True),
        sa.Column("nhs_number", sa.String(length=10), nullable=True),
        sa.Column("upn", sa.String(length=13), nullable=True),
        sa.Column("role_hint", sa.String(length=10), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_record")),
        sa.UniqueConstraint("agency", "source_id", name=op.f("uq_person_record_agency")),
    )
    with op.batch_alter_table("person_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_record_nhs_number"), ["nhs_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_record_postcode"), ["postcode"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_record_upn"), ["upn"], unique=False)

    op.create_table(
        "record_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_history")),
    )
    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.create_index("ix_record_history_key", ["record_type", "agency", "source_id"], unique=False)

    op.create_table(
        "relationship_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("from_source_id", sa.String(length=200), nullable=False),
        sa.Column("to_source_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationship_record")),
        sa.UniqueConstraint("agency", "source_id", name=op.f("uq_relationship_record_agency")),
    )
    op.create_table(
        "alert",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_alert_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_person_id"), ["person_id"], unique=False)

    op.create_table(
        "person_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_record_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_person_link_person_id_person")),
        sa.ForeignKeyConstraint(
            ["person_record_id"],
            ["person_record.id"],
            name=op.f("fk_person_link_person_record_id_person_record"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_link")),
    )
    with op.batch_alter_table("person_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_link_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_person_link_person_record_id"), ["person_record_id"], unique=False
        )

    op.create_table(
        "quarantined_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["ingest_batch.id"],
            name=op.f("fk_quarantined_line_batch_id_ingest_batch"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantined_line")),
    )
    with op.batch_alter_table("quarantined_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantined_line_batch_id"), ["batch_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("quarantined_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantined_line_batch_id"))

    op.drop_table("quarantined_line")
    with op.batch_alter_table("person_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_link_person_record_id"))
        batch_op.drop_index(batch_op.f("ix_person_link_person_id"))

    op.drop_table("person_link")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_person_id"))

    op.drop_table("alert")
    op.drop_table("relationship_record")
    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.drop_index("ix_record_history_key")

    op.drop_table("record_history")
    with op.batch_alter_table("person_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_record_upn"))
        batch_op.drop_index(batch_op.f("ix_person_record_postcode"))
        batch_op.drop_index(batch_op.f("ix_person_record_nhs_number"))

    op.drop_table("person_record")
    op.drop_table("person")
    op.drop_table("ingest_batch")
    with op.batch_alter_table("event_record", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_event_record_held", sqlite_where=sa.text("held"), postgresql_where=sa.text("held")
        )

    op.drop_table("event_record")
    op.drop_table("event_party")
