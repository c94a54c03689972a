"""A child's chronology joins four agencies and the household adults' events."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from alarmbell.chronology import build_chronology
from alarmbell.chronology.render import chronology_json, chronology_lines
from alarmbell.cli import app
from alarmbell.identity import link_people, person_ids_for_records
from alarmbell.ingest.service import ingest_file
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope


def _leo(engine: Engine, demo_case: Path) -> int:
    ingest_file(engine=engine, path=demo_case)
    with session_scope(engine) as session:
        link_people(session)
        return person_ids_for_records(session, [("police", "POL-demo-P1")])[("police", "POL-demo-P1")]


def test_chronology_has_all_four_agencies_in_order(engine: Engine, demo_case: Path) -> None:
    leo = _leo(engine, demo_case)
    with session_scope(engine) as session:
        chronology = build_chronology(session, leo)
    assert chronology is not None
    assert chronology.display_name == "Leo Brennan" and chronology.role == "child"
    assert chronology.agencies == ("children_social_care", "education", "health", "police")
    moments = [e.occurred_at for e in chronology.entries]
    assert moments == sorted(moments)
    fracture = next(e for e in chronology.entries if e.source_id == "HEA-demo-E18")
    assert fracture.is_own and fracture.attrs["injury"] == "fracture"


def test_household_adults_events_are_included_with_their_relation(engine: Engine, demo_case: Path) -> None:
    leo = _leo(engine, demo_case)
    with session_scope(engine) as session:
        chronology = build_chronology(session, leo)
    assert chronology is not None
    mothers = [e for e in chronology.entries if e.relation == "mother"]
    assert any(e.source_id == "POL-demo-E10003" for e in mothers)  # mother the victim, Leo not named
    assert {m.relation for m in chronology.household} >= {"mother", "mother_partner"}
    own_keys = [e.key for e in chronology.entries]
    assert len(own_keys) == len(set(own_keys)), "an event appears once even when several people are in it"


def test_known_at_limits_to_what_was_recorded(engine: Engine, demo_case: Path) -> None:
    leo = _leo(engine, demo_case)
    moment = datetime(2011, 1, 1, tzinfo=UTC)
    with session_scope(engine) as session:
        full = build_chronology(session, leo)
        early = build_chronology(session, leo, at=moment)
    assert full is not None and early is not None
    assert all(e.recorded_at <= moment for e in early.entries)
    assert early.entries == tuple(e for e in full.entries if e.recorded_at <= moment)


def test_render_text_and_json(engine: Engine, demo_case: Path) -> None:
    leo = _leo(engine, demo_case)
    with session_scope(engine) as session:
        chronology = build_chronology(session, leo)
    assert chronology is not None
    data = chronology_json(chronology)
    assert data["name"] == "Leo Brennan" and len(data["events"]) == len(chronology.entries)
    lines = chronology_lines(chronology, width=100)
    assert lines[0].startswith("Leo Brennan (person")
    assert any("Injury presentation" in line for line in lines)


def test_cli_chronology_by_record_key(
    store_settings: Settings, demo_case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(demo_case)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["chronology", "education:EDU-demo-P1", "--json"])
    assert result.exit_code == 0, result.output
    assert '"name": "Leo Brennan"' in result.output
    result = runner.invoke(app, ["chronology", "99999"])
    assert result.exit_code == 2
