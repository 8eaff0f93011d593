"""The offline edition (imap/publishing/offline.py, `make offline`): the site built as files with the search index as a
script, every address pointed at a file, zipped byte-identically; opened from the file system in a real browser, its
links open pages (not folder listings), search finds pages, and nothing is fetched from a network."""

from __future__ import annotations

import os
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from imap.publishing import editions, offline
from tests.conftest import build_once, make_project, run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _build(target: Path) -> None:
    project = make_project(target / "project", "valid")
    built = run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target / "site")],
        project,
        {"IMAP_OFFLINE": "true", "IMAP_EDITIONS": ""},
    )
    assert built.returncode == 0, built.stderr
    offline.build(target / "site", target / "first", "0.1.0")
    offline.pack(target / "site", target / "second" / "again.zip", "imap-manual-0.1.0")


@pytest.fixture(scope="module")
def edition(shared_dir: Path) -> Path:
    return build_once(shared_dir, "offline", _build)


def test_every_address_of_every_page_leads_to_a_file(edition: Path) -> None:
    site = edition / "site"
    assert offline.finish(site) == []  # finishing again finds nothing left to point
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for url in re.findall(r'\b(?:href|src)="([^"#?]*)', text):
            if url and not re.match(r"^(?:[a-z]+:|//)", url):
                assert (page.parent / url).resolve().is_file(), f"{page.relative_to(site)}: {url}"
        # No script from a network: the offline plugin's shim from a CDN is replaced by the site's own copy.
        assert not re.search(r'<script src="(?:https?:)?//', text), page


def test_the_zip_holds_the_site_in_one_folder_and_is_byte_identical(edition: Path) -> None:
    first = edition / "first" / "imap-manual-offline.zip"
    assert first.read_bytes() == (edition / "second" / "again.zip").read_bytes()
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert all(name.startswith("imap-manual-0.1.0/") for name in names)
        assert {"imap-manual-0.1.0/index.html", "imap-manual-0.1.0/search/search_index.js"} <= set(names)
        assert "imap-manual-0.1.0/404.html" not in names  # a server's page, with addresses from a server's root


def test_a_link_an_author_wrote_for_the_site_still_leads_to_its_page(tmp_path: Path) -> None:
    """A folder address written for the site (../P03/ from P01/, in raw HTML or a plain link) leads to the page's
    file; an address that leads nowhere either way is named with its page."""
    site = tmp_path / "site"
    for name in ("index.html", "search/search_index.js", "manual/principles/P03.html", "manual/forms/F01.html"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("", encoding="utf-8")
    page = site / "manual" / "principles" / "P01.html"
    page.write_text(
        '<a href="../P03/">P03</a> <a href="../../forms/F01/#about">F01</a> <a href="P03.html">P03</a> '
        '<a href="../../../index.html">home</a> <a href="../P99/">gone</a>',
        encoding="utf-8",
    )
    assert offline.finish(site) == [
        "manual/principles/P01.html: ../P99/ (built from the page's source in manual/ or docs/)"
    ]
    assert page.read_text(encoding="utf-8") == (
        '<a href="P03.html">P03</a> <a href="../forms/F01.html#about">F01</a> <a href="P03.html">P03</a> '
        '<a href="../../index.html">home</a> <a href="../P99/">gone</a>'
    )


def test_a_site_built_for_a_server_is_refused_with_the_reason(built_site: Path, tmp_path: Path) -> None:
    with pytest.raises(editions.EditionError, match="not an offline build of the site"):
        offline.build(built_site, tmp_path, "0.1.0")


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("IMAP_REQUIRE_BROWSER"), reason="chromium not installed")
def test_opened_from_the_file_system_links_open_pages_and_search_works(edition: Path, tmp_path: Path) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with zipfile.ZipFile(edition / "first" / "imap-manual-offline.zip") as archive:
        archive.extractall(tmp_path)
    home = tmp_path / "imap-manual-0.1.0" / "index.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        page.goto(home.as_uri())
        page.locator("nav.md-nav--primary a.md-nav__link[href$='P01.html']").first.click()
        page.wait_for_load_state()
        assert page.url.endswith("/manual/principles/P01.html")
        assert page.locator("h1").first.inner_text().startswith("P01")
        # A link the engine writes as HTML (a map's node) leads to a page too, not to a folder.
        node = page.locator("svg a[href]").first
        assert str(node.get_attribute("href")).endswith(".html")
        page.goto(home.as_uri())
        page.wait_for_function("typeof __index !== 'undefined'", timeout=60_000)  # the index, read as a script
        field = page.locator("input.md-search__input")
        field.click()
        result = page.locator(".md-search-result__link").first
        for attempt in range(3):  # typed key by key, as a reader types (a value set at once can go unanswered)
            field.fill("")
            field.press_sequentially("arousal", delay=50)
            try:
                result.wait_for(timeout=20_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
        assert ".html" in str(result.get_attribute("href"))
        browser.close()
    assert [url for url in fetched if not url.startswith("file:")] == []
