"""countersignature of red-alert overrides

Overriding a red alert needs a team manager's countersignature (issue 13): the override is
recorded at once, but counts only once a team manager has countersigned it.

Revision ID: 0014
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert_override", schema=None) as batch_op:
        batch_op.add_column(sa.Column("countersigned_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("countersigned_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alert_override", schema=None) as batch_op:
        batch_op.drop_column("countersigned_at")
        batch_op.drop_column("countersigned_by")
