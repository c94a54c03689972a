"""The shipped model: it loads, matches its spec, and its bands were chosen on labelled data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alarmbell.identity.model import PERSON_V1, ModelError, load_model, model_from_json
from alarmbell.identity.probabilistic import contributions
from alarmbell.identity.splink_runner import ScoredPair, settings_for


def test_shipped_model_loads_with_sane_bands() -> None:
    model = load_model()
    assert model.spec is PERSON_V1
    assert 0 < model.bands.lower < model.bands.upper < 1
    assert model.bands.chosen_by
    assert model.measured["tune_pairwise"]["precision"] >= 0.999
    for comparison in PERSON_V1.comparisons:
        levels = model.parameters[comparison.name]
        assert len(levels) == len(comparison.levels)
        for level, params in zip(comparison.levels, levels, strict=True):
            if level.kind != "null":
                assert params["m"] is not None and params["m"] > 0
                assert params["u"] is not None and params["u"] > 0


def test_strong_evidence_against_is_pinned() -> None:
    model = load_model()
    dob_years_apart = model.parameters["dob"][-1]
    nhs_different = model.parameters["nhs"][-1]
    assert dob_years_apart["m"] == nhs_different["m"] == 0.001
    pair = ScoredPair(1, 2, 0.9, 1.0, {c.name: len(c.levels) - 1 for c in PERSON_V1.comparisons})
    weights = {c.field: c.weight for c in contributions(pair, model)}
    assert weights["Date of birth"] < -9 and weights["NHS number"] < -9


def test_a_model_for_another_spec_is_refused(tmp_path: Path) -> None:
    data = load_model().to_json()
    data["spec_fingerprint"] = "0" * 16
    with pytest.raises(ModelError, match="different person-v1 spec"):
        model_from_json(data)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(load_model().to_json()))
    assert load_model(path).version == load_model().version


def test_settings_compile_for_duckdb_and_spark() -> None:
    model = load_model()
    for dialect in ("duckdb", "spark"):
        settings = settings_for(PERSON_V1, dialect=dialect, parameters=model.parameters)
        names = [c["output_column_name"] for c in settings["comparisons"]]
        assert names == [c.name for c in PERSON_V1.comparisons]
    spark = settings_for(PERSON_V1, dialect="spark")
    dob = next(c for c in spark["comparisons"] if c["output_column_name"] == "dob")
    assert "`dob_y_l`" in dob["comparison_levels"][2]["sql_condition"]
