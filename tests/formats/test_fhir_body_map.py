"""Every injury Condition of an emergency attendance is kept, as one body map.

Each Condition used to overwrite the last, so a fracture recorded with bruises to both ears
read as one injury at one site, and the TEN-4-FACESp bruises were lost (issue 12)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from sqlalchemy import Engine

from .conftest import DOC_SAMPLES, events, ingest

SAMPLE = DOC_SAMPLES / "health-bundle.json"
ATTENDANCE = "encounter:ED-2024-031702"


def _bundle_with(tmp_path: Path, extra: list[tuple[str, str, str | None, str]]) -> Path:
    bundle = json.loads(SAMPLE.read_text())
    [bruise] = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"]
    for n, (code, display, site, onset) in enumerate(extra):
        added = copy.deepcopy(bruise)
        resource = added["resource"]
        resource["id"] = f"cond-extra-{n}"
        coding = {"system": "http://snomed.info/sct", "code": code, "display": display}
        resource["code"] = {"coding": [coding]}
        resource["bodySite"] = [{"text": site}] if site else []
        resource["onsetDateTime"] = onset
        added["fullUrl"] = f"urn:uuid:cond-extra-{n}"
        bundle["entry"].append(added)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    return path


def test_a_fracture_and_the_bruises_found_with_it_make_one_body_map(engine: Engine, tmp_path: Path) -> None:
    path = _bundle_with(
        tmp_path,
        [("125605004", "Fracture of bone", "Left humerus", "2024-03-17T02:00:00Z")],
    )
    result = ingest(engine, path)
    assert result.rejections() == []
    attrs = events(engine)[ATTENDANCE]["attrs"]
    assert (attrs["injury"], attrs["site"]) == ("fracture", "Left humerus")
    assert attrs["bruise_sites"] == ["left_ear"]
    assert {(p["site"], p["injury"]) for p in attrs["injuries"]} == {
        ("Left humerus", "fracture"),
        ("left_ear", "bruise"),
    }
    assert len(attrs["condition_codes"]) == 2
    # the fracture's onset, 19 h 40 min before arrival, is the longer delay
    assert attrs["hours_from_onset_to_arrival"] == 19.7 and attrs["delay_in_presentation"] is True
    assert ingest(engine, path).summary.accepted == 0


def test_an_injury_recorded_without_a_site_still_names_the_attendance(engine: Engine, tmp_path: Path) -> None:
    path = _bundle_with(tmp_path, [("125605004", "Fracture of bone", None, "2024-03-17T21:00:00Z")])
    ingest(engine, path)
    attrs = events(engine)[ATTENDANCE]["attrs"]
    assert (attrs["injury"], attrs.get("site")) == ("fracture", None)
    assert attrs["bruise_sites"] == ["left_ear"]
