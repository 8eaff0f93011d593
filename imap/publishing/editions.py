"""Editions: the manual as PDF and EPUB, the principle cards as one PDF (a card a page), each form as its own PDF.

They are made from the same rendered content as the site, never from the manual's files: each page's sanitised
content HTML in a built site (the print edition's page for the whole manual, with its links already pointing inside
it; the cards page; each form's page). pandoc converts that HTML to Typst and to EPUB 3; Typst (the compiler the
`typst` package embeds) makes the PDFs, tagged, with an outline from the headings, running heads with the manual's
version and the section, and page numbers. The figures (maps, decision guides) are the site's own SVG drawings, kept
as vector images. Every date comes from SOURCE_DATE_EPOCH and the EPUB's identifier is fixed by the version, so two
builds of one commit are byte-identical.
"""

from __future__ import annotations

import datetime
import html
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Final

from imap.citing import pandoc
from imap.publishing.edition_html import EditionError as EditionError  # the error of every edition, raised here too
from imap.publishing.edition_html import article, pictures, prepared
from imap.rendering.edition_links import CARDS_PDF, FORMS, MANUAL_EPUB, MANUAL_PDF
from imap.rendering.item_pages import INVESTIGATIONAL

PAPERS: Final = {"a4": "a4", "letter": "us-letter"}
FULL_TITLE: Final = "Integrative MDMA-Assisted Psychotherapy for PTSD: an open treatment manual"
MADE_FROM: Final = (
    "Made from the pages of the manual's website by pandoc and Typst, with the same text, citations and figures. "
    "Text CC BY 4.0."
)
# The pandoc filter that flattens the HTML's divisions and keeps a decision guide's steps on one page.
KEEP_TOGETHER: Final = Path(__file__).with_name("keep_together.lua")
PRINT_PAGE: Final = "print_page/index.html"
CARDS_PAGE: Final = "training/cards/index.html"
FORMS_DIR: Final = "manual/forms"
# Typst reads `#emph[...].word` as a field of the emphasis; pandoc writes it where a word follows an element.
_FIELD_AFTER: Final = re.compile(r"\](?=\.[A-Za-z_])")
_TYPST_LABEL: Final = re.compile(r"(?<![\w(])<([\w.:-]+)>")
_TYPST_LINK_OPEN: Final = re.compile(r"#link\(<([\w.:-]+)>\)\[")


def source_date() -> datetime.datetime:
    """The build's date: SOURCE_DATE_EPOCH (the last commit's time, as the Makefile sets it), or 1970."""
    seconds = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC)


def to_typst(content: str) -> str:
    """Typst markup of content HTML, by pandoc: divisions and spans flattened (Typst has no page break inside a
    block) except a decision guide's steps, which are kept whole (keep_together.lua); a word after an element kept
    as text; and a link to a place the content does not have made plain text (a build must not fail on a dangling
    link, and a reader must not meet one)."""
    document = f"<html><head><meta charset='utf-8'><title>edition</title></head><body>{content}</body></html>"
    try:
        typst = pandoc.run(["-f", "html", "-t", "typst", f"--lua-filter={KEEP_TOGETHER}"], document.encode("utf-8"))
    except pandoc.PandocError as exc:
        raise EditionError(str(exc)) from exc
    text = _FIELD_AFTER.sub("];", typst.decode("utf-8"))
    labels = set(_TYPST_LABEL.findall(text))
    # `#link(<x>)[words]` for a label x the document lacks becomes the content block `#[words]`.
    return _TYPST_LINK_OPEN.sub(lambda m: m.group(0) if m.group(1) in labels else "#[", text)


def typst_string(text: str) -> str:
    """A Typst string literal of `text`, shown as it is (never read as markup or code)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")
    return f'"{escaped}"'


_VERSION_META: Final = re.compile(r'<meta name="imap-manual-version" content="([^"]*)"')


def version_label(site: Path, version: str) -> str:
    """The manual's version as the built site labels it (for example "0.2.0 with unreleased changes"), so that an
    edition says what the site says; `version` when the site does not say."""
    path = site / PRINT_PAGE
    found = _VERSION_META.search(path.read_text(encoding="utf-8")) if path.is_file() else None
    return html.unescape(found.group(1)) if found and found.group(1).strip() else version


def title_page(version: str) -> str:
    """The manual's title page: its title, its version and the build's date, and the investigational notice."""
    return "\n".join(
        [
            "#page(header: none, numbering: none)[",
            "  #v(22%)",
            f'  #text(size: 22pt, weight: "bold", {typst_string(FULL_TITLE)})',
            "  #v(1.2em)",
            f"  #text(size: 13pt, {typst_string(f'Version {version}, made on {source_date().date().isoformat()}')})",
            "  #v(1fr)",
            "  #block(stroke: 0.5pt, inset: 10pt, width: 100%)[*Investigational treatment.*",
            f"    #{typst_string(INVESTIGATIONAL)}]",
            f"  #text(size: 9pt, {typst_string(MADE_FROM)})",
            "]",
            "",
        ]
    )


def preamble(title: str, version: str, paper: str, cards: bool = False, contents: bool = True) -> str:
    """The Typst set-up of an edition: document metadata, the page with its running head (the manual and its version,
    and the section the page is in) and page numbers, text without hyphenation (no word is broken across lines),
    table rows never split across pages; for the cards, each card on a page of its own; for the manual, each part
    from a new page after a table of contents."""
    level = 2 if cards else 1
    lines = [
        f'#set document(title: {typst_string(title)}, author: "IMAP manual contributors")',
        '#set text(lang: "en", region: "GB", size: 10pt, hyphenate: false)',
        "#set par(justify: false)",
        f'#set page(paper: "{paper}", margin: (x: 2cm, y: 2.4cm), numbering: "1",',
        "  header: context {",
        f"    let on-page = query(heading.where(level: {level})).filter(h => h.location().page() == here().page())",
        f"    let before = query(selector(heading.where(level: {level})).before(here()))",
        "    let here-title = if on-page.len() > 0 { on-page.first().body } else if before.len() > 0 {",
        "      before.last().body } else { [] }",
        "    set text(size: 8pt)",
        f"    grid(columns: (1fr, auto), gutter: 1em, {typst_string('IMAP manual ' + version)}, here-title)",
        "  })",
        # A long table runs on over pages (its header row repeated), a row never splits; a drawing stays whole.
        "#show figure.where(kind: table): set block(breakable: true)",
        "#set table.cell(breakable: false)",
        "#let horizontalrule = line(length: 100%, stroke: 0.5pt)",
        '#show link: set text(fill: rgb("#1a4fa0"))',
    ]
    if cards:
        lines.append("#show heading.where(level: 2): it => { pagebreak(weak: true); it }")
        lines.append("#set text(size: 9pt)")
    elif contents:
        lines.append("#show heading.where(level: 1): it => { pagebreak(weak: true); it }")
        lines.append(title_page(version))
        lines.append('#outline(title: "Contents", depth: 1)')
    return "\n".join(lines) + "\n"


def compile_pdf(typst_source: str, folder: Path) -> bytes:
    """The PDF Typst makes of the source, with the figures in `folder`, dated by SOURCE_DATE_EPOCH, tagged."""
    import typst

    (folder / "edition.typ").write_text(typst_source, encoding="utf-8")
    try:
        made = typst.compile(str(folder / "edition.typ"), root=str(folder), timestamp=source_date())
    except RuntimeError as exc:  # typst.TypstError
        raise EditionError(f"Typst could not set the edition: {str(exc)[:600]}") from exc
    return packed(bytes(made))


def packed(pdf: bytes) -> bytes:
    """The same PDF, smaller: qpdf (by pikepdf) packs its objects (the tag tree, the link annotations) into compressed
    object streams and recompresses every stream; nothing is added or taken away, and the file identifier is derived
    from the content, so the bytes stay the same from build to build."""
    import io

    import pikepdf

    source, target = io.BytesIO(pdf), io.BytesIO()
    with pikepdf.open(source) as document:
        document.save(
            target,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
            recompress_flate=True,
            deterministic_id=True,
        )
    return target.getvalue()


def epub(content: str, folder: Path, title: str, version: str) -> bytes:
    """EPUB 3 of content HTML, by pandoc, with a fixed identifier and the build's date."""
    document = (
        f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body>{content}</body></html>"
    )
    (folder / "edition.html").write_text(document, encoding="utf-8")
    out = folder / "edition.epub"
    try:
        _epub(folder, out, title, version)
    except pandoc.PandocError as exc:
        raise EditionError(str(exc)) from exc
    return out.read_bytes()


def _epub(folder: Path, out: Path, title: str, version: str) -> None:
    pandoc.run(
        [
            "-f",
            "html-auto_identifiers",  # a heading without an id must not be given one the page already uses
            "-t",
            "epub3",
            "--split-level=1",
            f"--metadata=title:{title}",
            "--metadata=lang:en-GB",
            f"--metadata=identifier:urn:imap-manual:{version}",
            f"--metadata=date:{source_date().date().isoformat()}",
            "--resource-path",
            str(folder),
            "-o",
            str(out),
            str(folder / "edition.html"),
        ],
        b"",
    )


def forms(site: Path) -> list[str]:
    """Every form's and handout's page in the built site."""
    base = site / FORMS_DIR
    if not base.is_dir():
        return []  # a manual without forms
    return sorted(f"{FORMS_DIR}/{p.name}/index.html" for p in base.iterdir() if (p / "index.html").is_file())


@dataclass(frozen=True)
class Made:
    """A file an edition build wrote, and how long it took to make (for `make bench`)."""

    path: Path
    seconds: float


def build(site: Path, out: Path, version: str, paper: str = "a4", renders: Path | None = None) -> list[Made]:
    """Every edition of the built site in `out`: imap-manual.pdf and .epub, imap-principle-cards.pdf, and
    forms/<ID>.pdf for each form. With `renders`, pictures of pages are also drawn there as PNG, for a reader to look
    at: every page of the cards and of the forms, and sample pages of the manual (see SAMPLES). Returns the files
    written. Raises EditionError."""
    size = PAPERS[paper]
    label = version_label(site, version)
    out.mkdir(parents=True, exist_ok=True)
    made: list[Made] = []
    with tempfile.TemporaryDirectory(prefix="imap-editions-") as temporary, ThreadPoolExecutor(1) as beside:
        work = Path(temporary)
        book: Future[Made] | None = None
        for name, title, pages, cards in _editions(site):
            started = time.perf_counter()
            folder = work / name.replace("/", "-")
            folder.mkdir()
            content = "\n".join(
                prepared(article(site, page), folder, f"fig{n}", pictures(site, page)) for n, page in enumerate(pages)
            )
            whole = name == MANUAL_PDF
            if whole:  # the EPUB is made by pandoc in its own process while Typst sets the PDF, and kept aside
                book = beside.submit(_timed, partial(epub, content, folder, title, version), work / MANUAL_EPUB)
            source = preamble(title, label, size, cards, contents=whole) + to_typst(content)
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(compile_pdf(source, folder))
            made.append(Made(target, time.perf_counter() - started))
            if renders is not None:
                stem = name.removesuffix(".pdf").replace("/", "-")
                _render(folder, renders, stem, sample_pages(target) if whole else None)
            if not whole:
                shutil.rmtree(folder)
        if book is not None:  # written only once every other edition is made: a failed build leaves no EPUB behind
            kept = book.result()
            shutil.move(kept.path, out / MANUAL_EPUB)
            made.append(Made(out / MANUAL_EPUB, kept.seconds))
    return made


def _timed(make: Callable[[], bytes], target: Path) -> Made:
    started = time.perf_counter()
    target.write_bytes(make())
    return Made(target, time.perf_counter() - started)


# The manual's pages drawn as PNG for a reader to look at (its first pages, and the first page of each of these parts).
SAMPLES: Final = (
    "P01 ",
    "C16 ",
    "Principles and their evidence",
    "Fidelity and adherence scale",
    "Principle cards",
    "Bibliography",
)


def sample_pages(pdf: Path) -> list[int]:
    """The page numbers (from 1) of the manual's sample pages: the first three, and where each of SAMPLES begins."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    wanted = {1, 2, 3}
    for entry in reader.outline:
        if not isinstance(entry, list) and str(entry.title).startswith(SAMPLES):
            number = reader.get_destination_page_number(entry)
            if number is not None:
                wanted.add(number + 1)
    return sorted(n for n in wanted if n <= len(reader.pages))


def _render(folder: Path, renders: Path, stem: str, pages: list[int] | None) -> None:
    """PNG pictures of the pages (all, or those numbered `pages`) of the edition whose Typst source is in `folder`."""
    import typst

    renders.mkdir(parents=True, exist_ok=True)
    drawn = folder / "pages"
    drawn.mkdir()
    try:
        typst.compile(
            str(folder / "edition.typ"), output=str(drawn / "{p}.png"), format="png", ppi=72.0, root=str(folder)
        )
    except RuntimeError as exc:  # typst.TypstError
        raise EditionError(f"Typst could not draw the pages of {stem}: {str(exc)[:600]}") from exc
    for picture in sorted(drawn.iterdir(), key=lambda p: int(p.stem)):
        if pages is None or int(picture.stem) in pages:
            shutil.move(picture, renders / f"{stem}-{picture.stem}.png")
    shutil.rmtree(drawn)


def _editions(site: Path) -> Iterator[tuple[str, str, tuple[str, ...], bool]]:
    yield MANUAL_PDF, "IMAP manual", (PRINT_PAGE,), False
    yield CARDS_PDF, "IMAP principle cards", (CARDS_PAGE,), True
    for page in forms(site):
        form_id = page.split("/")[2]
        yield f"{FORMS}/{form_id}.pdf", f"IMAP manual, {form_id}", (page,), False
