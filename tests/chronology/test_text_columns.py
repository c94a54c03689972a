"""`alarmbell chronology` as text: an event about a household adult whose relation is longer than
the column (`mother partner`, `household member`) pushed its text right, out of line with the
other events' and with its own wrapped lines; one event is "1 event", not "1 events"."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.settings import Settings
from tests.helpers import event, person, relationship, write_jsonl


def test_every_event_text_starts_in_one_column(
    store_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    monkeypatch.setenv("COLUMNS", "100")
    long_text = (
        "Neighbour called about shouting at the address late at night; officers attended and spoke to both."
    )
    path = write_jsonl(
        tmp_path / "police.jsonl",
        [
            person("B1", given_name="Riley", family_name="Ashdown", dob="2025-09-02", role_hint="child"),
            person("M1", given_name="Kerry", family_name="Ashdown", dob="1998-03-14"),
            person("D1", given_name="Dean", family_name="Morrow", dob="1995-07-21"),
            relationship("R1", "M1", "B1", kind="mother"),
            relationship("R2", "D1", "B1", kind="mother_partner"),
            event("E1", ["B1"], kind="child_welfare_concern", occurred_at="2026-01-10", text=long_text),
            event("E2", ["D1"], kind="arrest", occurred_at="2026-01-20", text=long_text),
        ],
    )
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    result = runner.invoke(app, ["chronology", "police:B1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    body = lines[lines.index("") + 1 :]
    starts = {line.index("Child welfare concern") for line in body if "Child welfare concern" in line}
    starts |= {line.index("Arrest") for line in body if "Arrest:" in line}
    continuation = {len(line) - len(line.lstrip()) for line in body if line.startswith(" ")}
    assert len(starts) == 1 and continuation == starts, result.output

    partner = runner.invoke(app, ["chronology", "police:D1"])
    assert partner.exit_code == 0, partner.output
    assert "1 event from Police" in partner.output


def test_a_person_with_no_events_is_said_so(
    store_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`0 events from ` (an empty list of agencies) in the chronology and the review's summary."""
    monkeypatch.setenv("ALARMBELL_DATABASE_URL", store_settings.database_url)
    path = write_jsonl(
        tmp_path / "housing.jsonl",
        [person("H1", agency="housing", given_name="Kerry", family_name="Ashdown", dob="1998-03-12")],
    )
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    chronology = runner.invoke(app, ["chronology", "housing:H1"])
    assert chronology.exit_code == 0, chronology.output
    assert "no events recorded" in chronology.output and "events from \n" not in chronology.output
    review = runner.invoke(app, ["review", "housing:H1", "--format", "md"])
    assert review.exit_code == 0, review.output
    assert "- no events recorded" in review.output and "0 events from" not in review.output
