"""Record a concern in Chromium: the child chosen stays consistent after an error; an adult is refused.

Seen in session 17's walk: after a failed submission the chosen person stayed selected while the
finder said "No child found" beneath, and a person aged 18 or over on the concern's date was
accepted as the child. The concerns here are written to a store of this module's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from alarmbell.settings import Settings
from alarmbell.web.app import create_app
from tests.auth_support import browser_user, sign_in_browser
from tests.browser_support import chromium, serving
from tests.web.conftest import DemoStore, populate

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    folder = tmp_path_factory.mktemp("concern-child")
    built = populate(Settings(database_url=f"sqlite:///{Path(folder) / 'alarmbell.db'}"))
    yield built
    built.engine.dispose()


@pytest.fixture(scope="module")
def app(store: DemoStore) -> Iterator[FastAPI]:
    application = create_app(store.settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def base_url(app: FastAPI) -> Iterator[str]:
    with serving(app) as url:
        yield url


def _signed_in(browser: Any, base_url: str, app: FastAPI) -> Any:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    sign_in_browser(page, base_url, browser_user(app.state.engine, role="mash_analyst"))
    return page


def _mother_id(page: Any, base_url: str, leo_id: int) -> str:
    """Kayleigh Brennan, Leo's mother (an adult throughout the demo case), from Leo's page."""
    page.goto(f"{base_url}/people/{leo_id}")
    href: str = page.locator("ul.app-household a", has_text="Kayleigh Brennan").first.get_attribute("href")
    return href.rsplit("/", 1)[-1]


def _fill_concern(page: Any, *, what_happened: str) -> None:
    page.locator("#agency").select_option("education")
    page.get_by_label("What kind of concern is it?").select_option(index=1)
    page.locator("#occurred-day").fill("1")
    page.locator("#occurred-month").fill("3")
    page.locator("#occurred-year").fill("2012")
    page.locator("#text").fill(what_happened)
    with page.expect_navigation():
        page.locator("[data-record-concern]").click()


def _contradicts(page: Any) -> bool:
    """A person shown as chosen while the finder says no child was found."""
    chosen = page.locator("input[name=person]:checked:not([value=new])").count()
    return bool(chosen) and page.get_by_text("No child found").count() > 0


def test_an_adult_is_refused_as_the_child_with_what_to_do(
    base_url: str, app: FastAPI, store: DemoStore
) -> None:
    with chromium() as browser:
        page = _signed_in(browser, base_url, app)
        mother = _mother_id(page, base_url, store.leo_id)
        page.goto(f"{base_url}/record-concern?person={mother}")
        assert page.locator(f"#person-{mother}").is_checked()
        _fill_concern(page, what_happened="Seen shouting at a neighbour.")
        assert "/record-concern/recorded" not in page.url, "a concern about an adult was recorded"
        summary = page.locator(".govuk-error-summary").inner_text()
        assert "Kayleigh Brennan was" in summary and "Select the child" in summary, summary
        assert "adult" in page.locator("#person-error").inner_text()
        # Not offered again as the child: the form shows the finder without a stale choice.
        assert page.locator(f"#person-{mother}").count() == 0
        assert not _contradicts(page)


def test_after_an_error_the_chosen_child_is_chosen_without_no_child_found(
    base_url: str, app: FastAPI, store: DemoStore
) -> None:
    with chromium() as browser:
        page = _signed_in(browser, base_url, app)
        page.goto(f"{base_url}/record-concern?person={store.leo_id}&q=Kayleigh")
        _fill_concern(page, what_happened="")
        assert "Enter what happened" in page.locator(".govuk-error-summary").inner_text()
        assert page.locator(f"#person-{store.leo_id}").is_checked()
        assert not _contradicts(page), page.locator("#person").inner_text()
