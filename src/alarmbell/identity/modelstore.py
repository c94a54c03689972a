"""Which linkage model links: the newest one trained on this deployment, else the shipped one."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.identity.model import TrainedModel, model_from_json
from alarmbell.identity.probabilistic import shipped_model
from alarmbell.storage.tables import IdentityDecision, IdentityModelRow


def active_model(session: Session) -> TrainedModel:
    query = (
        select(IdentityModelRow.body)
        .where(IdentityModelRow.active.is_(True))
        .order_by(IdentityModelRow.id.desc())
        .limit(1)
    )
    body = session.scalar(query)
    return model_from_json(body) if body is not None else shipped_model()


def record_model(session: Session, model: TrainedModel, *, by: str, reason: str) -> IdentityModelRow:
    """Store a newly trained model as the active one and audit who trained it, on what, and why."""
    now = datetime.now(UTC)
    row = IdentityModelRow(
        version=model.version, created_at=now, created_by=by, active=True, body=model.to_json()
    )
    session.add(row)
    session.add(
        IdentityDecision(
            kind="train",
            decided_by=by,
            decided_at=now,
            reason=reason,
            detail={"version": model.version, "trained_on": model.trained_on},
        )
    )
    session.flush()
    return row
