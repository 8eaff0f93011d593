"""The published site in a real browser (Debian's chromium driven by Playwright), the way readers use it: journeys
on desktop and phone viewports, and axe-core accessibility checks (WCAG 2.1 A and AA) on every page type.

Skipped, with the reason shown, when chromium is not installed; `.ci/run` installs it so CI never skips.
Screenshots of the main page types are written to test-artifacts/screenshots/ for a reviewer to look at.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("IMAP_REQUIRE_BROWSER"):
    raise RuntimeError("IMAP_REQUIRE_BROWSER is set (as in CI) but chromium is not installed")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="browser tests skipped: Debian's chromium is not installed (apt-get install chromium)"
)

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / ".vendor" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGE_TYPES = {
    "home": "",
    "principle": "manual/principles/P03/",
    "intervention": "manual/interventions/I02/",
    "theory": "manual/theories/T12/",
    "chapter-with-diagrams": "manual/chapters/C07/",
    "case-illustrations": "manual/chapters/C11/",
    "bibliography": "bibliography/",
    "overview-matrix": "overview/intervention-matrix/",
    "hypotheses-registry": "research/hypotheses/",
    "fidelity-scale": "research/fidelity-scale/",
    "gap-map": "research/gap-map/",
    "principle-cards": "training/cards/",
    "glossary": "reference/glossary/",
    "content-model": "authoring/content-model/",
    "benchmarks": "benchmarks/",
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(built_site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}/"
        server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORTS[request.param], is_mobile=request.param == "phone")
    opened = context.new_page()
    opened.viewport_name = request.param
    yield opened
    context.close()


def _open_navigation(page: Any, section: str) -> None:
    """On a phone the navigation is a drawer of nested panels: open it, then the section."""
    if page.viewport_name == "phone":
        page.locator('label.md-header__button[for="__drawer"]').click()
        page.locator("nav.md-nav--primary label.md-nav__link", has_text=section).first.click()


def test_reach_a_principle_through_the_navigation(page: Any, base_url: str) -> None:
    page.goto(base_url)
    _open_navigation(page, "Principles")
    page.get_by_role("link", name="P03 Work within tolerable arousal").first.click()
    page.wait_for_url("**/manual/principles/P03/")
    assert page.locator("h1").first.inner_text().startswith("P03")


def test_follow_a_citation_to_the_bibliography_and_back(page: Any, base_url: str) -> None:
    page.goto(base_url + "manual/principles/P03/")
    page.locator('article a[href*="bibliography/#ref-siegel1999developing"]').first.click()
    page.wait_for_url("**/bibliography/#ref-siegel1999developing")
    entry = page.locator("#ref-siegel1999developing")
    assert "Siegel" in entry.inner_text()
    cited_by = entry.locator("xpath=following-sibling::p[1]")
    cited_by.get_by_role("link", name="P03").click()
    page.wait_for_url("**/manual/principles/P03/")


def test_search_finds_a_principle_by_a_term_in_its_body(page: Any, base_url: str) -> None:
    page.goto(base_url)
    if page.viewport_name == "phone":
        page.locator('label.md-header__button[for="__search"]').click()
    field = page.locator("input.md-search__input")
    field.click()
    field.fill("window of tolerance")
    result = page.locator('.md-search-result__link[href*="manual/principles/P03/"]').first
    result.wait_for(timeout=15_000)
    result.click()
    page.wait_for_url("**/manual/principles/P03/**")


def test_permanent_addresses_land_on_the_page_and_section(page: Any, base_url: str) -> None:
    page.goto(base_url + "id/H03a/")
    page.wait_for_url("**/manual/principles/P03/#h03a")
    page.goto(base_url + "id/I02/#evidence")
    page.wait_for_url("**/manual/interventions/I02/#evidence")
    assert page.locator("#evidence").is_visible()


def test_decision_guides_render_as_diagrams(page: Any, base_url: str) -> None:
    page.goto(base_url + "manual/chapters/C07/")
    diagram = page.locator("div.mermaid").first
    page.wait_for_function(
        "document.querySelector('div.mermaid') && document.querySelector('div.mermaid').getBoundingClientRect().height > 100"
    )
    assert page.locator("div.mermaid").count() >= 3
    assert diagram.bounding_box()["height"] > 100


def test_principle_cards_print_without_navigation(page: Any, base_url: str) -> None:
    page.goto(base_url + "training/cards/")
    page.emulate_media(media="print")
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert page.locator(".imap-card").count() >= 10
    assert page.locator(".imap-card").first.evaluate("e => getComputedStyle(e).breakAfter") == "page"


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_page_types_have_no_wcag_a_or_aa_violations(page: Any, base_url: str, name: str) -> None:
    page.goto(base_url + PAGE_TYPES[name])
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.viewport_name}.png"), full_page=False)
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
            .map(v => `${v.id} (${v.impact}): ${v.nodes.length} nodes, e.g. ${v.nodes[0].target.join(' ')}`)"""
    )
    assert violations == []
