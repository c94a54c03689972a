"""index relationship records from both ends

Chronologies and households find a person's relationships by (agency, from_source_id) and
(agency, to_source_id); without these indexes each look-up scanned the table (measured at
about 850 ms per person on a 100,000-child store).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("relationship_record", schema=None) as batch_op:
        batch_op.create_index("ix_relationship_record_from", ["agency", "from_source_id"], unique=False)
        batch_op.create_index("ix_relationship_record_to", ["agency", "to_source_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("relationship_record", schema=None) as batch_op:
        batch_op.drop_index("ix_relationship_record_to")
        batch_op.drop_index("ix_relationship_record_from")
