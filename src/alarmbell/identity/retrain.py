"""Re-estimating the linkage model on a deployment's own records (`alarmbell identity train`).

The shipped model was trained on synthetic people; a deployment's names, postcodes and error
rates differ. Retraining needs no labels: u from random pairs of the deployment's records, m by
expectation maximisation on person-level blocking rules, plus the pairs reviewers accepted.
The bands stay as chosen on labelled data (unlabelled data cannot choose them) and the new
model becomes the store's active model, with its version recorded and audited.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alarmbell.domain.errors import ServiceError
from alarmbell.identity.features import build_features
from alarmbell.identity.linker import load_records
from alarmbell.identity.model import TrainedModel
from alarmbell.identity.modelstore import active_model, record_model
from alarmbell.identity.review import decision_pairs
from alarmbell.identity.splink_runner import Engine, train_unsupervised
from alarmbell.storage.tables import IdentityModelRow

#: Fewer records than this cannot estimate anything worth replacing the shipped model with.
MIN_RECORDS = 1000


class TrainingError(ServiceError):
    """Too little data to train on."""


def retrain(
    session: Session, *, by: str, reason: str, engine: Engine = "duckdb", spark: Any = None
) -> TrainedModel:
    records = load_records(session)
    if len(records) < MIN_RECORDS:
        raise TrainingError(
            f"{len(records)} person records is too few to re-estimate the model (need {MIN_RECORDS}); "
            "the shipped model stays in use"
        )
    base = active_model(session)
    accepted, _ = decision_pairs(session)
    estimate = train_unsupervised(
        build_features(records), base, accepted_pairs=accepted, engine=engine, spark=spark
    )
    model = TrainedModel(
        spec=base.spec,
        version=_next_version(session, base),
        probability_two_random_records_match=estimate.probability_two_random_records_match,
        parameters=estimate.parameters,
        bands=base.bands,
        trained_on=(
            f"{len(records)} records of this deployment, from {base.version} ({'; '.join(estimate.notes)})"
        ),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        reference_records=len(records),
    )
    record_model(session, model, by=by, reason=reason)
    return model


def _next_version(session: Session, base: TrainedModel) -> str:
    count = session.scalar(select(func.count()).select_from(IdentityModelRow)) or 0
    return f"{base.spec.id}-local-{datetime.now(UTC):%Y%m%d}-{count + 1}"
