"""The content of a built page as an edition takes it: the page's sanitised content HTML, without what only a screen
needs, with each drawing extracted to an SVG file that carries the figure styles in print colours and fits a page,
and with links pointed inside the edition (imap.publishing.editions makes the files from it)."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Final
from urllib.parse import unquote

_ARTICLE: Final = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.DOTALL)
_SVG: Final = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
_LABEL: Final = re.compile(r'aria-label="([^"]*)"')
_SIZE: Final = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')
# The figure styles an extracted drawing carries (the site's figure colours for print).
FIGURE_STYLES: Final = Path(__file__).with_name("figures.css")
# The tallest a drawing may be for its width, so that it and its caption fit on a page (US Letter, the shorter page
# for its width: about 600 pt of height for 499 pt of text width).
MAX_HEIGHT_TO_WIDTH: Final = 1.2
# What the site shows for the screen and an edition leaves out: heading permalinks, Copy link buttons, the print
# edition's own banner and table of contents (an edition makes its own outline), the print edition's cover, and the
# hint that a drawing scrolls sideways on a narrow screen.
_SCREEN_ONLY: Final = (
    re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL),
    re.compile(r"<button\b.*?</button>", re.DOTALL),
    re.compile(r'<div[^>]* id="print-site-banner"[^>]*>.*?</div>', re.DOTALL),
    re.compile(r'<section class="print-page">\s*<div id="print-page-toc".*?</section>', re.DOTALL),
    re.compile(r'<div class="imap-print-cover">.*?</div>\s*</div>', re.DOTALL),
    re.compile(r'\s?<span class="imap-scroll-hint"[^>]*>[^<]*</span>'),
)
# A link to another page of the site (a relative address) leads nowhere in a file read on its own: its words stay.
_RELATIVE_LINK: Final = re.compile(r'<a href="(?!https?:|mailto:|#)[^"]*"[^>]*>(.*?)</a>', re.DOTALL)
_SECTION_HEADING: Final = re.compile(r'<section class="print-page" id="([^"]+)"[^>]*>\s*<h1[^>]* id="([^"]+)"')
_HREF_ANCHOR: Final = re.compile(r'href="#([^"]+)"')
# An admonition's title (Material's markup): set in bold, as the first line of its frame (keep_together.lua).
_ADMONITION_TITLE: Final = re.compile(r'<p class="admonition-title">(.*?)</p>', re.DOTALL)
# The heading of a part of the print edition (Principles, Overview...) has no id: it gets one of its own, so that
# pandoc does not make one from its words that a page of the part already has (an EPUB must not repeat an id).
_BARE_PART_HEADING: Final = re.compile(r"<h1>")


# A picture of the page (the build's own drawings are inline SVG and are extracted below, not matched here).
_IMAGE: Final = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')


class EditionError(Exception):
    """An edition could not be made (a page missing from the site, pandoc or Typst refusing the content)."""


def article(site: Path, page: str) -> str:
    """The content HTML of one built page (sanitised by the build)."""
    path = site / page
    if not path.is_file():
        raise EditionError(f"{page}: not in the built site (run make build first)")
    found = _ARTICLE.search(path.read_text(encoding="utf-8"))
    if found is None:
        raise EditionError(f"{page}: no page content found")
    return found.group(1)


def pictures(site: Path, page: str) -> Callable[[str], Path]:
    """The file of the built site that an image address on `page` names (an edition copies it in). Only a file inside
    the site is read: an address that leads outside it (an absolute path, `..` past the site's root, another site)
    is refused, so that no edition ever carries a file of the machine that builds it."""
    root = site.resolve()
    base = (root / page).parent

    def resolve(address: str) -> Path:
        path = unquote(address.split("#", 1)[0].split("?", 1)[0])
        try:  # a null byte, an over-long name or a loop of links is no file of the site either
            target = (base / path).resolve() if path and "\\" not in path and not path.startswith("/") else None
            found = target is not None and target.is_relative_to(root) and target.is_file() and ":" not in path
        except (OSError, ValueError, RuntimeError):
            found = False
        if not found or target is None:
            raise EditionError(f"{page}: the image {address[:80]!r} is not a file of the built site")
        return target

    return resolve


def prepared(content: str, figures: Path, prefix: str, picture: Callable[[str], Path] | None = None) -> str:
    """Content HTML as an edition takes it: screen-only parts left out, each drawing written to `figures` as an SVG
    file and shown as an image with the drawing's own label as its text, each picture copied into `figures` from the
    built site (`picture` finds its file; see `pictures`), links to a page of the print edition pointed at that
    page's heading (an edition has no element for the page itself), and links to pages outside the edition left as
    their words."""
    for pattern in _SCREEN_ONLY:
        content = pattern.sub("", content)
    copied = iter(range(1, 1 << 30))

    def copy(match: re.Match[str]) -> str:
        if picture is None:
            raise EditionError(f"an image {match.group(2)[:80]!r} where the edition takes none")
        source = picture(html.unescape(match.group(2)))
        name = f"{prefix}-picture-{next(copied)}{source.suffix.lower()}"
        shutil.copyfile(source, figures / name)
        return f"{match.group(1)}{name}{match.group(3)}"

    content = _IMAGE.sub(copy, content)
    content = _RELATIVE_LINK.sub(r"\1", content)
    content = _ADMONITION_TITLE.sub(r"<p><strong>\1</strong></p>", content)
    targets = dict(_SECTION_HEADING.findall(content))
    content = _HREF_ANCHOR.sub(lambda m: f'href="#{targets.get(m.group(1), m.group(1))}"', content)
    parts = iter(range(1, 1 << 30))
    content = _BARE_PART_HEADING.sub(lambda _: f'<h1 id="{prefix}-part-{next(parts)}">', content)
    count = 0

    def drawing(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        svg = match.group(0)
        opening = svg[: svg.find(">") + 1]
        if "xmlns=" not in opening:
            svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
            opening = svg[: svg.find(">") + 1]
        # The figure styles in print colours, inside the drawing (which leaves the page's stylesheet behind).
        svg = opening + f"<style>{FIGURE_STYLES.read_text(encoding='utf-8')}</style>" + svg[len(opening) :]
        name = f"{prefix}-{count}.svg"
        (figures / name).write_text(svg, encoding="utf-8")
        label = _LABEL.search(opening)
        text = label.group(1) if label else "A figure of the manual"
        return f'<img src="{name}" alt="{text}"{_fitted(opening)}>'

    return _SVG.sub(drawing, content)


def _fitted(opening: str) -> str:
    """The width attribute that makes a drawing of the manual (a map, a decision guide) fit the text's width and a
    page's height, with its caption, on A4 and on US Letter; nothing for a small inline drawing (a bar)."""
    size = _SIZE.search(opening)
    if "imap-map" not in opening or size is None:
        return ""
    width, height = float(size.group(1)), float(size.group(2))
    share = min(1.0, MAX_HEIGHT_TO_WIDTH * width / height) if width > 0 and height > 0 else 1.0
    return f' width="{share * 100:.0f}%"'
