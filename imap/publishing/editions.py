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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from imap.citing import pandoc

PAPERS: Final = {"a4": "a4", "letter": "us-letter"}
PRINT_PAGE: Final = "print_page/index.html"
CARDS_PAGE: Final = "training/cards/index.html"
FORMS_DIR: Final = "manual/forms"
_ARTICLE: Final = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.DOTALL)
_SVG: Final = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
_LABEL: Final = re.compile(r'aria-label="([^"]*)"')
# What the site shows for the screen and an edition leaves out: heading permalinks, Copy link buttons, the print
# edition's own banner and table of contents (an edition makes its own outline), and the print edition's cover.
_SCREEN_ONLY: Final = (
    re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL),
    re.compile(r"<button\b.*?</button>", re.DOTALL),
    re.compile(r'<div[^>]* id="print-site-banner"[^>]*>.*?</div>', re.DOTALL),
    re.compile(r'<section class="print-page">\s*<div id="print-page-toc".*?</section>', re.DOTALL),
    re.compile(r'<div class="imap-print-cover">.*?</div>\s*</div>', re.DOTALL),
)
# A link to another page of the site (a relative address) leads nowhere in a file read on its own: its words stay.
_RELATIVE_LINK: Final = re.compile(r'<a href="(?!https?:|mailto:|#)[^"]*"[^>]*>(.*?)</a>', re.DOTALL)
_SECTION_HEADING: Final = re.compile(r'<section class="print-page" id="([^"]+)"[^>]*>\s*<h1[^>]* id="([^"]+)"')
_HREF_ANCHOR: Final = re.compile(r'href="#([^"]+)"')
# Typst reads `#emph[...].word` as a field of the emphasis; pandoc writes it where a word follows an element.
_FIELD_AFTER: Final = re.compile(r"\](?=\.[A-Za-z_])")
_TYPST_LABEL: Final = re.compile(r"(?<![\w(])<([\w.:-]+)>")
_TYPST_LINK_OPEN: Final = re.compile(r"#link\(<([\w.:-]+)>\)\[")


class EditionError(Exception):
    """An edition could not be made (a page missing from the site, pandoc or Typst refusing the content)."""


@dataclass(frozen=True)
class Edition:
    name: str  # the file written
    title: str
    pages: tuple[str, ...]  # the site pages it is made from


def source_date() -> datetime.datetime:
    """The build's date: SOURCE_DATE_EPOCH (the last commit's time, as the Makefile sets it), or 1970."""
    seconds = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC)


def article(site: Path, page: str) -> str:
    """The content HTML of one built page (sanitised by the build)."""
    path = site / page
    if not path.is_file():
        raise EditionError(f"{page}: not in the built site (run make build first)")
    found = _ARTICLE.search(path.read_text(encoding="utf-8"))
    if found is None:
        raise EditionError(f"{page}: no page content found")
    return found.group(1)


def prepared(content: str, figures: Path, prefix: str) -> str:
    """Content HTML as an edition takes it: screen-only parts left out, each drawing written to `figures` as an SVG
    file and shown as an image with the drawing's own label as its text, links to a page of the print edition pointed
    at that page's heading (an edition has no element for the page itself), and links to pages outside the edition
    left as their words."""
    for pattern in _SCREEN_ONLY:
        content = pattern.sub("", content)
    content = _RELATIVE_LINK.sub(r"\1", content)
    targets = dict(_SECTION_HEADING.findall(content))
    content = _HREF_ANCHOR.sub(lambda m: f'href="#{targets.get(m.group(1), m.group(1))}"', content)
    count = 0

    def drawing(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        svg = match.group(0)
        if "xmlns=" not in svg[: svg.find(">")]:
            svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
        name = f"{prefix}-{count}.svg"
        (figures / name).write_text(svg, encoding="utf-8")
        label = _LABEL.search(svg[: svg.find(">") + 1])
        text = label.group(1) if label else "A figure of the manual"
        return f'<img src="{name}" alt="{text}">'

    return _SVG.sub(drawing, content)


def to_typst(content: str) -> str:
    """Typst markup of content HTML, by pandoc: divisions and spans flattened (Typst has no page break inside a
    block), a word after an element kept as text, and a link to a place the content does not have made plain text
    (a build must not fail on a dangling link, and a reader must not meet one)."""
    document = f"<html><head><meta charset='utf-8'><title>edition</title></head><body>{content}</body></html>"
    try:
        typst = pandoc.run(["-f", "html-native_divs-native_spans", "-t", "typst"], document.encode("utf-8"))
    except pandoc.PandocError as exc:
        raise EditionError(str(exc)) from exc
    text = _FIELD_AFTER.sub("];", typst.decode("utf-8"))
    labels = set(_TYPST_LABEL.findall(text))
    # `#link(<x>)[words]` for a label x the document lacks becomes the content block `#[words]`.
    return _TYPST_LINK_OPEN.sub(lambda m: m.group(0) if m.group(1) in labels else "#[", text)


def preamble(title: str, version: str, paper: str, cards: bool = False, contents: bool = True) -> str:
    """The Typst set-up of an edition: document metadata, the page with its running head (the manual and its version,
    and the section the page is in) and page numbers, text without hyphenation (no word is broken across lines),
    table rows never split across pages; for the cards, each card on a page of its own; for the manual, each part
    from a new page after a table of contents."""
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    level = 2 if cards else 1
    lines = [
        f'#set document(title: "{quoted}", author: "IMAP manual contributors")',
        '#set text(lang: "en", region: "GB", size: 10pt, hyphenate: false)',
        "#set par(justify: false)",
        f'#set page(paper: "{paper}", margin: (x: 2cm, y: 2.4cm), numbering: "1",',
        "  header: context {",
        f"    let on-page = query(heading.where(level: {level})).filter(h => h.location().page() == here().page())",
        f"    let before = query(selector(heading.where(level: {level})).before(here()))",
        "    let here-title = if on-page.len() > 0 { on-page.first().body } else if before.len() > 0 {",
        "      before.last().body } else { [] }",
        "    set text(size: 8pt)",
        f"    grid(columns: (1fr, auto), gutter: 1em, [IMAP manual {version}], here-title)",
        "  })",
        "#show table.cell: set block(breakable: false)",
        "#show figure: set block(breakable: false)",
        "#let horizontalrule = line(length: 100%, stroke: 0.5pt)",
        '#show link: set text(fill: rgb("#1a4fa0"))',
    ]
    if cards:
        lines.append("#show heading.where(level: 2): it => { pagebreak(weak: true); it }")
        lines.append("#set text(size: 9pt)")
    elif contents:
        lines.append("#show heading.where(level: 1): it => { pagebreak(weak: true); it }")
        lines.append('#outline(title: "Contents", depth: 2)')
    return "\n".join(lines) + "\n"


def compile_pdf(typst_source: str, folder: Path) -> bytes:
    """The PDF Typst makes of the source, with the figures in `folder`, dated by SOURCE_DATE_EPOCH, tagged."""
    import typst

    (folder / "edition.typ").write_text(typst_source, encoding="utf-8")
    try:
        made = typst.compile(str(folder / "edition.typ"), root=str(folder), timestamp=source_date())
    except RuntimeError as exc:  # typst.TypstError
        raise EditionError(f"Typst could not set the edition: {str(exc)[:600]}") from exc
    return bytes(made)


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
            "html",
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


def build(site: Path, out: Path, version: str, paper: str = "a4", renders: Path | None = None) -> list[Path]:
    """Every edition of the built site in `out`: imap-manual.pdf and .epub, imap-principle-cards.pdf, and
    forms/<ID>.pdf for each form. With `renders`, every page of the cards and of the forms is also drawn there as a
    PNG, for a reader to look at. Returns the files written. Raises EditionError."""
    size = PAPERS[paper]
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="imap-editions-") as temporary:
        work = Path(temporary)
        for name, title, pages, cards in _editions(site):
            folder = work / name.replace("/", "-")
            folder.mkdir()
            content = "\n".join(prepared(article(site, page), folder, f"fig{n}") for n, page in enumerate(pages))
            source = preamble(title, version, size, cards, contents=name == "imap-manual.pdf") + to_typst(content)
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(compile_pdf(source, folder))
            written.append(target)
            if renders is not None and name != "imap-manual.pdf":
                _render(folder, renders, name.removesuffix(".pdf").replace("/", "-"))
            if name == "imap-manual.pdf":
                epub_target = out / "imap-manual.epub"
                epub_target.write_bytes(epub(content, folder, title, version))
                written.append(epub_target)
            shutil.rmtree(folder)
    return written


def _render(folder: Path, renders: Path, stem: str) -> None:
    """PNG pictures of every page of the edition whose Typst source is in `folder` (edition.typ)."""
    import typst

    renders.mkdir(parents=True, exist_ok=True)
    pattern = str(renders / f"{stem}-{{p}}.png")
    try:
        typst.compile(str(folder / "edition.typ"), output=pattern, format="png", ppi=72.0, root=str(folder))
    except RuntimeError as exc:  # typst.TypstError
        raise EditionError(f"Typst could not draw the pages of {stem}: {str(exc)[:600]}") from exc


def _editions(site: Path) -> Iterator[tuple[str, str, tuple[str, ...], bool]]:
    yield "imap-manual.pdf", "IMAP manual", (PRINT_PAGE,), False
    yield "imap-principle-cards.pdf", "IMAP principle cards", (CARDS_PAGE,), True
    for page in forms(site):
        form_id = page.split("/")[2]
        yield f"forms/{form_id}.pdf", f"IMAP manual, {form_id}", (page,), False
