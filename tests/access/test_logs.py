"""No secret or personal data in logs: a run over the demo case with every log level captured."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from fastapi import FastAPI
from sqlalchemy import event, select
from starlette.testclient import TestClient

from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import PersonRecordRow
from tests.auth_support import make_user
from tests.web.conftest import DemoStore

from .conftest import DEV_TOKEN

PASSWORD = "a long secret password 42"


def test_logs_hold_no_names_identifiers_passwords_or_tokens(
    access_app: FastAPI, access_store: DemoStore, caplog: pytest.LogCaptureFixture
) -> None:
    make_user(access_store.engine, role="mash_analyst", username="logtest", password=PASSWORD)
    caplog.set_level(logging.DEBUG)
    access_app.state.login_limiter._hits.clear()
    with TestClient(access_app) as client:
        client.get("/login")
        token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        client.post(
            "/login", data={"csrf_token": token, "username": "logtest", "password": "wrong-" + PASSWORD}
        )
        client.post("/login", data={"csrf_token": token, "username": "logtest", "password": PASSWORD})
        client.get("/")
        client.get("/people", params={"q": "Brennan"})
        client.get(f"/people/{access_store.leo_id}")
        client.get(f"/api/v1/people/{access_store.leo_id}/chronology")
        client.get("/record-concern?q=Leo")
        names = {"given_name": "Zebedee", "family_name": "Quartermaine"}
        record = {
            "type": "person",
            "source_id": "LOG-1",
            **names,
            "dob": "2016-01-01",
            "nhs_number": "9434765919",
        }
        client.post("/api/v1/records", json=record, headers={"Authorization": f"Bearer {DEV_TOKEN}"})
        client.post(
            "/api/v1/records", json=record, headers={"Authorization": "Bearer wrong-token-0123456789"}
        )
    access_app.state.login_limiter._hits.clear()
    # The test client's own request log (httpx) is not the app's: leave it out.
    app_records = [r for r in caplog.records if not r.name.startswith("httpx")]
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in app_records)
    assert caplog.records, "the run logged something (sign-in, refusals)"
    with session_scope(access_store.engine) as session:
        rows = list(session.scalars(select(PersonRecordRow)))
    secrets = {PASSWORD, DEV_TOKEN, "wrong-token-0123456789", "Zebedee", "Quartermaine", "9434765919"}
    secrets |= {r.family_name for r in rows if r.family_name and len(r.family_name) > 3}
    secrets |= {r.nhs_number for r in rows if r.nhs_number}
    leaked = sorted(s for s in secrets if s in logged)
    assert not leaked, leaked


def test_access_log_lines_lose_their_query_strings() -> None:
    from alarmbell.web.server import DropQueryStrings

    record = logging.LogRecord("uvicorn.access", logging.INFO, "x", 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", "/people?q=Brennan", "1.1", 200), None)  # fmt: skip
    DropQueryStrings().filter(record)
    assert "Brennan" not in record.getMessage() and "/people" in record.getMessage()


def test_a_database_error_carries_no_record_text_into_the_server_log(access_store: DemoStore) -> None:
    """A request that meets a held write lock fails (500), and the server logs the exception.

    Under load a write can wait out the busy timeout; the database error's text then carried
    the statement's values into the log: here an alert override's reason, which names the
    child. The lock is held by another writer and the app's connections do not wait.
    """
    import traceback

    from sqlalchemy.exc import OperationalError

    from alarmbell.storage.tables import AlertRow
    from alarmbell.web.app import create_app
    from tests.auth_support import form_token, sign_in

    app = create_app(access_store.settings)
    event.listen(app.state.engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA busy_timeout=0"))
    app.state.engine.dispose()  # the pooled connection was made before the listener
    with session_scope(access_store.engine) as session:
        alert = session.scalars(select(AlertRow.id).where(AlertRow.person_id == access_store.leo_id)).first()
    reason = "Leo Brennan's mother Kayleigh explained the bruise"
    path = access_store.settings.database_url.removeprefix("sqlite:///")
    with TestClient(app) as client:
        sign_in(client, role="mash_analyst", agency="children_social_care", team="mash")
        form = {"reason": reason, "csrf_token": form_token(client)}
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(OperationalError) as failed:
                client.post(f"/people/{access_store.leo_id}/alerts/{alert}/override", data=form)
        finally:
            holder.rollback()
            holder.close()
    logged = "".join(traceback.format_exception(failed.value))
    assert "database is locked" in logged and "INSERT INTO alert_override" in logged
    assert "Kayleigh" not in logged and "Brennan" not in logged
    app.state.engine.dispose()
