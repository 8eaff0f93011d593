"""What a page hands the theme: its front matter and title escaped as HTML text wherever the theme prints them, and
its content sanitised (imap.model.sanitize)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Final

from imap.model.sanitize import clean

_CLASS: Final = re.compile(r'\sclass="([^"]*)"')


def has_diagram(content: str) -> bool:
    """Whether sanitised content HTML holds an element the diagram script draws (class `mermaid`, however the
    Markdown asked for it): such a page must load the project's own copy of the script, or the theme would fetch
    one from another site."""
    return any("mermaid" in match.group(1).split() for match in _CLASS.finditer(content))


def page(meta: Mapping[str, object], title: object, homepage: bool, content: str) -> tuple[dict[str, object], str]:
    """What a page hands the theme: its front matter escaped (escape_metadata), its title carried in `title`
    (`title`: the title in the navigation, else the front matter's, else the first heading's, already HTML text) so
    that the theme prints it in <title> as it is (its other branch, `page.title | striptags`, would undo the
    escaping), `imap_diagrams` when the content draws a diagram however it was written (the page then loads the
    vendored diagram script, and the theme never fetches one from a CDN), and its content sanitised."""
    escaped = escape_metadata(meta)
    if "title" not in meta and isinstance(title, str) and not homepage:
        escaped["title"] = title
    cleaned = clean(content)
    escaped["imap_diagrams"] = has_diagram(cleaned)
    return escaped, cleaned


def escape_text(text: str) -> str:
    """Plain text (a title, a version, a front matter value) as HTML text, safe in element content and in
    double-quoted attributes (the theme writes no other kind). An apostrophe stays as it is: the theme escapes a
    title again where it writes it into an attribute (`aria-label="... {{ title | e }}"`), and `&#x27;` would then
    reach screen readers as written."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def escape_metadata(meta: Mapping[str, object]) -> dict[str, object]:
    """A page's front matter with every string in it escaped as HTML text, however deep, so that a theme template
    that prints a value unescaped (Material prints `page.meta.title`, `description`, `subtitle`, `status` as they
    are) prints text. Booleans and numbers are kept; lists and mappings stay lists and mappings (the theme asks
    `"toc" in page.meta.hide`), their strings escaped quotes and all, so that even a list printed whole (as Python
    writes it, `['a', 'b']`) carries no quote of its own into an attribute; a value of any other type (bytes, a set,
    a date) becomes its text, escaped. (imap.checking.site_pages refuses most of these in `make check`; this is the
    last line.)"""
    return {str(key): _escaped(value, 0, top=True) for key, value in meta.items()}


_DEPTH: Final = 50  # front matter is parsed with a nesting bound far below this


def _escaped(value: object, depth: int, top: bool = False) -> object:
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, str):
        return escape_text(value) if top else html.escape(value, quote=True)
    if depth <= _DEPTH and isinstance(value, Mapping):
        return {html.escape(str(key), quote=True): _escaped(item, depth + 1) for key, item in value.items()}
    if depth <= _DEPTH and isinstance(value, list | tuple):
        return [_escaped(item, depth + 1) for item in value]
    return html.escape(str(value), quote=True)
