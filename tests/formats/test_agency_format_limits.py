"""Issue 19 through the FHIR and CIN XML formats: implausible dates, overflowing time zones,
deep nesting and repeated keys are per-entry (per-child) errors, never tracebacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from .conftest import DOC_SAMPLES, events, ingest, people

BUNDLE = DOC_SAMPLES / "health-bundle.json"
#: Events in the clean sample (the A&E Condition is carried on its attendance, not an event of its own).
CLEAN_EVENTS = 5


def _bundle(tmp_path: Path, spoil: Any) -> Path:
    bundle = json.loads(BUNDLE.read_text())
    spoil(bundle["entry"])
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    return path


def _set(entry: int, key: str, value: Any) -> Any:
    def spoil(entries: list[dict[str, Any]]) -> None:
        entries[entry]["resource"][key] = value

    return spoil


@pytest.mark.parametrize("when", ["0999-06-01", "9999-12-31T23:00:00-05:00", "0001-01-01T01:00:00+05:00"])
def test_fhir_encounter_dates_out_of_range_are_one_entry_error(
    engine: Engine, tmp_path: Path, when: str
) -> None:
    path = _bundle(tmp_path, _set(3, "period", {"start": when}))
    result = ingest(engine, path)
    [message] = result.rejections()
    assert message.startswith(f"{path}:4: ")
    assert f"'{when}'" in message and "(expected a date from 1900-01-01 to" in message
    assert len(events(engine)) == CLEAN_EVENTS - 1


def test_fhir_birth_date_in_the_future_is_one_entry_error(engine: Engine, tmp_path: Path) -> None:
    path = _bundle(tmp_path, _set(1, "birthDate", "2090-01-01"))
    result = ingest(engine, path)
    rejections = result.rejections()
    assert rejections[0].startswith(f"{path}:2: ")
    assert "'2090-01-01' is in the future (expected a date of birth from 1900 to today)" in rejections[0]
    assert "nhs:9992345675" in people(engine)


def test_fhir_deep_nesting_in_an_entry_is_one_entry_error(engine: Engine, tmp_path: Path) -> None:
    deep: Any = []
    for _ in range(600):
        deep = [deep]

    def spoil(entries: list[dict[str, Any]]) -> None:
        entries[5]["resource"]["extension"] = [{"url": "http://example.org/x", "valueString": "y",
                                                 "extension": deep}]  # fmt: skip

    path = tmp_path / "bundle.json"
    bundle = json.loads(BUNDLE.read_text())
    spoil(bundle["entry"])
    path.write_text(json.dumps(bundle))  # the standard library writes what orjson will not
    result = ingest(engine, path)
    [message] = result.rejections()
    assert message.startswith(f"{path}:6: Bundle.entry[5].resource")
    assert "nested" in message
    assert len(events(engine)) == CLEAN_EVENTS - 1


def test_fhir_repeated_key_in_an_entry_is_one_entry_error(engine: Engine, tmp_path: Path) -> None:
    sample = BUNDLE.read_text()
    text = sample.replace('"birthDate": "2019-06-14"', '"birthDate": "2019-06-14", "birthDate": "2018-01-01"')
    assert text != sample
    path = tmp_path / "bundle.json"
    path.write_text(text)
    result = ingest(engine, path)
    first, *others = result.rejections()
    assert first == (
        f"{path}:1: Bundle.entry[0].resource.birthDate: appears twice in one object (expected each key "
        "once) [entry 1; line = entry number in the bundle]"
    )
    assert all("names no Patient in this bundle" in message for message in others)
    assert "nhs:9992345675" not in people(engine)


def test_cin_xml_date_before_1900_is_one_child_error(engine: Engine, tmp_path: Path) -> None:
    xml = (DOC_SAMPLES / "cin-return.xml").read_text()
    first = xml.index("<CINreferralDate>")
    spoilt = xml[:first] + xml[first:].replace(
        xml[first : xml.index("</CINreferralDate>", first)], "<CINreferralDate>0999-06-01", 1
    )
    path = tmp_path / "return.cin.xml"
    path.write_text(spoilt)
    result = ingest(engine, path, format_name="cin-xml")
    rejections = result.rejections()
    assert rejections, "the bad date must be reported"
    assert all("'0999-06-01' is before 1900" in message for message in rejections)
    assert events(engine), "the other children and steps are kept"
