"""WCAG 2.2 AA and plain words on every page, for every role, in Chromium (issue 14, item 7).

Each role signs in through the real form; the test opens its start page, every page of its menu,
the demo child's page, a search, the concern form, one work item, one identity review item and
the review where the role may open them, and a missing page. On each, at 1280 and 390 CSS px:
- axe-core (vendored, tests/vendor/axe-core) finds no WCAG 2.0/2.1/2.2 A or AA violation;
- the page does not scroll sideways at 390 px (tables reflow or scroll inside themselves);
and at 1280 px no code (`[a-z]+_[a-z]+`) shows outside code elements: the jargon scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.auth_support import BROWSER_PASSWORD, make_user, sign_in_browser
from tests.browser_support import chromium
from tests.web.test_browser import ARTIFACTS
from tests.web.test_mash_journey_browser import Journey, served_demo

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
JARGON = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
WIDTHS = (1280, 390)
ROLES = (
    ("practitioner", "health", "mash"),
    ("mash_analyst", "children_social_care", "mash"),
    ("team_manager", "health", "health-visiting"),
    ("reviewer", None, None),
    ("admin", None, None),
)
#: The text of <main> a reader sees, without code, scripts and drawings.
MAIN_TEXT = """() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('code, pre, script, style, svg, input, textarea, select').forEach(e => e.remove());
  return main.innerText;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    with served_demo(Path(tmp_path_factory.mktemp("accessibility"))) as served:
        yield served


def pages_for(page: Any, base: str, leo: int) -> list[str]:
    """The role's start page, its menu, and the pages a role reaches from them."""
    menu = page.eval_on_selector_all(
        ".govuk-service-navigation__list a", "links => links.map(a => a.getAttribute('href'))"
    )
    paths = [page.url.removeprefix(base), *menu, f"/people/{leo}", "/people?q=Brennan", "/record-concern"]
    paths += [f"/people/{leo}/review", "/no-such-page"]
    for start in ("/triage", "/identity/review"):
        if start in menu:
            page.goto(base + start)
            found = page.eval_on_selector_all(
                "main a[href]", "links => links.map(a => a.getAttribute('href'))"
            )
            item = next((h for h in found if re.fullmatch(rf"{start}(/items)?/\d+", h)), None)
            if item:
                paths.append(item)
    return list(dict.fromkeys(paths))


def test_every_page_for_every_role_passes_axe_and_speaks_plainly(site: Journey) -> None:

    ARTIFACTS.mkdir(exist_ok=True)
    axe = AXE.read_text(encoding="utf-8")
    violations: list[str] = []
    jargon: list[str] = []
    overflow: list[str] = []
    checked = 0
    with chromium() as browser:
        for role, agency, team in ROLES:
            # A user name in words, so the jargon scan reads the pages, not the test's names.
            username = {"mash_analyst": "analyst", "team_manager": "manager"}.get(role, role)
            name = make_user(
                site.app.state.engine,
                role=role,
                agency=agency,
                team=team,
                username=username,
                password=BROWSER_PASSWORD,
            ).name
            # axe is injected by the test, so the app's script-src 'self' policy is bypassed here only.
            context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            page = context.new_page()
            sign_in_browser(page, site.base_url, name)
            paths = pages_for(page, site.base_url, site.leo_id)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for path in paths:
                    response = page.goto(site.base_url + path)
                    assert response is not None
                    if response.status == 403:
                        continue
                    checked += 1
                    page.evaluate(axe)
                    found = page.evaluate(
                        "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
                        ".violations.map(v => v.id + ' (' + v.nodes.length + '): '"
                        " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))",
                        AXE_TAGS,
                    )
                    violations += [f"{role} {width}px {path}: {v}" for v in found]
                    if width == 390:
                        wide = page.evaluate("() => document.documentElement.scrollWidth")
                        if wide > width:
                            overflow.append(f"{role} {path}: {wide}px wide")
                    else:
                        tokens = sorted(set(JARGON.findall(page.evaluate(MAIN_TEXT))))
                        jargon += [f"{role} {path}: {', '.join(tokens)}"] if tokens else []
            page.set_viewport_size({"width": 390, "height": 900})
            page.goto(site.base_url + "/")
            page.screenshot(path=str(ARTIFACTS / f"start-{role}-390.png"), full_page=True)
            context.close()
    assert checked >= 40, f"only {checked} page views were checked"
    problems = [*(f"axe: {v}" for v in violations), *(f"scrolls sideways: {o}" for o in overflow)]
    problems += [f"codes on screen: {j}" for j in jargon]
    assert not problems, "\n".join(problems)


def test_the_timeline_can_be_skipped_and_its_alert_lines_show_focus(site: Journey) -> None:
    """Keyboard users pass the timeline's many marks in one step; a focused alert line is visible."""

    name = make_user(
        site.app.state.engine, role="mash_analyst", username="keyboard", password=BROWSER_PASSWORD
    ).name
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in_browser(page, site.base_url, name)
        page.goto(f"{site.base_url}/people/{site.leo_id}")
        skip = page.locator("a.app-skip-timeline")
        skip.focus()
        assert skip.is_visible(), "the skip link shows when it has focus"
        page.keyboard.press("Enter")
        assert page.url.endswith("#alerts")
        line = page.locator(".app-tl__alert a").first
        line.focus()
        width = page.evaluate(
            "() => getComputedStyle(document.activeElement.querySelector('line')).strokeWidth"
        )
        assert float(str(width).removesuffix("px")) >= 6, width
