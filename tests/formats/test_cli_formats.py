"""Every format through `alarmbell ingest FILE --format NAME`, and file endings that pick the format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.ingest.service import default_registry
from alarmbell.settings import Settings

from .conftest import DOC_SAMPLES

SAMPLES = {
    "fhir": "health-bundle.json",
    "police-csv": "incidents.police.csv",
    "school-concerns-csv": "school-concerns.concerns.csv",
    "school-attendance-csv": "school-attendance.attendance.csv",
    "cin-xml": "cin-return.xml",
    "cin-csv": "cin-template.cin.csv",
    "csc-contacts-csv": "mash-contacts.contacts.csv",
    "health-ed-csv": "harker-ed.ed.csv",
    "health-community-csv": "harker-0-19.community.csv",
    "health-wnb-csv": "harker-outpatients.wnb.csv",
}


def test_every_format_is_registered_with_a_sample() -> None:
    assert set(default_registry().adapters) == {"jsonl", *SAMPLES}
    for name, sample in SAMPLES.items():
        assert default_registry().for_path(DOC_SAMPLES / sample).name == name
        assert (DOC_SAMPLES.parent / f"{name}.md").is_file(), f"docs/formats/{name}.md"


def test_a_bare_csv_needs_format() -> None:
    with pytest.raises(LookupError, match="name the format with --format"):
        default_registry().for_path(Path("export.csv"))


def test_a_format_name_is_read_whatever_its_case_or_spacing() -> None:
    registry = default_registry()
    for written, name in (("FHIR", "fhir"), ("Police CSV", "police-csv"), ("cin_xml", "cin-xml")):
        assert registry.for_path(Path("export.dat"), written).name == name


def test_cli_ingests_every_sample_by_format_name(store_settings: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"ALARMBELL_DATABASE_URL": store_settings.database_url}
    for name, sample in SAMPLES.items():
        plain = tmp_path / f"export-{name}.dat"  # an ending no adapter claims: --format decides
        shutil.copy(DOC_SAMPLES / sample, plain)
        result = runner.invoke(app, ["ingest", str(plain), "--format", name, "--no-link"], env=env)
        assert result.exit_code == 0, (name, result.output)
        assert " 0 rejected" in result.output, (name, result.output)
    result = runner.invoke(app, ["ingest", str(tmp_path / "export-fhir.dat"), "--format", "hl7"], env=env)
    assert result.exit_code == 2
    assert "unknown format 'hl7'" in result.output
