"""Markdown the pages are written in: text escaped for Markdown, relative links between pages and to items,
citations and cross-references, and captioned tables."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Final

from imap.model.items import Item
from imap.model.paths import relpath
from imap.rendering.site import SiteData

BIBLIOGRAPHY_PAGE: Final = "bibliography.md"


CONTENT_MODEL_PAGE: Final = "authoring/content-model.md"


CHANGES_PAGE: Final = "reference/changes.md"


# The characters Python-Markdown would read as markup, each escaped with a backslash it removes again (its escapable
# characters). Others are written as entities: <, > and & (HTML), and | (a table cell's edge, where a backslash would
# stay visible outside tables). Characters it does not treat as markup (=, ~, ^) are left alone: an escape would show.
_MD_SPECIAL: Final = re.compile(r"([\\`*_\[\]{}!#+])")


_TAG: Final = re.compile(r"(<[^>]*>)")


_URL: Final = re.compile(r"https?://[^\s<>\"]+")


def md(text: str) -> str:
    """Escape text so that Markdown and HTML show it literally."""
    return (
        _MD_SPECIAL.sub(r"\\\1", html.unescape(text))
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "&#124;")
        .replace("\n", " ")
    )


def _md_html(fragment: str) -> str:
    """Escape the text parts of trusted, already HTML-escaped markup (citeproc output) for Markdown."""
    parts = _TAG.split(fragment)
    return "".join(
        part if index % 2 else re.sub(r"([\\`*_\[\]{}|!#~^=+])", r"\\\1", part) for index, part in enumerate(parts)
    )


def rel(from_path: str, to_path: str, anchor: str = "") -> str:
    """A relative link from one docs page to another (both normalised paths relative to the docs directory)."""
    target = relpath(to_path, from_path.rpartition("/")[0])
    return f"{target}#{anchor}" if anchor else target


def ref_anchor(key: str) -> str:
    return "ref-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def item_link(item: Item, from_path: str, anchor: str = "") -> str:
    return f"[{md(item.label)}]({rel(from_path, item.path, anchor)})"


def id_link(item: Item, from_path: str) -> str:
    return f"[{item.id}]({rel(from_path, item.path)} {_title_attr(item.title)})"


def _title_attr(text: str) -> str:
    return '"' + md(text).replace('"', "&quot;") + '"'


def cite(site: SiteData, keys: Sequence[str], from_path: str) -> str:
    """An APA parenthetical citation, each part linked to its bibliography entry; retracted works say so."""
    if not keys:
        raise ValueError("a citation names at least one key")
    parts: list[str] = []
    for key in keys:
        if key not in site.formatted:
            raise KeyError(f"unknown citation key '{key}'")
        link = f"[{md(site.formatted[key].label)}]({rel(from_path, BIBLIOGRAPHY_PAGE, ref_anchor(key))})"
        if site.manual.references[key].retracted:
            link += ", **retracted**"
        parts.append(link)
    return "(" + "; ".join(parts) + ")"


def xref(site: SiteData, target: str, from_path: str) -> str:
    manual = site.manual
    if target in manual.by_id:
        return item_link(manual.by_id[target], from_path)
    hypothesis = manual.hypotheses[target]
    return f"[{hypothesis.id}]({rel(from_path, manual.by_id[hypothesis.principle].path, hypothesis.id.lower())})"


def page_url(path: str, directory_urls: bool = True) -> str:
    """The address of the page built from a docs path: manual/principles/P03.md -> manual/principles/P03/ with
    directory URLs (the site), manual/principles/P03.html without (the offline edition)."""
    stem = path.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def page_folder(path: str, directory_urls: bool = True) -> str:
    """The folder the relative links of the page built from a docs path resolve against."""
    return page_url(path) if directory_urls else path.rpartition("/")[0]


def url_from(from_path: str, to_path: str, directory_urls: bool = True) -> str:
    """A relative URL from the page built from one docs path to the page built from another."""
    if not directory_urls:
        return relpath(page_url(to_path, False), page_folder(from_path, False))
    source, target = page_url(from_path), page_url(to_path)
    relative = relpath(target, source)
    return relative.rstrip("/") + "/" if relative != "." else "./"


def diagram_link(site: SiteData, node: str, target: str, from_path: str, line: str) -> str:
    """A Mermaid `click <node> <ID>` line made into a link to the item's page, with its title as the tooltip."""
    item = site.manual.by_id[target]
    indent = line[: len(line) - len(line.lstrip())]
    title = f"{item.id}: {item.title}".replace('"', "'")
    return f'{indent}click {node} href "{url_from(from_path, item.path, site.directory_urls)}" "{title}"'


def _bullets(lines: Iterable[str], empty: str) -> str:
    rows = [f"- {line}" for line in lines]
    return "\n".join(rows) if rows else f"*{empty}*"


def table_caption(text: str) -> str:
    """A visible caption for the table that follows (Markdown tables cannot carry a <caption>)."""
    return f'<p class="imap-caption">{html.escape(text)}</p>\n'


def captioned_table(caption: str, header: str, align: str, rows: Sequence[str], empty: str) -> str:
    """A generated table: its caption, header and alignment rows, then its rows; or, with no rows, what is missing."""
    if not rows:
        return f"*{empty}*"
    return "\n".join([table_caption(caption), header, align, *rows])
