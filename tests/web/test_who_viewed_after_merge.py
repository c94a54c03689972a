"""Who viewed a child, asked after a merge, includes who viewed the person merged into them.

Before, `alarmbell audit who-viewed SURVIVOR` (and the audit page, and a subject access export)
read the entries of the survivor's id alone: whoever had opened the merged-away person's page,
the same child's records under another id, was not reported.
"""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from alarmbell.cli import app as cli
from alarmbell.identity import link_people
from alarmbell.identity.review import merge
from alarmbell.ingest.service import ingest_lines
from alarmbell.privacy import subject_access_export
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import PersonLink, PersonRecordRow
from tests.auth_support import sign_in


def _person(engine: Engine, agency: str, given: str, family: str, dob: str) -> int:
    line = {"type": "person", "agency": agency, "source_id": f"{agency}-1", "given_name": given}
    line |= {"family_name": family, "dob": dob}
    ingest_lines(engine=engine, source="t", lines=[json.dumps(line).encode()])
    with session_scope(engine) as session:
        link_people(session)
    with session_scope(engine) as session:
        query = (
            select(PersonLink.person_id)
            .join(PersonRecordRow, PersonRecordRow.id == PersonLink.person_record_id)
            .where(PersonRecordRow.agency == agency, PersonLink.ended_at.is_(None))
        )
        return int(session.scalars(query).one())


def test_who_viewed_the_survivor_includes_views_of_the_person_merged_into_them(
    empty_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine: Engine = empty_app.state.engine
    merged_away = _person(engine, "health", "Maisie", "Harker", "2019-06-14")
    survivor = _person(engine, "police", "Daisy", "Okoro", "2018-01-02")
    assert merged_away != survivor
    with TestClient(empty_app) as analyst:
        viewer = sign_in(analyst, role="mash_analyst", agency="children_social_care", team="MASH")
        assert analyst.get(f"/people/{merged_away}").status_code == 200
    with session_scope(engine) as session:
        merge(session, merged_away, survivor, by="Ana Patel", reason="the same child, known by two names")

    monkeypatch.setenv("ALARMBELL_DATABASE_URL", str(engine.url.render_as_string(hide_password=False)))
    result = CliRunner().invoke(cli, ["audit", "who-viewed", str(survivor), "--json", "--no-lists"])
    assert result.exit_code == 0, result.output
    assert [row["who"] for row in json.loads(result.output)] == [viewer.name]

    with TestClient(empty_app) as admin:
        sign_in(admin, role="admin")
        page = admin.get(f"/admin/audit?person={survivor}")
        assert page.status_code == 200 and viewer.name in page.text

    with session_scope(engine) as session:
        export = subject_access_export(session, survivor)
    assert export is not None and [v["who"] for v in export["viewed_by"]] == [viewer.name]
