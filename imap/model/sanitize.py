"""The one allowlist sanitiser between what contributors write and the HTML a reader gets.

Every page's content HTML passes `clean` once Markdown and its extensions (attribute lists, HTML in Markdown,
footnotes, abbreviations) have produced it, so whatever markup an author used, only the elements, attributes and
URL schemes listed here reach a reader. The work is done by nh3, the Python binding of ammonia (an html5ever-based
allowlist sanitiser); this module only holds the policy, in one place, and `removed`, which tells an author what
the sanitiser would take out of a text (the `html.unsafe` diagnostic of `make check`).

The allowlist is what the manual uses (measured over every page of the built site: admonitions, details,
footnotes, abbreviations, tables, definition lists, code blocks, the inline SVG maps and coverage bars, figures,
the copy-link controls), plus the ordinary elements of Markdown that an author may reasonably write (images,
subscripts, keyboard keys). Not allowed, whatever the source: scripts, styles, frames, forms and inputs, event
handlers, `style` except the exact text alignments that Markdown tables write, `data-*` attributes (the theme
binds behaviour to some), SVG animation and `use`, and any URL scheme but http, https and mailto (relative
addresses stay). IDs beginning with two underscores are the theme's own (`__config` holds its settings), so an
element of the content may not take one.

tests/test_sanitize.py holds the policy to this: the real manual's pages come out unchanged, every class of
hostile markup is removed, and a scan of the whole built site finds nothing outside the allowlist.
"""

from __future__ import annotations

import bisect
import html
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Final

import nh3

from imap.model.text_bounds import Unsafe, diagrams, open_around, too_complex, unclosed

TEXT_ELEMENTS: Final = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
        "var",
    }
)
# The SVG the build draws (maps, coverage bars): shapes, text and links, no scripts, animation, `use` or styles.
SVG_ELEMENTS: Final = frozenset(
    {"svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "title", "desc"}
)

ALLOWED_TAGS: Final = TEXT_ELEMENTS | SVG_ELEMENTS

# Attributes every allowed element may carry.
# data-search-exclude: a section the theme's search leaves out (a generated section; see imap.rendering.blocks).
GLOBAL_ATTRIBUTES: Final = frozenset(
    {"id", "class", "title", "lang", "role", "aria-label", "aria-hidden", "data-search-exclude"}
)

ALLOWED_ATTRIBUTES: Final[Mapping[str, frozenset[str]]] = {
    "*": GLOBAL_ATTRIBUTES,
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "details": frozenset({"open"}),
    "ol": frozenset({"start"}),
    "li": frozenset({"value"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "svg": frozenset({"viewBox", "width", "height", "xmlns", "focusable", "preserveAspectRatio"}),
    "g": frozenset({"transform"}),
    "path": frozenset({"d", "transform"}),
    "rect": frozenset({"x", "y", "width", "height", "rx", "ry", "transform"}),
    "circle": frozenset({"cx", "cy", "r", "transform"}),
    "ellipse": frozenset({"cx", "cy", "rx", "ry", "transform"}),
    "line": frozenset({"x1", "y1", "x2", "y2", "transform"}),
    "polyline": frozenset({"points", "transform"}),
    "polygon": frozenset({"points", "transform"}),
    "text": frozenset({"x", "y", "dx", "dy", "text-anchor", "transform"}),
    "tspan": frozenset({"x", "y", "dx", "dy"}),
}

# `style` only as Markdown's tables write it (column alignment), value for value.
_ALIGN: Final = frozenset({"text-align: left;", "text-align: right;", "text-align: center;"})
ALLOWED_ATTRIBUTE_VALUES: Final[Mapping[str, Mapping[str, frozenset[str]]]] = {
    "td": {"style": _ALIGN},
    "th": {"style": _ALIGN},
}

URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
# Removed with everything inside them (other disallowed elements lose only their tags, keeping their text).
REMOVED_WITH_CONTENT: Final = frozenset({"script", "style"})
_URL_ATTRIBUTES: Final = frozenset({"href", "src", "xlink:href", "action", "formaction", "data", "poster", "cite"})
_RESERVED_ID: Final = "__"


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and value.startswith(_RESERVED_ID):
        return None
    if element == "img" and attribute == "src" and not _own(value):
        return None  # images come from the site itself: no request to another site when a page is read
    return value


def _own(url: str) -> bool:
    """Whether an address stays on the site and within this version of it: no scheme, not protocol-relative
    (`//host/...`, which browsers also read in `\\host`), and not from the server's root (`/x.png` leaves the
    version's folder, and in an edition names a file of the machine that builds it)."""
    bare = re.sub(r"[\x00-\x20]", "", url)
    return url_scheme(bare) is None and not bare.replace("\\", "/").startswith("/")


def url_scheme(url: str) -> str | None:
    """The scheme of an address as a browser reads it (spaces and control characters are ignored), or None."""
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", re.sub(r"[\x00-\x20]", "", url))
    return match.group(1).lower() if match else None


def clean(content: str) -> str:
    """The content HTML with everything outside the allowlist removed."""
    return nh3.clean(
        content,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        tag_attribute_values={
            tag: {k: set(v) for k, v in values.items()} for tag, values in ALLOWED_ATTRIBUTE_VALUES.items()
        },
        attribute_filter=_attribute_filter,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


@dataclass(frozen=True)
class Removal:
    """Something the sanitiser takes out: an element, or an attribute of an element."""

    element: str
    attribute: str = ""
    value: str = ""

    def describe(self) -> str:
        if not self.attribute:
            return f"the element <{self.element}>"
        if self.value:
            shown = self.value if len(self.value) <= 40 else self.value[:40] + "…"
            return f"the {self.attribute}= attribute of <{self.element}> ({shown!r})"
        return f"the {self.attribute}= attribute of <{self.element}>"

    @property
    def needles(self) -> tuple[str, ...]:
        """What to look for in the source to find where it was written (lower case), most telling first."""
        if not self.attribute:
            return (f"<{self.element}",)
        value = self.value.lower()
        if self.attribute not in _URL_ATTRIBUTES:
            return (self.attribute.lower(), value) if len(value) >= 4 else (self.attribute.lower(),)
        found = [value] if len(value) >= 4 else []
        scheme = re.match(r"\s*([a-z][a-z0-9+.\-]*):", value)
        if scheme:
            found.append(scheme.group(1))
        found.append(self.attribute.lower())
        return tuple(found)


class _Tags(HTMLParser):
    """Start tags with their attributes, as a browser would read them (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[tuple[str, str], ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple((name.lower(), value or "") for name, value in attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _inventory(content: str) -> tuple[Counter[str], Counter[tuple[str, str, str]]]:
    parser = _Tags()
    parser.feed(content)
    parser.close()
    elements: Counter[str] = Counter()
    attributes: Counter[tuple[str, str, str]] = Counter()
    for tag, attrs in parser.tags:
        elements[tag] += 1
        for name, value in attrs:
            attributes[(tag, name, _normal(value))] += 1
    return elements, attributes


def _normal(value: str) -> str:
    return " ".join(html.unescape(value).split())


def removed(content: str) -> list[Removal]:
    """What `clean` takes out of this HTML: elements and attributes present before and missing after (comments, and
    the form in which the HTML is written, do not count). Markup the allowlist admits is lost only when something
    else swallowed it (an unclosed <iframe> turns the rest of the page into its text), so it is named only when
    nothing else is."""
    before_elements, before_attributes = _inventory(content)
    after_elements, after_attributes = _inventory(clean(content))
    lost_elements = before_elements - after_elements
    lost_attributes = before_attributes - after_attributes
    causes: list[Removal] = []
    collateral: list[Removal] = []
    for element in lost_elements:
        (collateral if element in ALLOWED_TAGS else causes).append(Removal(element))
    for element, attribute, value in lost_attributes:
        if element not in ALLOWED_TAGS:
            continue  # the element itself goes; its attributes are not news
        allowed = admitted(element, attribute, value)
        (collateral if allowed else causes).append(Removal(element, attribute, value))
    return causes or collateral


def admitted(element: str, attribute: str, value: str) -> bool:
    """Whether the allowlist admits this attribute and value on this element (attribute names in lower case)."""
    names = {name.lower() for name in ALLOWED_ATTRIBUTES.get(element, ())} | GLOBAL_ATTRIBUTES
    values = ALLOWED_ATTRIBUTE_VALUES.get(element, {}).get(attribute)
    if values is not None:
        return value in {" ".join(v.split()) for v in values}
    if attribute not in names:
        return False
    if attribute == "id" and value.startswith(_RESERVED_ID):
        return False
    if attribute in _URL_ATTRIBUTES:
        scheme = url_scheme(value)
        if element == "img" and attribute == "src":
            return _own(value)
        return scheme is None or scheme in URL_SCHEMES
    return True


# The Markdown extensions of the site (mkdocs.yml, `markdown_extensions`; a test holds the two lists equal), so
# that `make check` sees the HTML the site would make of a text.
MARKDOWN_EXTENSIONS: Final = (
    "toc",
    "abbr",
    "def_list",
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "footnotes",
    "pymdownx.details",
    "pymdownx.superfences",
)


def markdown_html(text: str) -> str:
    """The HTML that the site's Markdown makes of a text (before sanitising)."""
    import markdown
    from pymdownx.superfences import fence_code_format

    converter = markdown.Markdown(
        extensions=list(MARKDOWN_EXTENSIONS),
        extension_configs={
            "toc": {"permalink": True},
            "pymdownx.superfences": {
                "custom_fences": [{"name": "mermaid", "class": "mermaid", "format": fence_code_format}]
            },
        },
    )
    return str(converter.convert(text))


# Markdown makes only allowed markup of a text that has none of these: raw HTML or an autolink (<), an attribute list
# ({), an entity (&), link, image, reference or footnote syntax (](, ]:, ][ or ] [ as Python-Markdown reads them, ![),
# or a run of underscores (a heading's ID could start with the reserved "__"). Such a text needs no rendering to know
# that the sanitiser removes nothing from it; a property test holds this shortcut to the full check. A text with a run
# of three asterisks, or many asterisks, is rendered all the same: emphasis nested that deep makes Python-Markdown
# recurse past the stack, which the full check reports (text.too-complex) instead of letting the build fail.
_MAY_BE_REMOVED: Final = re.compile(r"[<{&]|\]\(|\]:|\]\s?\[|!\[|__|\*\*\*")
_MANY_ASTERISKS: Final = 200


def may_be_removed(text: str) -> bool:
    """Whether the page made of this text needs rendering to know what the sanitiser would remove from it (False:
    certainly nothing, and nothing that makes Markdown fail)."""
    return _MAY_BE_REMOVED.search(text) is not None or text.count("*") > _MANY_ASTERISKS


_AFTER: Final = "imap-what-follows-the-text"
_RENDER_ANYWAY: Final = re.compile(r"```|~~~|mermaid", re.IGNORECASE)  # a fence, or a diagram, to check as rendered


def unsafe_markup(text: str) -> list[Unsafe]:
    """What the sanitiser would remove from the page made of this Markdown text, each with the line where it was most
    likely written (where its element, scheme or attribute name first stands outside code; else the first line)."""
    from imap.model import markup

    if not text.strip():
        return []
    bound = too_complex(text)
    if bound is not None:
        return [bound]
    if not may_be_removed(text) and not _RENDER_ANYWAY.search(text):
        return []
    try:  # the text and a paragraph after it, as the build puts its own sections after an item's text; a code block
        # the text leaves open would run on to the next fence the build writes
        content = markdown_html(f"{text}\n\n{_AFTER}\n\n```text\n{_AFTER}\n```\n")  # and a fence, as "Cite this" has
        found = removed(content)
    except RecursionError:  # a structure deeper than the bounds foresee: refused, never a traceback
        return [Unsafe("a structure nested too deeply for Markdown to read", 0, "text.too-complex")]
    lowered = text.lower()
    code = markup.code_mask(text)
    starts = markup.line_starts(text)
    result: list[Unsafe] = diagrams(content, text, starts)
    around = open_around(clean(content), _AFTER)
    if not found and around != ["p"]:  # a block or element left open swallows what follows the text
        result.append(unclosed(text, lowered, code, starts, around or []))
    for removal in found:
        line = 0
        for needle in removal.needles:
            at = _first_outside(lowered, needle, code)
            if at >= 0:
                line = bisect.bisect_right(starts, at) - 1
                break
        result.append(Unsafe(removal.describe(), line))
    return sorted(result, key=lambda u: (u.line, u.what))


def _first_outside(text: str, needle: str, code: bytearray) -> int:
    """The first offset of `needle` in `text` that is not inside code, or -1."""
    at = text.find(needle)
    while at >= 0 and code[at]:
        at = text.find(needle, at + 1)
    return at
