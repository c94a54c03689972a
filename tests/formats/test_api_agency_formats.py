"""POST /api/v1/records takes the agencies' own formats by content type, as `alarmbell ingest` does.

A FHIR Bundle POSTed to the API used to be read as one exchange-format record and rejected with
`type: 'collection' (expected one of event, person, relationship)` (issue 15).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.testclient import TestClient

from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.web.app import create_app
from tests.store_templates import SQLiteStores

from .conftest import DOC_SAMPLES, TEST_SAMPLES, events, ingest, people

HEALTH_TOKEN = "health-token-0123456789"
SCHOOL_TOKEN = "school-token-0123456789"
GP_EXPORT = TEST_SAMPLES / "gp-transaction-bundle.json"
CONCERNS = DOC_SAMPLES / "school-concerns.concerns.csv"


@pytest.fixture
def app(store_settings: Settings) -> Iterator[FastAPI]:
    settings = store_settings.model_copy(
        update={"api_tokens": {HEALTH_TOKEN: "health", SCHOOL_TOKEN: "education"}}
    )
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def cli_store(tmp_path: Path, sqlite_stores: SQLiteStores) -> Iterator[Engine]:
    """A second store, for what `alarmbell ingest` makes of the same file."""
    engine = make_engine(Settings(database_url=sqlite_stores.migrated(tmp_path, "cli.db")))
    yield engine
    engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def _post(client: TestClient, body: bytes, content_type: str, token: str, query: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    return client.post(f"/api/v1/records?link=false{query}", content=body, headers=headers)


def test_a_fhir_bundle_is_read_as_fhir_with_the_same_outcome_as_the_cli(
    client: TestClient, app: FastAPI, cli_store: Engine
) -> None:
    response = _post(client, GP_EXPORT.read_bytes(), "application/fhir+json", HEALTH_TOKEN)
    assert response.status_code == 200, response.text
    body = response.json()
    cli = ingest(cli_store, GP_EXPORT)
    assert (body["accepted"], body["rejected"], body["errors"]) == (cli.summary.accepted, 0, [])
    assert any("fails the check digit" in w["problem"] for w in body["warnings"])
    assert sorted(events(app.state.engine)) == sorted(events(cli_store))
    again = _post(client, GP_EXPORT.read_bytes(), "application/fhir+json", HEALTH_TOKEN).json()
    assert (again["accepted"], again["unchanged"]) == (0, cli.summary.accepted)


def test_a_bundle_sent_as_plain_json_is_recognised(client: TestClient, app: FastAPI) -> None:
    response = _post(client, GP_EXPORT.read_bytes(), "application/json", HEALTH_TOKEN)
    assert response.status_code == 200
    assert response.json()["rejected"] == 0
    assert "nhs:9993456780" in people(app.state.engine)


def test_a_bad_entry_is_reported_with_its_entry_number_and_fhir_path(client: TestClient) -> None:
    bad = (TEST_SAMPLES / "health-bundle-malformed.json").read_bytes()
    body = _post(client, bad, "application/fhir+json", HEALTH_TOKEN).json()
    first = body["errors"][0]
    assert (first["line"], first["field"]) == (2, "Bundle.entry[1].resource.birthDate")
    assert "2023-02-30" in first["problem"]


def test_a_csv_template_is_read_by_its_format(client: TestClient, app: FastAPI, cli_store: Engine) -> None:
    response = _post(client, CONCERNS.read_bytes(), "text/csv", SCHOOL_TOKEN, "&format=school-concerns-csv")
    assert response.status_code == 200, response.text
    cli = ingest(cli_store, CONCERNS)
    assert (response.json()["accepted"], response.json()["errors"]) == (cli.summary.accepted, [])
    assert "concern:CPM-20231103-0017" in events(app.state.engine)


def test_csv_without_a_format_is_refused_with_the_formats_named(client: TestClient) -> None:
    response = _post(client, CONCERNS.read_bytes(), "text/csv", SCHOOL_TOKEN)
    assert response.status_code == 400
    assert "school-concerns-csv" in response.json()["detail"]
    assert "health-ed-csv" in response.json()["detail"]


@pytest.mark.parametrize(
    ("name", "sample"),
    [
        ("health-ed-csv", "harker-ed.ed.csv"),
        ("health-community-csv", "harker-0-19.community.csv"),
        ("health-wnb-csv", "harker-outpatients.wnb.csv"),
    ],
)
def test_a_trust_s_health_csv_is_read_over_the_api_as_by_the_cli(
    client: TestClient, app: FastAPI, cli_store: Engine, name: str, sample: str
) -> None:
    body = (DOC_SAMPLES / sample).read_bytes()
    response = _post(client, body, "text/csv", HEALTH_TOKEN, f"&format={name}")
    assert response.status_code == 200, response.text
    cli = ingest(cli_store, DOC_SAMPLES / sample)
    assert (response.json()["accepted"], response.json()["errors"]) == (cli.summary.accepted, [])
    assert events(app.state.engine).keys() == events(cli_store).keys()


def test_a_bundle_from_another_agencys_token_is_refused(client: TestClient) -> None:
    body = _post(client, GP_EXPORT.read_bytes(), "application/fhir+json", SCHOOL_TOKEN).json()
    assert body["accepted"] == 0 and body["rejected"] > 0
    assert "'health'" in body["errors"][0]["problem"]


def test_a_bundle_sent_to_the_api_is_one_audit_entry_by_its_token(client: TestClient, app: FastAPI) -> None:
    from sqlalchemy import select

    from alarmbell.storage.tables import AuditEntry

    response = _post(client, GP_EXPORT.read_bytes(), "application/fhir+json", HEALTH_TOKEN)
    query = select(AuditEntry).where(AuditEntry.action == "ingest.batch")
    with app.state.engine.connect() as connection:
        [entry] = connection.execute(query)
    assert (entry.actor, entry.actor_agency, entry.subject_id) == (
        "token:settings",
        "health",
        str(response.json()["batch_id"]),
    )
    assert entry.detail["accepted"] == response.json()["accepted"] > 0
