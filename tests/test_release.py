"""Released versions with mike (`make release`), tested in a temporary git repository: each version at its own path,
the `latest` alias, versions.json, and permanent addresses that survive a retitled item whose file was renamed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from imap.reading import addresses
from tests.conftest import ROOT, Releases


def _refresh_target(page: Path) -> str:
    match = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', page.read_text(encoding="utf-8"))
    assert match, f"{page} is not a forwarding page"
    return match.group(1)


def _resolve(pages: Path, address: str) -> Path:
    """Follow forwarding pages from an address (relative to the branch root) to the page that has content."""
    current = pages / address
    for _ in range(5):
        page = current / "index.html"
        assert page.is_file(), f"{page.relative_to(pages)} does not exist"
        if 'http-equiv="refresh"' not in page.read_text(encoding="utf-8"):
            return page
        current = (current / _refresh_target(page).split("#")[0]).resolve()
    raise AssertionError(f"{address} forwards too many times")


def test_each_release_has_its_own_path_and_latest_is_the_newest(releases: Releases) -> None:
    versions = json.loads((releases.pages / "versions.json").read_text(encoding="utf-8"))
    assert versions == [
        {"version": "0.2", "title": "0.2.0", "aliases": ["latest"]},
        {"version": "0.1", "title": "0.1.0", "aliases": []},
    ]
    assert 'window.location.replace(\n      "latest/"' in (releases.pages / "index.html").read_text(encoding="utf-8")
    latest = (releases.pages / "latest" / "index.html").read_text(encoding="utf-8")
    assert latest == (releases.pages / "0.2" / "index.html").read_text(encoding="utf-8")
    assert "Manual version 0.2.0" in latest
    assert "Manual version 0.1.0" in (releases.pages / "0.1" / "index.html").read_text(encoding="utf-8")


def test_a_link_from_the_first_release_resolves_after_the_item_was_retitled_and_its_file_renamed(
    releases: Releases,
) -> None:
    new_page = "manual/principles/P01-stay-in-the-window/"
    for address in ("id/P01/", "latest/id/P01/", "0.2/id/P01/", "latest/manual/principles/P01/"):
        page = _resolve(releases.pages, address)
        assert (
            page == (releases.pages / address.split("/")[0] / new_page / "index.html").resolve()
            or page == (releases.pages / "latest" / new_page / "index.html").resolve()
        ), address
        assert "P01 Stay in the window" in page.read_text(encoding="utf-8")
    # The first release is kept as it was published.
    old = _resolve(releases.pages, "0.1/id/P01/")
    assert old == (releases.pages / "0.1/manual/principles/P01/index.html").resolve()
    assert "P01 Work within tolerable arousal" in old.read_text(encoding="utf-8")
    # Every address ever registered resolves inside the latest version.
    registry = addresses.read_registry(releases.repo)
    assert "manual/principles/P01/" in registry
    assert addresses.unresolved(registry, releases.pages / "latest") == []


def test_a_release_is_refused_until_its_new_addresses_are_registered(releases: Releases) -> None:
    assert "not in addresses.txt; run `make addresses`" in releases.first_refused
    assert "manual/principles/P01-stay-in-the-window/" in releases.first_refused


def test_releases_are_tagged_and_old_versions_carry_the_outdated_banner(releases: Releases) -> None:
    import subprocess

    tags = subprocess.run(["git", "-C", str(releases.repo), "tag"], capture_output=True, text=True, check=True)
    assert tags.stdout.split() == ["v0.1.0", "v0.2.0"]
    old = (releases.pages / "0.1/manual/chapters/C01/index.html").read_text(encoding="utf-8")
    banner = old.split('data-md-component="outdated"')[1].split("</aside>")[0]
    assert "You are reading an earlier version of the manual." in banner
    assert 'href="../../../../latest/manual/chapters/C01/"' in banner


def test_a_malformed_citation_file_stops_the_release_with_its_line(tmp_path: Path) -> None:
    import pytest

    from tests.conftest import make_project
    from tools.release import ReleaseError, preflight

    project = make_project(tmp_path / "p", "valid")
    (project / "VERSION").write_text("0.1.0\n", encoding="utf-8")
    (project / "CHANGELOG.md").write_text("# Changelog\n\n## [0.1.0] - 2026-01-15\n", encoding="utf-8")
    (project / "CITATION.cff").write_text("cff-version: 1.2.0\nversion: [0.1.0\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match=r"\nCITATION.cff:2: error: CITATION.cff is not valid YAML"):
        preflight(project)  # found by the check of the manual (imap.citing.manual_citation), as `make check` finds it
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    (project / "CITATION.cff").write_text(re.sub(r"(?m)^version: .*$", "version: 0.0.9", cff), encoding="utf-8")
    with pytest.raises(ReleaseError, match=re.escape("CITATION.cff names version 0.0.9, but VERSION is 0.1.0")):
        preflight(project)
    (project / "CITATION.cff").write_text(re.sub(r"(?m)^version: .*$", "version: 0.1.0", cff), encoding="utf-8")
    assert preflight(project) == "0.1.0"


def test_a_release_needs_the_published_address_and_refuses_a_placeholder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.release import ReleaseError, release, site_url_problem

    for placeholder in (
        "",
        "https://imap-manual.example.org/",
        "https://example.com/manual/",
        "https://manual.test/",
        "https://localhost:8000/",
        "http://team.github.io/manual/",
        "https://127.0.0.1/",
    ):
        assert site_url_problem(placeholder), placeholder
    assert site_url_problem("https://team.github.io/imap-manual/") == ""
    monkeypatch.delenv("IMAP_SITE_URL", raising=False)
    with pytest.raises(ReleaseError, match="IMAP_SITE_URL is not set"):
        release(tmp_path)
    monkeypatch.setenv("IMAP_SITE_URL", "https://imap-manual.example.org/")
    with pytest.raises(ReleaseError, match="a placeholder"):
        release(tmp_path)


def test_only_a_release_has_a_version_selector(releases: Releases) -> None:
    """A mike deployment reads versions.json (and has it); a plain build has no selector and asks for none."""
    page = (releases.pages / "0.2" / "index.html").read_text(encoding="utf-8")
    assert '"provider": "mike"' in page or '"provider":"mike"' in page
    assert (releases.pages / "versions.json").is_file()
    plain = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "provider: !ENV [IMAP_VERSION_PROVIDER" in plain


def _links(page: Path) -> list[str]:
    """The page's links to PDF and EPUB files of the site (relative addresses)."""
    return re.findall(r'href="(?![a-z]+:)([^"#]+\.(?:pdf|epub|zip))"', page.read_text(encoding="utf-8"))


def test_a_release_publishes_its_editions_and_its_pages_link_to_them(releases: Releases) -> None:
    """The editions sit beside the version's pages (and the latest version's); the home page, every page's footer
    and each form's page link to them, and every such link leads to a file that is there."""
    for version in ("0.2", "latest"):
        editions = releases.pages / version / "editions"
        names = sorted(p.relative_to(editions).as_posix() for p in editions.rglob("*") if p.is_file())
        assert names == [
            "forms/F01.pdf",
            "imap-manual-offline.zip",
            "imap-manual.epub",
            "imap-manual.pdf",
            "imap-principle-cards.pdf",
        ], version
        assert (editions / "imap-manual.pdf").read_bytes().startswith(b"%PDF-")
    published = releases.pages / "0.2"
    home = published / "index.html"
    form = next((published / "manual" / "forms").glob("F01*/index.html"))
    item = _resolve(releases.pages, "0.2/id/P01/")
    assert {"editions/imap-manual.pdf", "editions/imap-manual.epub"} <= set(_links(home))
    assert any(link.endswith("forms/F01.pdf") for link in _links(form))
    for page in (home, form, item, published / "bibliography" / "index.html"):
        footer = page.read_text(encoding="utf-8").split('class="md-footer"', 1)[1]
        assert 'class="imap-editions"' in footer, page
        for link in _links(page):
            assert (page.parent / link).resolve().is_file(), f"{page}: {link} leads nowhere"


def test_a_release_pdf_carries_each_items_permanent_address(releases: Releases) -> None:
    from pypdf import PdfReader

    reader = PdfReader(releases.pages / "0.2" / "editions" / "imap-manual.pdf")
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert "https://imap-manual.github.io/manual/id/P01/" in text
    links = {
        str(annotation.get_object().get("/A", {}).get("/URI", ""))
        for page in reader.pages
        for annotation in page.get("/Annots", []) or []
    }
    assert "https://imap-manual.github.io/manual/id/P01/" in links
