"""`alarmbell identity train`: re-estimate on a deployment's records, record the new version."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.identity.model import PERSON_V1
from alarmbell.identity.modelstore import active_model
from alarmbell.identity.probabilistic import shipped_model
from alarmbell.ingest.service import ingest_file
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import IdentityDecision, IdentityModelRow
from alarmbell.synth import generate


def test_train_records_a_new_active_model_version(
    engine: Engine, store_settings: Settings, tmp_path: Path
) -> None:
    generate(children=320, years=2, seed=3, out_dir=tmp_path)
    for agency in ("health", "education", "police", "children_social_care"):
        ingest_file(engine=engine, path=tmp_path / f"{agency}.jsonl")
    env = {"ALARMBELL_DATABASE_URL": store_settings.database_url}
    result = CliRunner().invoke(
        app, ["identity", "train", "--by", "tester", "--reason", "first local fit"], env=env
    )
    assert result.exit_code == 0, result.output
    with session_scope(engine) as session:
        model = active_model(session)
        assert model.version != shipped_model().version and model.spec is PERSON_V1
        assert model.bands == shipped_model().bands  # bands are chosen on labelled data only
        row = session.scalars(select(IdentityModelRow)).one()
        assert row.created_by == "tester" and row.version == model.version
        audit = session.scalars(select(IdentityDecision).where(IdentityDecision.kind == "train")).one()
        assert audit.reason == "first local fit"
    linked = CliRunner().invoke(app, ["identity", "link"], env=env)
    assert linked.exit_code == 0, linked.output
    assert f"by model {model.version}" in linked.output
