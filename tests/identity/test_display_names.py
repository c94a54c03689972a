"""A person's shown name is the one most of their records agree on; the newest record breaks a tie.

A household adult known to three agencies, one of which typed the name wrongly in its newest
record, is shown by the name the other two agree on; between two records that disagree, the
one loaded last is shown, whichever agency's name sorts first. The per-child view and the
store-wide views read the same name. Real SQLite, each file loaded as its own batch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from alarmbell.chronology import build_chronology
from alarmbell.identity import all_views, link_people, person_ids_for_records
from alarmbell.ingest.service import ingest_file
from alarmbell.storage.db import session_scope

CHILD_NHS, MOTHER_NHS = "9434765919", "4857773457"


def _person(
    agency: str, source_id: str, given: str, family: str, dob: str, nhs: str, role: str
) -> dict[str, Any]:
    return {
        "type": "person",
        "agency": agency,
        "source_id": source_id,
        "given_name": given,
        "family_name": family,
        "dob": dob,
        "sex": "F",
        "postcode": "ZZ1 2AB",
        "nhs_number": nhs,
        "role_hint": role,
    }


def _load(engine: Engine, tmp_path: Path, agency: str, mother_given: str, *, child: bool = False) -> None:
    """One agency's file: the mother as it spells her, and (from the first file) the child and the tie."""
    records = [_person(agency, f"{agency}-M", mother_given, "Harker", "1994-02-03", MOTHER_NHS, "adult")]
    if child:
        records.append(_person(agency, f"{agency}-C", "Maisie", "Harker", "2019-06-14", CHILD_NHS, "child"))
        records.append(
            {
                "type": "relationship",
                "agency": agency,
                "source_id": f"{agency}-R",
                "from": f"{agency}-M",
                "to": f"{agency}-C",
                "kind": "mother",
            }
        )
    path = tmp_path / f"{agency}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    summary = ingest_file(engine=engine, path=path)
    assert summary.rejected == 0


def _mother_names(engine: Engine, agency: str) -> tuple[str, str]:
    """The mother's name in the child's household, and in the store-wide views."""
    with session_scope(engine) as session:
        link_people(session)
        ids = person_ids_for_records(session, [(agency, f"{agency}-C"), (agency, f"{agency}-M")])
        chronology = build_chronology(session, ids[(agency, f"{agency}-C")])
        assert chronology is not None
        [mother] = [m for m in chronology.household if m.relation == "mother"]
        shown = {v.person_id: v.display_name for v in all_views(session)}
        return mother.display_name, shown[ids[(agency, f"{agency}-M")]]


def test_a_typo_in_the_newest_record_loses_to_the_name_most_records_agree_on(
    engine: Engine, tmp_path: Path
) -> None:
    _load(engine, tmp_path, "health", "Jodie", child=True)
    _load(engine, tmp_path, "police", "Jodie")
    _load(engine, tmp_path, "education", "Jodei")
    assert _mother_names(engine, "health") == ("Jodie Harker", "Jodie Harker")


def test_the_newest_record_breaks_a_tie_whichever_agency_sorts_first(engine: Engine, tmp_path: Path) -> None:
    """Education sorts before police: the police record, loaded later, is the one shown."""
    _load(engine, tmp_path, "education", "Jodi", child=True)
    _load(engine, tmp_path, "police", "Jodie")
    assert _mother_names(engine, "education") == ("Jodie Harker", "Jodie Harker")
