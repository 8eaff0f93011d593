"""The published site in a real browser (Debian's chromium driven by Playwright), the way readers use it: journeys
on desktop and phone viewports, and axe-core accessibility checks (WCAG 2.1 A and AA) on every page type.

Skipped, with the reason shown, when chromium is not installed; `.ci/run` installs it so CI never skips.
Screenshots of the main page types are written to test-artifacts/screenshots/ for a reviewer to look at.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Releases

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
    "crisis-chapter": "manual/chapters/C16/",
    "session-protocol": "manual/sessions/S04/",
    "form": "manual/forms/F03/",
    "handout": "manual/forms/F08/",
    "print-edition": "print_page/",
    "case-illustrations": "manual/chapters/C11/",
    "bibliography": "bibliography/",
    "overview-matrix": "overview/intervention-matrix/",
    "hypotheses-registry": "research/hypotheses/",
    "fidelity-scale": "research/fidelity-scale/",
    "gap-map": "research/gap-map/",
    "principle-cards": "training/cards/",
    "glossary": "reference/glossary/",
    "content-model": "authoring/content-model/",
    "what-changed": "reference/changes/",
    "overview-coverage": "overview/",
    "theory-map": "overview/theory-map/",
    "data-downloads": "reference/data/",
    "benchmarks": "benchmarks/",
}
# Pages with build-time diagrams and bars, checked in the dark (slate) scheme too.
DARK_PAGE_TYPES = tuple(PAGE_TYPES)  # every page type in the dark (slate) scheme too


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(directory: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(directory))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}/"
        server.shutdown()


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    yield from _serve(built_site)


@pytest.fixture(scope="module")
def releases_url(releases: Releases) -> Iterator[str]:
    """The gh-pages branch of two releases made with `make release` (0.1.0, then 0.2.0), served as GitHub Pages would."""
    yield from _serve(releases.pages)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport=VIEWPORTS[request.param],
        is_mobile=request.param == "phone",
        permissions=["clipboard-read", "clipboard-write"],
    )
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
    entry.locator(".imap-cited-by").get_by_role("link", name="P03").click()
    page.wait_for_url("**/manual/principles/P03/")


def _search(page: Any, query: str, result: Any) -> None:
    """The query typed into the search field key by key, as a reader types it, until the result shows: a query typed
    while the search worker is still reading its index can go unanswered, so it is typed again (three times at most)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    field = page.locator("input.md-search__input")
    field.click()
    for attempt in range(3):
        field.fill("")
        field.press_sequentially(query, delay=30)
        try:
            result.wait_for(timeout=15_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise


def test_search_finds_a_principle_by_a_term_in_its_body(page: Any, base_url: str) -> None:
    page.goto(base_url)
    if page.viewport_name == "phone":
        page.locator('label.md-header__button[for="__search"]').click()
    result = page.locator('.md-search-result__link[href*="manual/principles/P03/"]').first
    _search(page, "window of tolerance", result)
    result.click()
    page.wait_for_url("**/manual/principles/P03/**")


def test_permanent_addresses_land_on_the_page_and_section(page: Any, base_url: str) -> None:
    page.goto(base_url + "id/H03a/")
    page.wait_for_url("**/manual/principles/P03/#h03a")
    page.goto(base_url + "id/I02/#evidence")
    page.wait_for_url("**/manual/interventions/I02/#evidence")
    assert page.locator("#evidence").is_visible()


def test_decision_guides_render_from_data_as_a_list_and_a_drawing(page: Any, base_url: str) -> None:
    """The crisis guide is a numbered list first, then a drawing made at build time: no diagram library is loaded,
    the list is readable at once, and a step of the drawing leads to the item it names."""
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(base_url + "manual/chapters/C16/")
    figure = page.locator(".imap-guide-figure").first
    listed = figure.locator(
        "xpath=preceding-sibling::div[contains(@class, 'imap-keep')][1]/ol"
    )  # the steps, kept whole
    assert listed.locator("li").count() == figure.locator(".imap-node").count() >= 10
    assert "go to step" in listed.inner_text()
    sizes = figure.locator(".imap-node text, .imap-guide__answer").evaluate_all(
        "ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"
    )  # the size each word is drawn at on the screen
    assert min(sizes) >= 11.5  # readable on a phone too: the drawing scrolls sideways rather than shrink
    assert not any("mermaid" in url for url in scripts)
    page.goto(base_url + "manual/chapters/C07/")
    assert page.locator(".imap-guide-figure").count() == 3
    page.locator(".imap-guide-figure a.imap-node").first.click()
    page.wait_for_url("**/manual/principles/P03/")


def test_the_manual_map_renders_and_a_node_leads_to_its_page(page: Any, base_url: str) -> None:
    page.goto(base_url + "overview/theory-map/")
    drawing = page.locator("svg.imap-map--manual")
    assert drawing.is_visible()
    box = drawing.bounding_box()
    assert box["height"] > 300 and box["width"] > 300
    assert page.locator("svg.imap-map--manual a.imap-node").count() >= 40
    node = page.locator('svg.imap-map--manual a[href$="manual/principles/P03/"]')
    node.scroll_into_view_if_needed()
    node.click()
    page.wait_for_url("**/manual/principles/P03/")
    assert page.locator("h1").first.inner_text().startswith("P03")


def test_principle_map_is_reachable_by_keyboard_and_leads_to_a_hypothesis(page: Any, base_url: str) -> None:
    page.goto(base_url + "manual/principles/P03/")
    assert page.locator("svg.imap-map--principle").is_visible()
    page.locator("h2#map .imap-copy-link").focus()  # the section's copy-link button, just before the diagram
    focused = ""
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.closest('svg.imap-map') ? document.activeElement.getAttribute('href') : ''"
        )
        if focused == "#h03a":
            break
    assert focused == "#h03a"
    page.keyboard.press("Enter")
    page.wait_for_url("**/manual/principles/P03/#h03a")


def test_principle_cards_print_without_navigation(page: Any, base_url: str) -> None:
    page.goto(base_url + "training/cards/")
    page.emulate_media(media="print")
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert page.locator(".imap-card").count() >= 10
    assert page.locator(".imap-card").first.evaluate("e => getComputedStyle(e).breakAfter") == "page"


def _copy_link(page: Any, what: str, expected: str, lands_on: str) -> None:
    """Press "Copy link" for `what`, check the address copied, and follow it to where it must land."""
    page.get_by_role("button", name=f"Copy link to {what} (its permanent address)").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == expected
    page.goto(copied)
    page.wait_for_url(lands_on)


def test_copy_link_copies_the_permanent_address_of_the_item_and_of_a_section(page: Any, base_url: str) -> None:
    """The address is made from where the site is served, and it leads back to the page and the section."""
    page.goto(base_url + "manual/principles/P03/")
    _copy_link(page, "this page", base_url + "id/P03/", "**/manual/principles/P03/")
    _copy_link(page, "the section Evidence", base_url + "id/P03/#evidence", "**/manual/principles/P03/#evidence")


def test_a_plain_build_requests_nothing_that_is_not_there(page: Any, base_url: str) -> None:
    """No request of any page type fails (no versions.json outside a mike deployment) and no error is logged, and no
    page names the placeholder domain or an address of a version that this build does not have."""
    failed: list[str] = []
    errors: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for path in ("", "manual/principles/P03/", "training/cards/", "manual/forms/F01/", "manual/chapters/C16/"):
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        text = page.content()
        assert "example.org" not in text, path
        assert not re.search(r"/\d+\.\d+/id/", text), path
    assert failed == [] and errors == []


def test_copy_link_in_a_released_version_stays_in_that_version(page: Any, releases_url: str) -> None:
    page.goto(releases_url + "0.1/manual/chapters/C01/")
    _copy_link(page, "this page", releases_url + "0.1/id/C01/", "**/0.1/manual/chapters/C01/")


def test_evidence_tables_show_kind_and_stance_without_scrolling_sideways(page: Any, base_url: str) -> None:
    """At 390 px each evidence link is a stacked card; at 1280 px the whole table fits. Either way the kind and the
    stance of every link are inside the viewport without scrolling sideways."""
    for path in ("manual/principles/P03/", "overview/principle-evidence/"):
        page.goto(base_url + path)
        width = page.evaluate("document.documentElement.clientWidth")
        cells = page.locator(".imap-evidence td:nth-child(3), .imap-evidence td:nth-child(5)")
        assert cells.count() >= 4
        rights = cells.evaluate_all("cs => cs.map(c => c.getBoundingClientRect().right)")
        assert max(rights) <= width + 1, (path, max(rights), width)
    assert "evidence links (" in page.locator("article").first.inner_text()  # the tally beside each principle
    if page.viewport_name == "phone":  # with the reader's text at twice its size, the cards still fit (WCAG 1.4.4)
        page.goto(base_url + "manual/principles/P07/")
        page.evaluate("document.documentElement.style.fontSize = '250%'")  # the theme's 125%, doubled
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")


def test_a_glossary_term_shows_its_definition_when_tapped_on_a_phone(browser: Any, base_url: str) -> None:
    """On a touch screen there is no hover to show a term's title: a tap shows the definition on the screen."""
    context = browser.new_context(viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base_url + "manual/principles/P03/")
    term = page.locator("article abbr[title]").first
    definition = term.get_attribute("title")
    term.tap()
    shown = term.evaluate("t => getComputedStyle(t, '::after').content")
    box = term.evaluate("t => { const s = getComputedStyle(t, '::after'); return [s.position, s.bottom]; }")
    context.close()
    assert definition and shown.strip('"') == definition
    assert box[0] == "fixed"


def test_keyboard_focus_on_a_phone_stays_on_screen_and_reaches_the_text(browser: Any, base_url: str) -> None:
    """With the navigation drawer and search closed, Tab never lands on a link hidden off screen (WCAG 2.4.7,
    2.4.11), and reaches the page's own text in a few presses."""
    context = browser.new_context(viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base_url + "manual/principles/P03/")
    seen: list[dict[str, Any]] = []
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement, r = e.getBoundingClientRect();
            return {text: (e.textContent || e.className || e.tagName).trim().slice(0, 40), left: r.left,
                    right: r.right, width: innerWidth, inText: !!e.closest('article')}; }"""
        )
        seen.append(focused)
        assert focused["left"] >= -1 and focused["right"] <= focused["width"] + 1, seen
        if focused["inText"]:
            break
    context.close()
    assert seen[-1]["inText"], seen


def test_page_hierarchy_lead_copy_links_and_notice(page: Any, base_url: str) -> None:
    page.goto(base_url + "manual/principles/P03/")
    lead = page.locator(".imap-lead").first
    body = page.locator("article p:not(.imap-lead)").first
    sizes = [loc.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") for loc in (lead, body)]
    assert sizes[0] >= sizes[1]
    headings = page.locator("article :is(h1, h2[id], h3[id])")
    buttons = page.locator(".imap-copy-link")
    assert buttons.count() == headings.count()
    for box in buttons.evaluate_all("bs => bs.map(b => b.getBoundingClientRect())")[:5]:
        assert box["width"] >= 24 and box["height"] >= 24
    assert page.locator("h2 .headerlink").first.is_hidden()  # one control per heading
    notice = page.locator(".imap-status").first
    height = notice.evaluate("e => e.getBoundingClientRect().height")
    line = notice.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 20")
    if page.viewport_name == "phone":
        assert height <= 2.2 * line  # one line and a link to the full statement
        page.locator(".imap-status__more").click()
        page.wait_for_url("**/#investigational-treatment")


def test_an_item_page_shows_its_history_and_cite_this(page: Any, base_url: str) -> None:
    page.goto(base_url + "manual/principles/P10/#history")
    history = page.locator("#history + p")
    assert "In the manual since version 0.1.0" in history.inner_text()
    page.get_by_role("link", name="What changed in P10 between releases").click()
    page.wait_for_url("**/reference/changes/#p10")
    assert page.locator("#p10").is_visible()
    page.goto(base_url + "manual/principles/P10/#cite")
    assert "(Version " in page.locator(".imap-cite-apa").inner_text()
    assert "@incollection{imap_P10_v" in page.locator("#cite ~ div.highlight code").first.inner_text()


def test_an_item_page_prints_without_navigation_with_links_and_whole_tables(page: Any, base_url: str) -> None:
    page.goto(base_url + "manual/principles/P03/")
    page.emulate_media(media="print")
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".imap-copy-link").first.is_visible()
    wrapper = page.locator("#evidence ~ .imap-evidence .md-typeset__scrollwrap").first
    assert wrapper.evaluate("e => getComputedStyle(e).overflow") == "visible"
    table = wrapper.locator("table")
    assert table.evaluate("t => t.getBoundingClientRect().right <= document.documentElement.clientWidth + 1")
    external = page.locator('article a[href^="https://doi.org/"]').first
    if external.count():
        assert "doi.org" in external.evaluate("a => getComputedStyle(a, '::after').content")


def test_the_print_edition_holds_the_manual_in_order_with_working_internal_links(page: Any, base_url: str) -> None:
    page.goto(base_url)
    if page.viewport_name == "phone":  # a top-level entry of the navigation drawer
        page.locator('label.md-header__button[for="__drawer"]').click()
    page.locator("nav.md-nav--primary").get_by_role("link", name="Print edition").first.click()
    page.wait_for_url("**/print_page/")
    sections = page.locator("section.print-page[id]").evaluate_all("s => s.map(e => e.id)")
    assert (
        sections.index("manual-chapters-c01") < sections.index("manual-principles-p03") < sections.index("bibliography")
    )
    link = page.locator('#manual-principles-p03 a[href^="#bibliography-ref-"]').first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_url("**/print_page/" + target)
    assert page.locator(target).is_visible()
    assert page.locator(".imap-guide-figure").count() >= 4  # the decision guides, drawn at build time
    page.emulate_media(media="print")
    assert not page.locator(".md-sidebar--primary").is_visible()


def test_switch_between_published_versions(page: Any, releases_url: str) -> None:
    page.goto(releases_url + "0.1/manual/chapters/C01/")
    banner = page.locator('[data-md-component="outdated"]')
    banner.wait_for(state="visible")
    assert "You are reading an earlier version of the manual." in banner.inner_text()
    assert page.locator(".md-version__current").inner_text() == "0.1.0"
    page.locator(".md-version__current").focus()  # the list of versions opens on focus, as for a keyboard user
    page.locator(".md-version__link", has_text="0.2.0").click()
    page.wait_for_url("**/0.2/manual/chapters/C01/")
    assert page.locator(".md-version__current").inner_text() == "0.2.0"
    page.goto(releases_url + "latest/manual/chapters/C01/")
    page.locator(".md-version__current").wait_for()
    assert not banner.is_visible()
    # The banner's own link leads to the same page in the latest version.
    page.goto(releases_url + "0.1/manual/chapters/C01/")
    banner.get_by_role("link", name="Read this page in the latest version").click()
    page.wait_for_url("**/latest/manual/chapters/C01/")


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_page_types_have_no_wcag_a_or_aa_violations(page: Any, base_url: str, name: str) -> None:
    page.goto(base_url + PAGE_TYPES[name])
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.viewport_name}.png"), full_page=False)
    assert _axe_violations(page) == []


@pytest.mark.parametrize("name", DARK_PAGE_TYPES)
def test_diagram_pages_have_no_wcag_violations_in_the_dark_scheme(browser: Any, base_url: str, name: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"], color_scheme="dark")
    page = context.new_page()
    page.goto(base_url + PAGE_TYPES[name])
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-dark.png"), full_page=False)
    violations = _axe_violations(page)
    context.close()
    assert violations == []


def _axe_violations(page: Any) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations: list[str] = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})).violations
            .map(v => `${v.id} (${v.impact}): ${v.nodes.length} nodes, e.g. ${v.nodes[0].target.join(' ')}`)"""
    )
    return violations


# Every event a payload could wait for, on every element of the page; links that would leave the page are held
# back (a javascript: link, had one survived, would still run).
_POKE = """() => {
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href]');
    if (link && /^(https?|mailto|file):/.test(link.href)) event.preventDefault();
  }, true);
  for (const element of document.querySelectorAll('body *')) {
    for (const type of ['mouseover', 'mouseenter', 'mousemove', 'focus', 'focusin', 'toggle', 'animationstart']) {
      element.dispatchEvent(new Event(type, {bubbles: true}));
    }
    if (typeof element.focus === 'function') element.focus();
    if (typeof element.click === 'function') element.click();
  }
}"""
HOSTILE_PAGES = (
    "manual/principles/P02/",  # the planted title, summary and body
    "manual/principles/P03/",  # "Cite this" with the planted CITATION.cff author; P02 in the navigation
    "reference/changes/",  # the planted changelog entry
    "print_page/",  # the print edition, which copies every page's content
)


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    yield from _serve(hostile_site)


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_no_planted_payload_runs_on_load_hover_focus_or_click(browser: Any, hostile_url: str, path: str) -> None:
    """The hostile corpus (tests/hostile/corpus.py), built with the author check switched off: each payload would
    set document.title to "XSS-..."; none does, on load, or when every element is hovered, focused and clicked."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    try:
        page = context.new_page()
        dialogs: list[str] = []

        def dismiss(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)
        elsewhere: list[str] = []
        page.on(
            "request", lambda request: None if request.url.startswith(hostile_url) else elsewhere.append(request.url)
        )
        page.goto(hostile_url + path, wait_until="load")
        page.wait_for_timeout(300)
        before = page.evaluate("document.title")
        page.evaluate(_POKE)
        page.wait_for_timeout(300)
        assert page.url == hostile_url + path  # still the same page
        title = page.evaluate("document.title")
        assert not before.startswith("XSS-") and not title.startswith("XSS-"), title
        assert title == before and dialogs == []
        assert [url for url in elsewhere if not url.startswith(("data:", "blob:", "about:"))] == []
    finally:
        context.close()


def test_search_results_show_a_planted_title_as_text(browser: Any, hostile_url: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    try:
        page = context.new_page()
        page.goto(hostile_url + "manual/principles/P03/", wait_until="load")
        before = page.evaluate("document.title")
        results = page.locator(".md-search-result__item")
        _search(page, "onerror", results.first)
        assert results.count() > 0
        page.wait_for_timeout(500)
        assert page.evaluate("document.title") == before
        assert page.locator(".md-search-result img").count() == 0
    finally:
        context.close()
