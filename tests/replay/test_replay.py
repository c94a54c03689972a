"""Replay of the demo case: what alarmbell would have said, and when."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.policy.loader import default_policy
from alarmbell.replay.service import replay_file

LEO = {
    ("children_social_care", "CHI-demo-P1"),
    ("education", "EDU-demo-P1"),
    ("health", "HEA-demo-P1"),
    ("police", "POL-demo-P1"),
}


def _leo_alerts(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in result["alerts"] if {tuple(r) for r in a["records"]} == LEO]


@pytest.mark.slow
def test_demo_replay_raises_amber_then_red_in_time(demo_case: Path) -> None:
    output = subprocess.run(
        [sys.executable, "-m", "alarmbell.cli", "replay", str(demo_case), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(output)
    assert set(result) == {"people", "alerts", "work"}
    assert result["work"]["items_opened"] >= 1, "every alert becomes work, in the replay's store too"
    alerts = _leo_alerts(result)
    assert alerts, "the demo child must be alerted"
    first_amber = min(a["raised_at"] for a in alerts if a["level"] in ("amber", "red"))
    first_red = min(a["raised_at"] for a in alerts if a["level"] == "red")
    assert first_amber <= "2011-01-31"
    assert first_red <= "2008-05-10"  # issue 12: no later than before the evidence-based policy
    last_months = [a for a in alerts if a["raised_at"] >= "2011-11-01"]
    assert last_months, "the school's concerns in the last four months must ring again"
    assert all(a["new_evidence"] for a in last_months if a["level"] == "red")
    for alert in alerts:
        assert set(alert) == {
            "new_evidence",
            "person",
            "records",
            "level",
            "raised_at",
            "rules",
            "evidence",
            "explanation",
            "findings",
        }
        assert alert["rules"] and alert["evidence"] and alert["explanation"]
        assert all(len(k) == 2 for k in alert["evidence"])
        assert [f["indicator"] for f in alert["findings"]] == alert["rules"]
        fed = {tuple(k) for f in alert["findings"] for k in f["evidence"]}
        assert fed == {tuple(k) for k in alert["evidence"]}, "every evidence record fed an indicator"
        for finding in alert["findings"]:
            assert 0 < finding["weight"] <= finding["base_weight"] and finding["explanation"]


def test_replay_people_cover_every_record_once(demo_case: Path) -> None:
    result = replay_file(demo_case, policy=default_policy())
    records = [k for p in result.people for k in p.records]
    assert len(records) == len(set(records)) == 21


def test_replay_is_deterministic(demo_case: Path) -> None:
    first = replay_file(demo_case, policy=default_policy()).to_json()
    second = replay_file(demo_case, policy=default_policy()).to_json()
    assert first == second


def test_alerts_rise_or_bring_new_evidence(demo_case: Path) -> None:
    result = replay_file(demo_case, policy=default_policy())
    for alert in result.alerts:
        if alert.is_renotification:
            assert set(alert.new_evidence) <= set(alert.rules)
            assert alert.explanation.startswith(
                f"New evidence on a{'n' if alert.level.value == 'amber' else ''} "
            )
        else:
            assert alert.level.rank > alert.previous_level.rank


def test_replay_text_output_and_missing_file(demo_case: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["replay", str(demo_case)])
    assert result.exit_code == 0 and "RED" in result.output
    result = runner.invoke(app, ["replay", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2


def test_by_agency_replays_each_agency_alone(demo_case: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["replay", str(demo_case), "--by-agency", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"people", "alerts", "work", "by_agency"}
    assert set(data["by_agency"]) == {"police", "health", "education", "children_social_care"}
    for agency, alone in data["by_agency"].items():
        for alert in alone["alerts"]:
            assert {a for a, _ in alert["records"]} == {agency}
            assert {a for a, _ in alert["evidence"]} == {agency}
    joined_red = min(a["raised_at"] for a in _leo_alerts(data) if a["level"] == "red")
    alone_red = [
        a["raised_at"]
        for alone in data["by_agency"].values()
        for a in alone["alerts"]
        if a["level"] == "red" and {tuple(r) for r in a["records"]} <= LEO
    ]
    assert not alone_red or min(alone_red) >= joined_red, "joining up raises red no later"


def test_by_agency_text_compares_first_dates(demo_case: Path) -> None:
    result = CliRunner().invoke(app, ["replay", str(demo_case), "--by-agency"])
    assert result.exit_code == 0
    assert "Joined up versus each agency alone" in result.output
    assert "police alone" in result.output and "joined up" in result.output
