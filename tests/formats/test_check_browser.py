"""The `alarmbell check --html` page in Chromium, opened from the file as a data manager would."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from alarmbell.cli import app
from tests.browser_support import chromium

from .conftest import DOC_SAMPLES, REPO
from .test_check import _bad_concerns

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"


def test_the_check_page_reads_as_a_report(tmp_path: Path) -> None:

    report = tmp_path / "check.html"
    files = [str(_bad_concerns(tmp_path)), str(DOC_SAMPLES / "health-bundle.json")]
    env = {"ALARMBELL_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}"}
    result = CliRunner().invoke(app, ["check", *files, "--html", str(report)], env=env)
    assert result.exit_code == 1, result.output
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(report.as_uri())
        page.screenshot(path=str(ARTIFACTS / "check-report.png"), full_page=True)
        assert page.get_by_role("heading", level=1).inner_text() == "Check of files before loading"
        headings = page.get_by_role("heading", level=3).all_inner_texts()
        for section in ("Date range", "Identifiers that fail their check", "Mapping coverage"):
            assert headings.count(section) == 2, headings
        assert "3 record(s) would be rejected" in page.locator("#summary").inner_text()
        summary = page.locator("table").first.inner_text()
        assert "bad.concerns.csv" in summary and "health-bundle.json" in summary
        errors = page.locator("#errors-1 + p + table").inner_text().replace("\xa0", " ")
        assert "Date" in errors and "line 3" in errors and "'31/02/2024'" in errors
        assert "C999201500101" in page.locator("#identifiers-1 + table").inner_text()
        coverage = page.locator("#coverage-1 ~ dl").first.inner_text()
        assert "Ignored: 1\nPupil Premium" in coverage and "Body Map Site" in coverage
        assert requests == [report.as_uri()], requests  # self-contained: nothing else fetched
