"""Stored XSS attempts, sent through the records API into names, event text and attributes,
then every page that shows them opened in Chromium: nothing runs, and the payload shows as text.

The CSP would stop inline script even if escaping failed, so the test also checks the DOM: no
element or handler came from the payloads (escaping is what makes them inert, CSP is the net).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from alarmbell.settings import Settings
from alarmbell.web.app import create_app
from tests.auth_support import browser_user, sign_in_browser
from tests.browser_support import chromium, serving

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

pytestmark = pytest.mark.browser
TOKEN = "health-xss-token-0123456789"
PAYLOADS = (
    "<script>window.__xss=1;alert(1)</script>",
    '<img src=x onerror="window.__xss=2;alert(2)">',
    '"><svg onload="window.__xss=3;alert(3)">',
    "javascript:alert(4)",
)


def _records() -> list[dict[str, Any]]:
    script, img, svg, js = PAYLOADS
    return [
        {"type": "person", "source_id": "X1", "given_name": f"Evie{img}", "family_name": f"Xss{script}",
         "dob": "2016-05-05", "sex": "F", "postcode": "CV1 1AA"},
        {"type": "person", "source_id": "X2", "given_name": svg, "family_name": "Xssmum", "dob": "1985-01-01",
         "sex": "F", "postcode": "CV1 1AA"},
        {"type": "relationship", "source_id": "R1", "from": "X2", "to": "X1", "kind": "mother"},
        *[
            {"type": "event", "source_id": f"E{n}", "kind": kind, "occurred_at": f"2024-0{n}-10",
             "subjects": ["X1"], "others": ["X2"], "text": f"Seen {payload} today",
             "attrs": {"note": payload, "injury": "bruise", "body_site": "left_ear", "link": js}}
            for n, (kind, payload) in enumerate(
                [("injury_presentation", script), ("ed_attendance", img), ("injury_presentation", svg)],
                start=1,
            )
        ],
    ]  # fmt: skip


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("xss")
    application = create_app(
        Settings(database_url=f"sqlite:///{folder / 's.db'}", api_tokens={TOKEN: "health"})
    )
    with TestClient(application) as client:
        sent = client.post("/api/v1/records", json=_records(), headers={"Authorization": f"Bearer {TOKEN}"})
        assert sent.status_code == 200 and sent.json()["rejected"] == 0, sent.text
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def base_url(app: FastAPI) -> Iterator[str]:
    with serving(app) as url:
        yield url


def test_payloads_in_every_free_text_field_stay_text(app: FastAPI, base_url: str) -> None:

    username = browser_user(app.state.engine)
    with TestClient(app) as client:
        from tests.auth_support import sign_in

        sign_in(client)
        person = client.get("/api/v1/people", params={"q": "Evie"}).json()["results"][0]["person_id"]
    pages = ["/", "/people?q=Evie", f"/people/{person}", "/people?q=Xssmum", "/record-concern?q=Evie",
             "/identity/review", f"/record-concern?person={person}"]  # fmt: skip
    dialogs: list[str] = []
    with chromium() as browser:
        page = browser.new_page()

        def dismiss(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)
        sign_in_browser(page, base_url, username)
        for path in pages:
            page.goto(base_url + path)
            page.wait_for_load_state("load")
            assert page.evaluate("window.__xss") is None, path
            injected = page.evaluate(
                "document.querySelectorAll('img[src=x], svg[onload], [onerror], [onload]').length"
            )
            assert injected == 0, path
            assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0, path
        page.goto(f"{base_url}/people/{person}")
        body = page.locator("body").inner_text()
        assert "<script>window.__xss=1;alert(1)</script>" in body
        assert '<img src=x onerror="window.__xss=2;alert(2)">' in body
        assert page.locator("a[href^='javascript:']").count() == 0
    assert dialogs == []
