"""Chromium: a practitioner records an injury with the body map and sees it on the child's timeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from alarmbell.identity import link_people
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.web.app import create_app
from tests.auth_support import browser_user, sign_in_browser
from tests.browser_support import chromium, serving

from .conftest import DOC_SAMPLES, REPO, ingest

pytestmark = pytest.mark.browser
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    """A store holding the sample health bundle (Maisie and Alfie Harker), linked."""
    application = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'store.db'}"))
    ingest(application.state.engine, DOC_SAMPLES / "health-bundle.json")
    with session_scope(application.state.engine) as session:
        link_people(session)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def base_url(app: FastAPI) -> Iterator[str]:
    with serving(app) as url:
        yield url


def _too_small_targets(page: object) -> list[tuple[str, dict[str, float]]]:
    """Body-map regions whose bounding box is under 24 CSS px either way."""
    boxes = page.locator("svg [data-site]").evaluate_all(  # type: ignore[attr-defined]
        "els => els.map(e => [e.dataset.site, e.getBoundingClientRect().toJSON()])"
    )
    return [(site, box) for site, box in boxes if box["width"] < 24 or box["height"] < 24]


def test_record_an_injury_with_the_body_map_and_see_it_on_the_timeline(base_url: str, app: FastAPI) -> None:

    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in_browser(
            page, base_url, browser_user(app.state.engine, role="practitioner", agency="education")
        )
        # Maisie is known to health only, so an education practitioner's search does not
        # list her: they add her as a child not listed, and identity linkage joins her up.
        page.goto(base_url + "/record-concern")
        page.get_by_label("Search by name").fill("Maisie")
        page.get_by_role("button", name="Search").click()
        assert page.get_by_label("Maisie Harker", exact=False).count() == 0
        page.get_by_label("A child not listed", exact=False).check()
        page.get_by_text("New child's details").click()
        page.get_by_label("First name").fill("Maisie")
        page.get_by_label("Last name").fill("Harker")
        page.locator("#dob-day").fill("14")
        page.locator("#dob-month").fill("6")
        page.locator("#dob-year").fill("2019")
        page.get_by_label("NHS number (if known)").fill("999 234 5675")
        assert page.get_by_label("Your agency").count() == 0  # from the account, shown as text
        assert page.get_by_text("Recording for Education (from your account)").is_visible()
        kinds = page.locator("#kind option").all_inner_texts()
        assert "Arrest" not in kinds and "Injury or mark seen on the child" in kinds
        page.get_by_label("What kind of concern is it?").select_option("injury_observed")
        page.locator("#occurred-day").fill("19")
        page.locator("#occurred-month").fill("3")
        page.locator("#occurred-year").fill("2024")
        page.get_by_label("Time (optional)").fill("08:40")
        page.get_by_label("Category (optional)").select_option("injury")
        for width in (1200, 390):  # fixed-size targets: as big on a phone
            page.set_viewport_size({"width": width, "height": 900})
            assert _too_small_targets(page) == []  # WCAG 2.2 target size: at least 24x24 CSS px
            if width == 390:
                page.locator("[data-body-map]").screenshot(path=str(ARTIFACTS / "record-concern-map-390.png"))
        page.set_viewport_size({"width": 1200, "height": 900})
        neck_box = page.locator('svg [data-site="neck"]').bounding_box()
        assert neck_box and neck_box["width"] >= 24 and neck_box["height"] >= 24
        region = page.locator('svg [data-site="left_ear"]')
        assert region.is_visible()  # the map is shown only when the script runs
        region.click()
        assert region.get_attribute("aria-pressed") == "true"
        assert page.locator("#injury-1-site").input_value() == "left_ear"
        page.locator("#injury-1-type").select_option("bruise")
        page.locator('svg [data-site="left_forearm"]').click()  # a second point: a new row
        assert page.locator("#injury-2-site").input_value() == "left_forearm"
        page.get_by_label("Type of injury").nth(1).select_option("burn")
        assert page.get_by_text("Marked: Left ear, Left forearm").is_visible()
        neck = page.locator('svg [data-site="neck"]')
        neck.focus()
        page.keyboard.press("Enter")  # the keyboard works too: a third row
        assert page.locator("#injury-3-site").input_value() == "neck"
        neck.click()  # selected again: taken off
        assert page.locator("#injury-3-site").input_value() == ""
        assert neck.get_attribute("aria-pressed") == "false"
        page.get_by_label("What happened?").fill(
            "Two small bruises behind the left ear, seen at breakfast club."
        )
        page.get_by_label("Action taken (optional)").fill("Spoke to Maisie; first aid for the burn.")
        page.get_by_label("Who was informed (optional)").fill("DSL; children's social care front door.")
        page.get_by_label("Your role (optional)").fill("Mrs A. Bell, DSL")
        page.screenshot(path=str(ARTIFACTS / "record-concern-form.png"), full_page=True)
        page.get_by_role("button", name="Record concern").click()
        page.wait_for_url("**/record-concern/recorded?person=*")
        assert page.get_by_role("heading", level=1).inner_text() == "Concern recorded"
        summary = page.locator("#concern-summary").inner_text()
        for words in (
            "Maisie Harker",
            "19 March 2024 at 08:40",
            "Burn: Left forearm",
            "Bruise: Left ear",
        ):
            assert words in summary
        assert page.get_by_role("heading", name="What happens next").is_visible()
        page.screenshot(path=str(ARTIFACTS / "record-concern-confirmation.png"), full_page=True)
        page.get_by_role("link", name="See Maisie Harker's record and chronology").click()
        page.wait_for_url("**/people/*")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Maisie Harker")
        entry = page.locator(".app-chronology__row", has_text="Two small bruises behind the left ear")
        assert entry.count() == 1 and entry.first.is_visible()
        for words in ("Burn: Left forearm", "Bruise: Left ear", "Who was informed: DSL", "Recorded by: "):
            assert words in entry.first.inner_text()
        assert page.locator("svg.app-tl__svg .app-lane--education").count() > 0
        page.screenshot(path=str(ARTIFACTS / "record-concern-timeline.png"), full_page=True)
        assert errors == []


def test_a_health_visitor_records_without_javascript_on_a_phone(base_url: str, app: FastAPI) -> None:
    """No script: the lists stand in for the map, and "Add another injury" posts back for a row."""

    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
        page = context.new_page()
        sign_in_browser(page, base_url, browser_user(app.state.engine, role="practitioner", agency="health"))
        page.goto(base_url + "/record-concern?q=Harker")
        assert not page.locator("[data-body-map]").is_visible()
        assert page.get_by_label("Maisie Harker", exact=False).count() == 1
        assert "(age " in page.get_by_label("Maisie Harker", exact=False).locator("xpath=..").inner_text()
        page.get_by_label("Maisie Harker", exact=False).check()
        kinds = page.locator("#kind option").all_inner_texts()
        assert "Arrest" not in kinds and "Health visitor contact" in kinds
        page.get_by_label("What kind of concern is it?").select_option("health_visitor_contact")
        page.locator("#occurred-day").fill("2")
        page.locator("#occurred-month").fill("4")
        page.locator("#occurred-year").fill("2024")
        page.locator("#injury-1-site").select_option("buttocks")
        page.locator("#injury-1-type").select_option("bruise")
        page.get_by_role("button", name="Add another injury").click()
        assert page.locator("#injury-1-site").input_value() == "buttocks"
        page.locator("#injury-2-site").select_option("right_hand")
        page.locator("#injury-2-type").select_option("scald")
        page.get_by_label("What happened?").fill("Bruise on the buttocks and a scald on the right hand.")
        page.get_by_label("Action taken (optional)").fill("Advised GP review today.")
        page.screenshot(path=str(ARTIFACTS / "record-concern-form-nojs-390.png"), full_page=True)
        page.get_by_role("button", name="Record concern").click()
        page.wait_for_url("**/record-concern/recorded?person=*")
        text = page.locator("#concern-summary").inner_text()
        assert "Scald: Right hand" in text and "Bruise: Buttocks" in text
        page.screenshot(path=str(ARTIFACTS / "record-concern-confirmation-390.png"), full_page=True)
