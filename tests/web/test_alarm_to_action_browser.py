"""Session 16's walk from alarm to action in Chromium, on the demo case: what each role was
shown that left them guessing, now said in words.

- A school DSL's confirmation read back the child, the kind and the date of her concern but not
  what happened, in her own words: the one thing she would check before closing the page.
- A work item's audit trail said "rated RED on 2 Jun 2007 (score 40.06, policy version
  eef899465fc6)": a number without words and a hash, where the alert card says the same in words.
- The auditor's "who viewed" box, given a name or a number no one has, answered "No one has
  viewed this person's record"; and a list of viewings did not say whose record it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.auth_support import sign_in_browser
from tests.browser_support import chromium
from tests.web.test_browser import ARTIFACTS
from tests.web.test_mash_journey_browser import Journey, served_demo, user

pytestmark = pytest.mark.browser

WHAT_HAPPENED = "Leo had finger-shaped bruises on his upper arm at PE. He said his mum's friend grabbed him."


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    with served_demo(Path(tmp_path_factory.mktemp("alarm-to-action"))) as served:
        yield served


def _within(locator: Any, width: int) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box


def test_the_confirmation_reads_back_what_happened_in_the_dsls_words(journey: Journey) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    dsl = user(journey.app, role="practitioner", agency="education")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, journey.base_url, dsl)
        page.goto(f"{journey.base_url}/record-concern?q=Leo")
        page.locator(f"#person-{journey.leo_id}").check()
        page.get_by_label("What kind of concern is it?").select_option("injury_observed")
        page.locator("#occurred-day").fill("5")
        page.locator("#occurred-month").fill("3")
        page.locator("#occurred-year").fill("2012")
        page.get_by_label("What happened?").fill(WHAT_HAPPENED)
        with page.expect_navigation():
            page.get_by_role("button", name="Record concern").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Concern recorded"
        summary = page.locator("#concern-summary")
        row = summary.locator(".govuk-summary-list__row").filter(has_text="What happened")
        assert row.count() == 1, summary.inner_text()
        assert row.locator("dd").inner_text() == WHAT_HAPPENED
        _within(row.locator("dd"), 390)
        page.screenshot(path=str(ARTIFACTS / "alarm-to-action-concern-recorded-390.png"), full_page=True)


def test_a_work_items_audit_trail_gives_no_score_or_policy_hash(journey: Journey) -> None:
    analyst = user(journey.app, role="mash_analyst", agency="children_social_care", team="mash")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in_browser(page, journey.base_url, analyst)
        page.goto(f"{journey.base_url}/triage")
        with page.expect_navigation():
            page.get_by_role("link", name="Red alert: Leo Brennan").first.click()
        trail = page.locator("table").filter(has_text="Detail").last.inner_text()
        assert "Leo Brennan is rated RED on" in trail, trail
        assert "score" not in trail and "policy version" not in trail, trail
        page.screenshot(path=str(ARTIFACTS / "alarm-to-action-audit-trail.png"), full_page=True)


def test_who_viewed_names_the_person_and_says_what_is_wrong_with_what_was_typed(journey: Journey) -> None:
    admin = user(journey.app, role="admin")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, journey.base_url, admin)

        def ask(typed: str) -> str:
            page.goto(f"{journey.base_url}/admin/audit")
            page.get_by_label("Person number").fill(typed)
            with page.expect_navigation():
                page.get_by_role("button", name="Show").click()
            return page.locator("main").inner_text()

        said = ask("Leo Brennan")
        assert "No one has viewed" not in said
        error = page.locator("#person-error")
        assert "'Leo Brennan' is not a person number. Enter the number only" in error.inner_text()
        _within(error, 390)
        page.screenshot(path=str(ARTIFACTS / "alarm-to-action-who-viewed-name-390.png"), full_page=True)

        said = ask("999999")
        assert "No one has viewed" not in said
        assert "There is no person 999999" in page.locator("#person-error").inner_text()

        said = ask(str(journey.leo_id))
        assert not page.locator("#person-error").count()
        assert f"Who viewed Leo Brennan (person {journey.leo_id}), oldest first" in said, said[:2000]


def test_the_unanswered_alarms_table_is_cards_on_a_phone(journey: Journey) -> None:
    """At 390 px who held each unanswered alarm, how long it waited and whose records raised it
    sat off to the right of a table scrolled sideways; each row is now a card, as in the queue."""
    manager = user(journey.app, role="team_manager", agency="children_social_care", team="mash")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, journey.base_url, manager)
        page.goto(f"{journey.base_url}/triage/unanswered")
        row = page.locator("h2#unanswered + div table tbody tr").first
        for column in ("Held by", "Waited", "Records from"):
            assert row.locator(f"td[data-label='{column}']").count() == 1, column
            _within(row.locator(f"td[data-label='{column}']"), 390)
        row.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "alarm-to-action-unanswered-390.png"))
        page.set_viewport_size({"width": 1280, "height": 900})
        assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"


def test_the_chronology_is_cards_on_a_phone(journey: Journey) -> None:
    """At 390 px the chronology's last column, when each event was recorded, was cut off at the
    right edge (the page does not scroll sideways), so a late record could not be told from a
    timely one on a phone; each event is now a card with every column's name beside its value."""
    analyst = user(journey.app, role="mash_analyst", agency="children_social_care", team="mash")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, journey.base_url, analyst)
        page.goto(f"{journey.base_url}/people/{journey.leo_id}")
        row = page.locator("table.app-chronology tbody tr").first
        for column in ("Date", "What happened", "About", "Recorded"):
            assert row.locator(f"td[data-label='{column}']").count() == 1, column
            _within(row.locator(f"td[data-label='{column}']"), 390)
        row.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "alarm-to-action-chronology-390.png"))
        page.set_viewport_size({"width": 1280, "height": 900})
        assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"


def test_adding_a_user_says_so_and_the_list_fits_a_phone(journey: Journey) -> None:
    """An administrator adding a school's DSL saw the same page again with one more row and no
    word that the account was made; at 390 px the status and the Disable button of each account
    were cut off at the right edge."""
    admin = user(journey.app, role="admin")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        sign_in_browser(page, journey.base_url, admin)
        page.goto(f"{journey.base_url}/admin/users")
        page.get_by_label("Username").fill("dsl-oakfield")
        page.get_by_label("Role").select_option("practitioner")
        page.get_by_label("Agency").select_option("education")
        page.get_by_label("Password", exact=False).fill("a-long-synthetic-passphrase")
        with page.expect_navigation():
            page.get_by_role("button", name="Add user").click()
        banner = page.locator(".govuk-notification-banner--success")
        assert banner.count() == 1, page.locator("main").inner_text()[:500]
        added = "dsl-oakfield added (Agency practitioner, Education). They can sign in now."
        assert added in banner.inner_text()
        row = page.locator("table tbody tr").filter(has_text="dsl-oakfield")
        _within(row.locator("td[data-label='Status']"), 390)
        _within(row.get_by_role("button", name="Disable"), 390)
        assert not row.locator("td[data-label='Team']").is_visible()  # none: no label over the next
        page.screenshot(path=str(ARTIFACTS / "alarm-to-action-user-added-390.png"), full_page=True)
        with page.expect_navigation():
            row.get_by_role("button", name="Disable").click()
        disabled = page.locator(".govuk-notification-banner").inner_text()
        assert "dsl-oakfield disabled: they cannot sign in" in disabled
