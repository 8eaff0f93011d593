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

_TEXT: Final = frozenset(
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
_SVG: Final = frozenset(
    {"svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "title", "desc"}
)

ALLOWED_TAGS: Final = _TEXT | _SVG

# Attributes every allowed element may carry.
GLOBAL_ATTRIBUTES: Final = frozenset({"id", "class", "title", "lang", "role", "aria-label", "aria-hidden"})

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
UNSAFE_HINT: Final = (
    "docs/authoring/markup.md lists the markup a page may hold; to show markup as text, put it in `code`"
)


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and value.startswith(_RESERVED_ID):
        return None
    if element == "img" and attribute == "src" and not _own(value):
        return None  # images come from the site itself: no request to another site when a page is read
    return value


def _own(url: str) -> bool:
    """Whether an address stays on the site: no scheme, and not protocol-relative (`//host/...`, which browsers
    also read in `\\host`)."""
    bare = re.sub(r"[\x00-\x20]", "", url)
    return url_scheme(bare) is None and not bare.replace("\\", "/").startswith("//")


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


@dataclass(frozen=True)
class Unsafe:
    """Markup in a text that the sanitiser would remove from the page: what, and on which line (0-based); or, with
    the code text.too-complex, a text past the bounds below, which is not rendered at all."""

    what: str
    line: int
    code: str = "html.unsafe"

    def message(self, subject: str) -> str:
        """The diagnostic's message, about `subject` ("the page", "the changelog entry")."""
        if self.code == "text.too-complex":
            return f"{subject} holds {self.what}, more than Markdown can be trusted to read in good time"
        return f"{subject} holds {self.what}, which the sanitiser removes from what readers get"

    @property
    def hint(self) -> str:
        if self.code == "text.too-complex":
            return "split the text, or put such runs in `code`; docs/authoring/markup.md gives the bounds"
        return UNSAFE_HINT


# Python-Markdown takes time that grows with the square of some inputs: `<` across a whole text (its raw-HTML pass);
# brackets whose match is far away or missing (its link pass scans from each `[` or `(` to the matching `]` or `)`,
# or to the end of the paragraph); headings (its table of contents checks each anchor against every earlier one);
# abbreviation definitions (one pass over the text per definition). A text past these bounds is refused before
# anything renders it (make check and the build alike), so that neither can be made to hang. The bracket bound is
# on that scanning work, measured in one pass: the distances from each bracket to its match, or to the end of its
# paragraph; ordinary prose and citations cost a few characters per bracket. The manual's own texts stay far below
# every bound (in version 0.2.0: at most 7 `<` in a file, and a scanning work under 7,000 characters).
MAX_ANGLE_BRACKETS: Final = 1_000
MAX_BRACKET_SCAN: Final = 1_000_000  # characters, plus 20 per character of the text
MAX_HEADINGS: Final = 500
MAX_ABBREVIATIONS: Final = 200
# Nested lists and quotes: Python-Markdown parses each level by recursion (300 levels exhaust Python's stack) and
# takes time that grows faster than the depth.
MAX_NESTING: Final = 20
# Its footnote pass takes time that grows with the square of the footnotes: references and definitions together.
MAX_FOOTNOTE_MARKS: Final = 1_000
# Its inline pass takes time that grows with the square of the inline elements in one paragraph (code spans,
# emphasis, links): a paragraph, or any block without a blank line, is bounded in length.
MAX_PARAGRAPH: Final = 20_000
_OPENING: Final = {"]": "[", ")": "("}


def bracket_scan(text: str) -> tuple[int, int]:
    """The scanning work the link pass does on a text (see above), and the line where the costliest paragraph
    starts (0-based). One pass: a stack of open brackets per paragraph."""
    total = 0
    worst = (0, 0)
    for paragraph, line in _paragraphs(text):
        cost = 0
        stacks: dict[str, list[int]] = {"[": [], "(": []}
        for at, char in enumerate(paragraph):
            if char in stacks:
                stacks[char].append(at)
            elif char in _OPENING and stacks[_OPENING[char]]:
                cost += at - stacks[_OPENING[char]].pop()
        cost += sum(len(paragraph) - at for stack in stacks.values() for at in stack)
        total += cost
        worst = max(worst, (cost, -line))
    return total, -worst[1]


def _paragraphs(text: str) -> list[tuple[str, int]]:
    """The text's paragraphs (blocks between blank lines), each with the line it starts on (0-based)."""
    found: list[tuple[str, int]] = []
    line = 0
    for paragraph in re.split(r"\n[ \t]*\n", text):
        found.append((paragraph, line))
        line += paragraph.count("\n") + 2
    return found


def _indent(row: str) -> int:
    """The width of a line's indentation, a tab counting four."""
    width = 0
    for char in row:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _quotes(row: str) -> int:
    """How many block quote markers open a line."""
    depth = 0
    for char in row:
        if char == ">":
            depth += 1
        elif char not in " \t":
            break
    return depth


def too_complex(text: str) -> Unsafe | None:
    """Whether the text is past one of the bounds, and where (linear in the text)."""
    if text.count("<") > MAX_ANGLE_BRACKETS:
        return Unsafe(f"more than {MAX_ANGLE_BRACKETS:,} '<' characters", 0, "text.too-complex")
    if text.count("[^") > MAX_FOOTNOTE_MARKS:
        return Unsafe(f"more than {MAX_FOOTNOTE_MARKS:,} footnote marks ('[^')", 0, "text.too-complex")
    longest, line = max(((len(paragraph), start) for paragraph, start in _paragraphs(text)), default=(0, 0))
    if longest > MAX_PARAGRAPH:
        return Unsafe(f"a paragraph or block of more than {MAX_PARAGRAPH:,} characters", line, "text.too-complex")
    work, line = bracket_scan(text)
    if work > MAX_BRACKET_SCAN + 20 * len(text):
        return Unsafe("brackets ('[', '(') whose match is far away or missing", line, "text.too-complex")
    from imap.model import markup

    code = markup.code_mask(text)  # lines inside fenced code are not Markdown
    headings = abbreviations = 0
    offset = 0
    for number, row in enumerate(text.split("\n")):
        start, offset = offset, offset + len(row) + 1
        stripped = row.strip()
        if not stripped or code[start + len(row) - len(row.lstrip())]:
            continue
        if stripped[0] == "#" or not stripped.strip("=") or not stripped.strip("-"):
            headings += 1
            if headings > MAX_HEADINGS:
                return Unsafe(f"more than {MAX_HEADINGS:,} headings", number, "text.too-complex")
        depth = max(_indent(row) // 4, _quotes(row))
        if depth > MAX_NESTING:
            return Unsafe(f"lists or quotes nested more than {MAX_NESTING} deep", number, "text.too-complex")
        if stripped.startswith("*["):
            abbreviations += 1
            if abbreviations > MAX_ABBREVIATIONS:
                return Unsafe(f"more than {MAX_ABBREVIATIONS:,} abbreviation definitions", number, "text.too-complex")
    return None


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


def unsafe_markup(text: str) -> list[Unsafe]:
    """What the sanitiser would remove from the page made of this Markdown text, each with the line where it was most
    likely written (where its element, scheme or attribute name first stands outside code; else the first line)."""
    from imap.model import markup

    if not text.strip():
        return []
    bound = too_complex(text)
    if bound is not None:
        return [bound]
    if not may_be_removed(text):
        return []
    try:
        found = removed(markdown_html(text))
    except RecursionError:  # a structure deeper than the bounds foresee: refused, never a traceback
        return [Unsafe("a structure nested too deeply for Markdown to read", 0, "text.too-complex")]
    if not found:
        return []
    lowered = text.lower()
    code = markup.code_mask(text)
    starts = markup.line_starts(text)
    result: list[Unsafe] = []
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


def allowlist_tables() -> str:
    """The allowlist as Markdown, for the authors' documentation (docs/authoring/markup.md): elements, the
    attributes each may carry, and the link schemes."""
    text = ", ".join(f"`{tag}`" for tag in sorted(_TEXT))
    svg = ", ".join(f"`{tag}`" for tag in sorted(_SVG))
    rows = [
        "| element | attributes it may carry besides the common ones |",
        "|---|---|",
    ]
    for tag, names in sorted(ALLOWED_ATTRIBUTES.items()):
        if tag == "*":
            continue
        shown = [f"`{name}`" for name in sorted(names)]
        shown += [
            f"`{name}` only as " + " or ".join(f"`{value}`" for value in sorted(values))
            for name, values in sorted(ALLOWED_ATTRIBUTE_VALUES.get(tag, {}).items())
        ]
        rows.append(f"| `{tag}` | {', '.join(shown)} |")
    for tag, values in sorted(ALLOWED_ATTRIBUTE_VALUES.items()):
        if tag not in ALLOWED_ATTRIBUTES:
            shown = [f"`{name}` only as " + " or ".join(f"`{v}`" for v in sorted(vs)) for name, vs in values.items()]
            rows.append(f"| `{tag}` | {', '.join(shown)} |")
    common = ", ".join(f"`{name}`" for name in sorted(GLOBAL_ATTRIBUTES))
    schemes = ", ".join(f"`{scheme}:`" for scheme in sorted(URL_SCHEMES))
    return "\n".join(
        [
            f"**Elements of text**: {text}.",
            "",
            f"**Elements of drawings (SVG)**: {svg}.",
            "",
            f"**Attributes every element may carry**: {common} (an `id` not beginning with `__`).",
            "",
            *rows,
            "",
            f"**Addresses**: a link (`href`) leads within the site or to an address beginning {schemes}; an image"
            " (`src`) comes from the site itself.",
            "",
        ]
    )
