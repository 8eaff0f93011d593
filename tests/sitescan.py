"""A scan of a whole built site for markup outside what the sanitiser allows (imap/model/sanitize.py): every HTML page,
the print edition and the search index. The theme's own markup (navigation, header, search form, its scripts)
lies outside each page's content and is held to the rules that matter for script: no event-handler attributes, no
URL schemes outside the allowlist, and no inline script but the theme's own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from imap.model import sanitize

# The theme's inline scripts start like this (Material's head and body scripts; the /id/ redirect pages).
THEME_SCRIPTS = (
    "__md_scope=new URL(",
    'var el=document.querySelector("[data-md-component=outdated]")',
    'var palette=__md_get("__palette")',
    "var target=document.getElementById(location.hash.slice(1))",
    "\nvar target = ",
    # mkdocs-print-site-plugin's, on the print edition
    "document.addEventListener('DOMContentLoaded', function () {\n            remove_material_navigation();",
)
# The one script URL the theme writes: the search box's share button.
THEME_URLS = frozenset({"javascript:void(0)"})
# What the print edition (mkdocs-print-site-plugin) puts around the pages' sanitised content: a section per page,
# its table of contents, and the style sheet numbering the headings.
PRINT_PAGE = "print_page/index.html"
PRINT_ELEMENTS = frozenset({"section", "nav", "style"})
PRINT_ATTRIBUTES = frozenset({"id", "class", "heading-number", "data-toc-depth"})
PRINT_STYLE = ".print-site-enumerate-headings"
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "cite", "srcset"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


@dataclass(frozen=True)
class Finding:
    path: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


class _Scanner(HTMLParser):
    def __init__(self, path: str, content_only: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.depth = 1 if content_only else 0  # > 0: inside a page's content (<article>)
        self.stack: list[str] = []
        self.script: list[str] | None = None
        self.style: list[str] | None = None
        self.findings: list[Finding] = []

    def note(self, what: str) -> None:
        self.findings.append(Finding(self.path, what))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        inside = self.depth > 0
        for name, value in values.items():
            if name.startswith("on"):
                self.note(f"<{tag} {name}=...> (an event handler)")
            if name in URL_ATTRIBUTES:
                scheme = sanitize.url_scheme(value)
                if scheme is not None and scheme not in sanitize.URL_SCHEMES and (inside or value not in THEME_URLS):
                    self.note(f"<{tag} {name}={value!r}> (URL scheme {scheme})")
        printed = self.path == PRINT_PAGE
        if inside:
            if tag not in sanitize.ALLOWED_TAGS and not (printed and tag in PRINT_ELEMENTS):
                self.note(f"<{tag}> in page content")
            if tag == "style":
                self.style = []
            for name, value in values.items():
                if name.startswith("on") or name in URL_ATTRIBUTES:
                    continue  # reported above
                if printed and name in PRINT_ATTRIBUTES and (tag in PRINT_ELEMENTS or tag == "div"):
                    continue
                if not sanitize.admitted(tag, name, " ".join(value.split())):
                    self.note(f"<{tag} {name}={value[:40]!r}> in page content")
        if tag == "article":
            self.depth += 1
        if tag == "script" and not inside:
            if "src" in values:
                if sanitize.url_scheme(values["src"]) is not None:
                    self.note(f"<script src={values['src']!r}> from another site")
            elif values.get("type") != "application/json":
                self.script = []
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth > 0:
            self.depth -= 1
        if tag == "script" and self.script is not None:
            text = "".join(self.script)
            if not text.strip().startswith(tuple(s.strip() for s in THEME_SCRIPTS)):
                self.note(f"an inline script that is not the theme's: {text.strip()[:60]!r}")
            self.script = None
        if tag == "style" and self.style is not None:
            if not "".join(self.style).strip().startswith(PRINT_STYLE):
                self.note("a style sheet in page content that is not the print edition's")
            self.style = None

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script.append(data)
        if self.style is not None:
            self.style.append(data)


def scan_html(path: str, text: str, content_only: bool = False) -> list[Finding]:
    scanner = _Scanner(path, content_only)
    scanner.feed(text)
    scanner.close()
    return scanner.findings


def scan_site(site: Path) -> Iterator[Finding]:
    for page in sorted(site.rglob("*.html")):
        yield from scan_html(page.relative_to(site).as_posix(), page.read_text(encoding="utf-8"))
    index = site / "search" / "search_index.json"
    if index.exists():
        for number, document in enumerate(json.loads(index.read_text(encoding="utf-8")).get("docs", [])):
            for field in ("title", "text"):
                where = f"search/search_index.json: document {number} ({document.get('location', '')}) {field}"
                yield from scan_html(where, str(document.get(field, "")), content_only=True)
