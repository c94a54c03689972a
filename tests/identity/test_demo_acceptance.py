"""Issue 3's acceptance: the demo case replayed links each agency's record of a person into one
person, keeps siblings and different men apart, and merges no two different people."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.identity import link_people
from alarmbell.identity.probabilistic import shipped_model
from alarmbell.ingest.service import ingest_file
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import PersonLink, PersonRecordRow

#: The true people of the demo case: who each agency's record is.
TRUTH: dict[str, list[str]] = {
    "Leo (the child)": ["CHI-demo-P1", "EDU-demo-P1", "HEA-demo-P1", "POL-demo-P1"],
    "Kayleigh (mother)": ["CHI-demo-P2", "EDU-demo-P2", "HEA-demo-P2", "POL-demo-P2"],
    "Jack Fletcher (mother's partner)": ["CHI-demo-P5", "EDU-demo-P5", "HEA-demo-P5", "POL-demo-P5"],
    "Zofia (sister)": ["CHI-demo-P6", "EDU-demo-P6", "HEA-demo-P6", "POL-demo-P6"],
    "Harry (brother)": ["CHI-demo-P7", "HEA-demo-P7"],
    "Tomasz (father)": ["HEA-demo-P3", "POL-demo-P3"],
    "Kyle Fletcher (another man)": ["POL-demo-P4"],
}


def _replay_people(demo_case: Path) -> list[set[str]]:
    result = CliRunner().invoke(app, ["replay", str(demo_case), "--json"])
    assert result.exit_code == 0, result.output
    start = result.output.index("{")
    people = json.loads(result.output[start:])["people"]
    return [{source_id for _, source_id in p["records"]} for p in people]


def test_replay_links_every_true_person_and_nobody_else(demo_case: Path) -> None:
    people = _replay_people(demo_case)
    assert sorted(map(sorted, people)) == sorted(sorted(records) for records in TRUTH.values())


def test_the_father_links_despite_a_transposed_birth_date_and_a_typo(engine: Engine, demo_case: Path) -> None:
    ingest_file(engine=engine, path=demo_case)
    with session_scope(engine) as session:
        summary = link_people(session)
        rows = session.execute(
            select(PersonRecordRow.source_id, PersonLink)
            .join(PersonLink, PersonLink.person_record_id == PersonRecordRow.id)
            .where(PersonRecordRow.source_id.in_(("HEA-demo-P3", "POL-demo-P3")))
        ).all()
    links = {source_id: link for source_id, link in rows}
    assert links["HEA-demo-P3"].person_id == links["POL-demo-P3"].person_id
    model_link = next(link for link in links.values() if link.method == "splink")
    assert model_link.probability is not None and model_link.probability >= shipped_model().bands.upper
    assert "splink model person-v1" in model_link.decided_by
    assert summary.probabilistic_links >= 1
