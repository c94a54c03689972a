"""An exchange-format event that gives only a body map (`injuries`) is stored with the attrs the
indicators read: `injury` and `site` (the most serious point), `sites` and `bruise_sites`.

Without them a two-year-old's fracture with bruises to the ears, cheeks and genital area, sent
as a body map, read as nothing at all (issue 12)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from alarmbell.domain.injuries import completed_injury_attrs, injury_attrs
from alarmbell.ingest.service import ingest_file
from alarmbell.storage.tables import EventRecordRow
from tests.helpers import event, person, write_jsonl

_BODY_MAP = [
    {"site": "both ears", "injury": "bruise"},
    {"site": "left humerus", "injury": "fracture"},
    {"site": "cheeks", "injury": "bruise"},
]


def test_a_body_map_alone_is_completed_with_what_the_indicators_read() -> None:
    assert completed_injury_attrs({"injuries": _BODY_MAP}) == {
        "injury": "fracture",
        "site": "left humerus",
        "sites": ["left humerus", "both ears", "cheeks"],
        "bruise_sites": ["both ears", "cheeks"],
    }


def test_what_the_sender_wrote_is_never_replaced() -> None:
    written = {"injuries": _BODY_MAP, "injury": "bruise", "site": "ear"}
    assert completed_injury_attrs(written) == {
        "sites": ["left humerus", "both ears", "cheeks"],
        "bruise_sites": ["both ears", "cheeks"],
    }
    assert completed_injury_attrs({"injury": "bruise", "site": "ear"}) == {}
    assert "site" not in completed_injury_attrs({"injuries": _BODY_MAP, "injury": "burn"})


def test_a_body_map_without_a_bruise_has_no_bruise_sites() -> None:
    assert "bruise_sites" not in injury_attrs([("left arm", "fracture")])


def test_the_stored_record_holds_the_completed_attrs_and_resending_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    line = event("E1", ["P1"], kind="ed_attendance", attrs={"injuries": _BODY_MAP})
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), line])
    first = ingest_file(engine=engine, path=file, agency=None, report=lambda _m: None)
    assert (first.accepted, first.rejected) == (2, 0)
    with engine.connect() as connection:
        stored = connection.execute(select(EventRecordRow).where(EventRecordRow.source_id == "E1")).one()
    assert stored.payload["attrs"]["injury"] == "fracture"
    assert stored.payload["attrs"]["bruise_sites"] == ["both ears", "cheeks"]
    again = ingest_file(engine=engine, path=file, agency=None, report=lambda _m: None)
    assert (again.accepted, again.unchanged) == (0, 2)
