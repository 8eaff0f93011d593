"""Editions (imap/publishing/editions.py): the manual as PDF and EPUB, the principle cards a card a page, each form as
a PDF, made from the built site's sanitised pages. Built here from the fixture manual's site, twice."""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from imap.publishing import edition_html, editions
from tests.conftest import build_once
from tools import epubcheck


@pytest.fixture(scope="module")
def made(valid_site: Path, shared_dir: Path, monkeypatch_module: pytest.MonkeyPatch) -> Path:
    monkeypatch_module.setenv("SOURCE_DATE_EPOCH", "1768435200")  # 2026-01-15

    def build(target: Path) -> None:
        editions.build(valid_site, target / "first", "0.1.0", renders=target / "renders")
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


def test_the_manual_pdf_is_tagged_outlined_with_text_running_heads_and_working_links(
    made: Path, valid_site: Path
) -> None:
    reader = PdfReader(made / "first" / "imap-manual.pdf")
    root: Any = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged
    assert root["/Lang"] == "en-GB"
    assert len(reader.outline) > 3  # bookmarks from the headings
    text = "\n".join(page.extract_text() for page in reader.pages)
    label = editions.version_label(valid_site, "0.1.0")  # as the site labels it (released, or not)
    assert label.startswith("0.1.0")
    assert f"IMAP manual {label}" in text  # the running head names the version
    cover = " ".join(reader.pages[0].extract_text().split())  # a title page, with the version and the notice
    assert "Integrative MDMA-Assisted Psychotherapy for PTSD" in cover and f"Version {label}" in cover
    assert "Investigational treatment" in cover
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
    pages = {page.indirect_reference.idnum for page in reader.pages if page.indirect_reference is not None}
    named = reader.named_destinations
    for annotation in internal:  # every link within the document lands on one of its pages
        target = annotation.get("/Dest") or annotation["/A"]["/D"]
        target = target.get_object() if hasattr(target, "get_object") else target
        if isinstance(target, str):
            assert target in named, target
            page_number = reader.get_destination_page_number(named[target])
            assert page_number is not None and 0 <= page_number < len(reader.pages), target
        else:
            assert target[0].idnum in pages, target
    assert reader.metadata is not None and reader.metadata.title == "IMAP manual"


def test_each_form_pdf_is_the_form_with_its_notice(made: Path, valid_site: Path) -> None:
    for page in editions.forms(valid_site):
        form_id = page.split("/")[2]
        reader = PdfReader(made / "first" / "forms" / f"{form_id}.pdf")
        text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
        assert text.startswith("IMAP manual") and form_id in text, form_id
        assert "investigational in most jurisdictions" in text, form_id
        root: Any = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root, form_id  # tagged


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
        for name in names:  # every document and the package itself is well-formed XML
            if name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
                ElementTree.fromstring(book.read(name))
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


def test_the_epub_passes_epubcheck(made: Path) -> None:
    """EPUBCheck, the reference validator, finds no error. CI installs Java (IMAP_REQUIRE_JAVA), so there it never
    skips."""
    if shutil.which("java") is None:
        if os.environ.get("IMAP_REQUIRE_JAVA"):
            pytest.fail("IMAP_REQUIRE_JAVA is set (as in CI) but java is not installed")
        pytest.skip("EPUBCheck needs Java")
    valid, said = epubcheck.check(made / "first" / "imap-manual.epub")
    assert valid, said


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


BOTTOM_MARGIN_PT = 2.4 / 2.54 * 72  # the editions' bottom margin (imap.publishing.editions.preamble): 2.4 cm


def _set_outside_the_page(reader: PdfReader) -> list[tuple[int, str]]:
    """Text a PDF sets where it does not belong: outside the page's box (where no reader sees it), or in the bottom
    margin, which holds only the page number (text there has run past the page's body, over the number).
    Returns (page number, the text)."""
    outside: list[tuple[int, str]] = []
    for number, page in enumerate(reader.pages, start=1):
        placed: list[tuple[float, float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: Any, placed: list[Any] = placed) -> None:
            if text.strip():
                placed.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text))

        page.extract_text(visitor_text=visit)
        box = page.mediabox
        body_bottom = float(box.bottom) + BOTTOM_MARGIN_PT - 2
        outside += [
            (number, text)
            for x, y, text in placed
            if not (box.left <= x <= box.right and box.bottom <= y <= box.top)
            or (y < body_bottom and text.strip() != str(number))
        ]
    return outside


def _pages_of(reader: PdfReader, marker: str) -> list[int]:
    return [n for n, page in enumerate(reader.pages, start=1) if marker in page.extract_text()]


def test_long_tables_run_over_pages_but_no_row_or_decision_guide_is_split(tmp_path: Path) -> None:
    """A table longer than a page continues on the next (nothing is set below the page and lost), each row stays on
    one page, and a decision guide's numbered steps stay together on one page."""
    filler = "<p>" + "A sentence that fills the page before the table. " * 40 + "</p>"
    middle = "words that make the row tall " * 6
    rows = "".join(f"<tr><td>row-{n}-first</td><td>{middle}</td><td>row-{n}-last</td></tr>" for n in range(1, 121))
    table = f"<table><thead><tr><th>A</th><th>B</th><th>C</th></tr></thead><tbody>{rows}</tbody></table>"
    steps = "".join(f"<li>step-{n}: check and act</li>" for n in range(1, 31))
    guide = f'<h2 id="guide">Decision guide</h2><div class="imap-keep"><ol>{steps}</ol></div>'
    content = f"<h1 id='t'>Tables</h1>{filler}{table}{filler}{filler}{guide}"
    folder = tmp_path / "work"
    folder.mkdir()
    source = editions.preamble("Test", "0.1.0", editions.PAPERS["a4"], contents=False)
    reader = PdfReader(io.BytesIO(editions.compile_pdf(source + editions.to_typst(content), folder)))
    assert _set_outside_the_page(reader) == []
    assert len(_pages_of(reader, "row-1-first") + _pages_of(reader, "row-120-last")) == 2
    assert _pages_of(reader, "row-1-first") != _pages_of(reader, "row-120-last")  # the table runs over pages
    for n in range(1, 121):
        assert _pages_of(reader, f"row-{n}-first") == _pages_of(reader, f"row-{n}-last"), f"row {n} is split"
    assert _pages_of(reader, "step-1:") == _pages_of(reader, "step-30:")  # the guide on one page


def test_nothing_of_the_manual_is_set_outside_its_pages(made: Path) -> None:
    assert _set_outside_the_page(PdfReader(made / "first" / "imap-manual.pdf")) == []


def test_a4_by_default_and_us_letter_on_request(tmp_path: Path) -> None:
    sizes = {}
    for paper in ("a4", "letter"):
        folder = tmp_path / paper
        folder.mkdir()
        source = editions.preamble("Test", "0.1.0", editions.PAPERS[paper], contents=False) + "= Page\n\nText.\n"
        box = PdfReader(io.BytesIO(editions.compile_pdf(source, folder))).pages[0].mediabox
        sizes[paper] = (round(float(box.width)), round(float(box.height)))
    assert sizes == {"a4": (595, 842), "letter": (612, 792)}


def test_pictures_of_pages_are_drawn_for_a_reader_to_look_at(made: Path) -> None:
    renders = made / "renders"
    names = sorted(p.name for p in renders.iterdir())
    assert "imap-manual-1.png" in names and "imap-principle-cards-1.png" in names
    assert any(name.startswith("forms-F01-") for name in names)
    for name in names:
        assert (renders / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), name


def test_a_drawing_carries_its_styles_and_fits_a_page(tmp_path: Path) -> None:
    """A map or guide leaves the page's stylesheet behind: its file carries the figure styles (else its boxes are
    black), and a tall one is narrowed so that it and its caption fit on a page; a small inline drawing is left as it
    is."""
    tall = (
        '<svg class="imap-map imap-guide" role="group" aria-label="Drawing of the guide" viewBox="0 0 556 963" '
        'width="556" height="963"><g class="imap-node imap-node--step"><rect/><text>1. Step</text></g></svg>'
    )
    bar = '<svg class="imap-bar" viewBox="0 0 100 10" width="100" height="10"><rect/></svg>'
    html = edition_html.prepared(f"<p>{bar}</p>{tall}", tmp_path, "t")
    assert '<img src="t-2.svg" alt="Drawing of the guide" width="69%">' in html
    assert '<img src="t-1.svg" alt="A figure of the manual">' in html
    drawn = (tmp_path / "t-2.svg").read_text(encoding="utf-8")
    assert "<style>" in drawn and ".imap-node rect" in drawn and 'xmlns="http://www.w3.org/2000/svg"' in drawn


def test_an_admonition_is_a_framed_block_with_its_title_in_bold(tmp_path: Path) -> None:
    """A safety page's "What to do", a vignette or a warning stands apart in print as on the site."""
    html = '<div class="admonition danger"><p class="admonition-title">What to do</p><ol><li>Call.</li></ol></div>'
    typst = editions.to_typst(edition_html.prepared(html, tmp_path, "t"))
    assert "#block(stroke:" in typst and "#strong[What to do]" in typst and "+ Call." in typst


def test_a_plain_build_links_to_no_edition_and_says_how_to_make_them(valid_site: Path) -> None:
    home = (valid_site / "index.html").read_text(encoding="utf-8")
    assert "imap-editions" not in home and ".pdf" not in home and ".epub" not in home
    assert "make editions" in home
