"""Editions (imap/publishing/editions.py): the manual as PDF and EPUB, the principle cards a card a page, each form as
a PDF, made from the built site's sanitised pages. Built here from the fixture manual's site, twice."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from imap.publishing import editions
from tests.conftest import build_once


@pytest.fixture(scope="module")
def made(valid_site: Path, shared_dir: Path, monkeypatch_module: pytest.MonkeyPatch) -> Path:
    monkeypatch_module.setenv("SOURCE_DATE_EPOCH", "1768435200")  # 2026-01-15

    def build(target: Path) -> None:
        editions.build(valid_site, target / "first", "0.1.0")
        editions.build(valid_site, target / "second", "0.1.0")

    return build_once(shared_dir, "editions", build)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_every_edition_is_written_and_two_builds_are_byte_identical(made: Path) -> None:
    first = sorted(p.relative_to(made / "first").as_posix() for p in (made / "first").rglob("*") if p.is_file())
    assert {"imap-manual.pdf", "imap-manual.epub", "imap-principle-cards.pdf"} <= set(first)
    assert any(name.startswith("forms/F") for name in first)
    for name in first:
        assert (made / "first" / name).read_bytes() == (made / "second" / name).read_bytes(), name


def test_the_manual_pdf_is_tagged_outlined_with_text_running_heads_and_working_links(made: Path) -> None:
    reader = PdfReader(made / "first" / "imap-manual.pdf")
    root: Any = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged
    assert root["/Lang"] == "en-GB"
    assert len(reader.outline) > 3  # bookmarks from the headings
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "IMAP manual 0.1.0" in text  # the running head names the version
    assert "investigational in most jurisdictions" in text
    # Rendered content, never the manual's source: the generated sections of an item page are there.
    assert "Cite this" in text and "Map of this principle" in text
    # Citations as the site formats them, and internal links that land on a page of the document.
    assert re.search(r"\(Ehlers & Clark, 2000\)", text)
    links = [
        annotation.get_object()
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link"
    ]
    internal = [a for a in links if "/Dest" in a or ("/A" in a and a["/A"].get("/S") == "/GoTo")]
    assert internal
    assert reader.metadata is not None and reader.metadata.title == "IMAP manual"


def test_the_cards_print_one_card_a_page(made: Path, valid_site: Path) -> None:
    cards = (valid_site / editions.CARDS_PAGE).read_text(encoding="utf-8").count('class="imap-card"')
    reader = PdfReader(made / "first" / "imap-principle-cards.pdf")
    pages = [page.extract_text() for page in reader.pages]
    assert cards >= 1
    assert len(pages) == cards + 1  # the page that introduces them, then a card on each page
    for number, text in enumerate(pages[1:], start=1):
        assert len(re.findall(r"^P\d{2} ", text, flags=re.MULTILINE)) >= 1, number


def test_the_epub_is_a_valid_epub_3_container(made: Path) -> None:
    with zipfile.ZipFile(made / "first" / "imap-manual.epub") as book:
        names = book.namelist()
        assert names[0] == "mimetype" and book.read("mimetype") == b"application/epub+zip"
        assert book.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        container = ElementTree.fromstring(book.read("META-INF/container.xml"))
        rootfile = container.find(".//{*}rootfile")
        assert rootfile is not None
        package_path = str(rootfile.get("full-path"))
        package = ElementTree.fromstring(book.read(package_path))
        assert package.get("version") == "3.0"
        identifier = package.find(".//{http://purl.org/dc/elements/1.1/}identifier")
        assert identifier is not None and identifier.text == "urn:imap-manual:0.1.0"
        base = package_path.rsplit("/", 1)[0] + "/" if "/" in package_path else ""
        for item in package.iter("{http://www.idpf.org/2007/opf}item"):
            assert base + str(item.get("href")) in names  # every file the package lists is there
        assert any(item.get("properties") == "nav" for item in package.iter("{http://www.idpf.org/2007/opf}item"))


def test_figures_stay_vector_drawings(made: Path) -> None:
    """The maps are the site's SVG drawings: in the PDF they are vector forms, not pictures."""
    reader = PdfReader(made / "first" / "imap-manual.pdf")
    kinds = {
        str(x.get_object().get("/Subtype"))
        for page in reader.pages
        for x in (page.get("/Resources", {}).get("/XObject", {}) or {}).values()
    }
    assert "/Image" not in kinds


def test_a_site_that_was_not_built_is_named_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(editions.EditionError, match=r"print_page/index.html: not in the built site \(run make build"):
        editions.build(tmp_path / "site", tmp_path / "out", "0.1.0")
