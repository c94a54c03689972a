"""An alert stored as early warning stores one, for tests of what happens to alerts afterwards
(routing to work, decisions, reports), where the policy that raised it does not matter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from alarmbell.storage.tables import AlertRow


def store_alert(
    session: Session,
    person_id: int,
    level: str,
    raised: datetime,
    *,
    agency: str = "health",
    source_id: str = "X1",
    explanation: str = "why",
) -> AlertRow:
    """A `level` alert on the person, raised (and stored) at `raised`, on one record's evidence."""
    row = AlertRow(
        person_id=person_id,
        level=level,
        raised_at=raised,
        rules=["rule"],
        evidence=[[agency, source_id]],
        explanation=explanation,
        policy_version="v1",
        created_at=raised,
    )
    session.add(row)
    session.flush()
    return row
