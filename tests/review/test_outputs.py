"""The report's formats: the web page and its downloads, the CLI, and the PDF's text read back."""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from pypdf import PdfReader
from starlette.testclient import TestClient
from typer.testing import CliRunner

from alarmbell.cli import app as cli_app
from alarmbell.review.render import generated_label
from alarmbell.web.app import create_app
from tests.auth_support import sign_in
from tests.web.conftest import DemoStore


@pytest.fixture(scope="module")
def review_app(review_store: DemoStore) -> Iterator[FastAPI]:
    app = create_app(review_store.settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def reviewer(review_app: FastAPI) -> Iterator[TestClient]:
    """A reviewer: the role that reads and exports reviews of closed cases (Leo's case is closed)."""
    with TestClient(review_app) as client:
        sign_in(client, role="reviewer")
        yield client


def test_the_review_page_shows_every_section_under_the_strict_csp(
    reviewer: TestClient, review_store: DemoStore
) -> None:
    response = reviewer.get(f"/people/{review_store.leo_id}/review")
    assert response.status_code == 200
    html = response.text
    for heading in ("1. Summary", "2. The child and household", "3. Missed opportunities",
                    "4. Who knew what, and from when", "5. Alerts alarmbell raised", "6. Response times",
                    "7. Merged chronology", "8. How this report was made"):  # fmt: skip
        assert heading in html
    assert 'class="app-geno__svg"' in html and 'class="app-tl__svg"' in html
    assert html.count('<p class="app-rv-marking">OFFICIAL-SENSITIVE</p>') == 2, "above and below the report"
    assert "Fracture (left arm), recorded by health, January 2011" in html
    assert " style=" not in html and "<style" not in html and "<script" not in html
    assert 'href="/static/review.css"' in html and reviewer.get("/static/review.css").status_code == 200
    assert f'href="/people/{review_store.leo_id}/review.pdf"' in html
    # The summary's missed opportunities are GOV.UK links, not the browser's default blue.
    assert '<li><a class="govuk-link" href="#' in html and '<li><a href="#' not in html


def test_the_report_speaks_to_practitioners_without_ids_or_scores(
    reviewer: TestClient, review_store: DemoStore
) -> None:
    """Seen in the browser walk: the summary said "(person 1)" and "score 68.9", and each missed
    opportunity "rules: domestic abuse child present": ids and a sum no practitioner can use."""
    leo = review_store.leo_id
    html = reviewer.get(f"/people/{leo}/review").text
    markdown = reviewer.get(f"/people/{leo}/review.md").text
    # The alerts section quotes each alert's stored explanation (with its score) as technical detail.
    summary_and_missed = html[html.index('id="summary"') : html.index('id="knowledge"')]
    for text in (summary_and_missed, markdown[: markdown.index("## Who knew what")]):
        assert f"person {leo}" not in text and "score" not in text.lower()
    assert "for review by the MASH" in html and "recommended route" not in html
    assert "indicators: " in html and "rules: " not in html
    assert "Domestic abuse with a child present" in html


def test_the_report_is_dated_on_englands_clock() -> None:
    """Seen in the walk: "generated 4 December 2026 at 20:27 UTC", a clock no practitioner keeps."""
    assert generated_label(datetime(2026, 7, 1, 12, 5, tzinfo=UTC)) == "1 July 2026 at 13:05 BST"
    assert generated_label(datetime(2026, 12, 4, 20, 27, tzinfo=UTC)) == "4 December 2026 at 20:27 GMT"


def test_as_of_on_the_web_is_the_day_of_closure(reviewer: TestClient, review_store: DemoStore) -> None:
    html = reviewer.get(f"/people/{review_store.leo_id}/review?as_of=2011-06-30").text
    assert "As of 30 June 2011" in html
    assert "Case closed while risk indicators were active, 30 June 2011" in html
    assert "recorded by education" not in html and "Paediatric assessment" not in html
    assert f"/people/{review_store.leo_id}/review.pdf?as_of=2011-06-30" in html


def test_a_bad_date_is_explained_not_ignored(reviewer: TestClient, review_store: DemoStore) -> None:
    response = reviewer.get(f"/people/{review_store.leo_id}/review?as_of=30/06/2011")
    assert response.status_code == 400 and "Enter a real date" in response.text
    assert reviewer.get(f"/people/{review_store.leo_id}/review.md?as_of=yesterday").status_code == 400
    assert reviewer.get("/people/999999/review").status_code in (403, 404)


def test_the_markdown_download(reviewer: TestClient, review_store: DemoStore) -> None:
    response = reviewer.get(f"/people/{review_store.leo_id}/review.md?as_of=2011-06-30")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/markdown")
    assert "as-of-2011-06-30.md" in response.headers["content-disposition"]
    assert "# Multi-agency review: Leo Brennan (as of 30 June 2011)" in response.text


def test_the_person_page_links_to_the_review(review_app: FastAPI, review_store: DemoStore) -> None:
    """A manager whose team the alert is routed to reads the review; the link is where it opens."""
    with TestClient(review_app) as client:
        sign_in(client, role="team_manager", agency="health", team="mash")
        assert (
            f'href="/people/{review_store.leo_id}/review"'
            in client.get(f"/people/{review_store.leo_id}").text
        )
        assert client.get(f"/people/{review_store.leo_id}/review").status_code == 200
        assert client.get(f"/people/{review_store.leo_id}/review.pdf").status_code == 403, (
            "only reviewers export"
        )


def test_the_pdf_reads_back_with_the_missed_opportunities(
    reviewer: TestClient, review_store: DemoStore
) -> None:
    response = reviewer.get(f"/people/{review_store.leo_id}/review.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for expected in (
        "Missed opportunities",
        "Fracture (left arm), recorded by health, January 2011",
        "concerns recorded by education",
        "Paediatric assessment: weight loss (13.8 kg)",
        "Case closed while risk indicators were active, 30 June 2011",
        "Who knew what, and from when",
    ):
        assert expected in text, expected


def test_the_cli_writes_each_format(review_store: DemoStore, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"ALARMBELL_DATABASE_URL": review_store.settings.database_url}
    md = runner.invoke(
        cli_app, ["review", str(review_store.leo_id), "--format", "md", "--as-of", "2011-06-30"], env=env
    )
    assert md.exit_code == 0, md.output
    assert "Case closed while risk indicators were active, 30 June 2011" in md.output
    html = tmp_path / "review.html"
    done = runner.invoke(cli_app, ["review", "health:HEA-demo-P1", "--out", str(html)], env=env)
    assert done.exit_code == 0, done.output
    assert "<style>" in html.read_text() and "Fracture (left arm)" in html.read_text()
    bad = runner.invoke(cli_app, ["review", str(review_store.leo_id), "--as-of", "June 2011"], env=env)
    assert bad.exit_code == 2
    missing = runner.invoke(cli_app, ["review", "police:NOBODY"], env=env)
    assert missing.exit_code == 2
    assert gc.isenabled(), "a review pauses the garbage collector only while it runs, even when it fails"
