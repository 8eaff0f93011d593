"""What a text may not hold: markup the sanitiser would remove (Unsafe, reported at its line) and the bounds past
which Markdown cannot be trusted to read a text in good time (too_complex), checked before anything renders it."""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Final

from imap.model import markup

UNSAFE_HINT: Final = (
    "docs/authoring/markup.md lists the markup a page may hold; to show markup as text, put it in `code`"
)


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
        if self.code == "diagram.unsafe":
            return f"{subject} holds {self.what}, which the diagram library would put into the page past the sanitiser"
        if self.code == "markdown.unclosed":
            return (
                f"{subject} opens {self.what} and never closes it, so the rest of the text, and everything the build "
                "adds after it, would be shown as code or lost"
            )
        return f"{subject} holds {self.what}, which the sanitiser removes from what readers get"

    @property
    def hint(self) -> str:
        if self.code == "text.too-complex":
            return "split the text, or put such runs in `code`; docs/authoring/markup.md gives the bounds"
        if self.code == "diagram.unsafe":
            return "a diagram holds nodes, edges, labels in plain words and `click <node> <ID>` links to items"
        if self.code == "markdown.unclosed":
            return "close it: a code block with a line of its fence, an element with its end tag, a comment with -->"
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


# A Mermaid diagram reaches the page as text that the diagram library turns into markup in the reader's browser,
# after the sanitiser: so what it may hold is checked in its text, as the rendered page holds it (a ```mermaid fence,
# a fence with the class mermaid, one in a quote or a list, or an element of class mermaid written as HTML). No
# directive or front matter (which set the library's own options, its styles among them), no styles of its own, no
# HTML in labels but a line break, no entity codes (which the library turns into markup), no addresses or url() (a
# request to another site when the page is read), no node data (which can name images), and no click but the
# project's link to an item.
DIAGRAM: Final = "diagram.unsafe"
_DIAGRAM_TAG: Final = re.compile(r"<(?!br\s*/?>)[A-Za-z!/?]", re.IGNORECASE)
_DIAGRAM_CLICK: Final = re.compile(r"\s*click\b", re.IGNORECASE)
_DIAGRAM_STYLE: Final = re.compile(r"\s*(?:style|classDef|linkStyle)\b", re.IGNORECASE)
_DIAGRAM_ENTITY: Final = re.compile(r"#[A-Za-z0-9]+;")
DIAGRAM_BLOCK: Final = re.compile(
    r'<(pre|div)\b[^>]*\bclass="[^"]*\bmermaid\b[^"]*"[^>]*>(.*?)</\1>', re.DOTALL | re.IGNORECASE
)


def diagram_line_problems(line: str) -> list[str]:
    """What one line of a Mermaid diagram holds that it may not."""
    lowered = line.lower()
    found: list[str] = []
    if "%%{" in line or line.strip() == "---" or lowered.strip().startswith(("config:", "init:")):
        found.append("a Mermaid directive or front matter (the diagram library's own settings)")
    if _DIAGRAM_STYLE.match(line):
        found.append("a style of its own in a Mermaid diagram")
    if _DIAGRAM_TAG.search(line):
        found.append("HTML in a Mermaid diagram")
    if _DIAGRAM_ENTITY.search(line):
        found.append("an entity code in a Mermaid diagram")
    if "url(" in lowered or "://" in line or "javascript:" in lowered:
        found.append("an address in a Mermaid diagram")
    if "@{" in line:
        found.append("node data (@{...}) in a Mermaid diagram")
    if _DIAGRAM_CLICK.match(line) and not markup.diagram_link(line):
        found.append("a Mermaid click other than `click <node> <ID>`")
    return found


_VOID: Final = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)


class _OpenAt(HTMLParser):
    """The elements open where a given text stands in an HTML page (None: the text is not there)."""

    def __init__(self, marker: str) -> None:
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.stack: list[str] = []
        self.open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self.open is None and self.marker in data:
            self.open = list(self.stack)


def open_around(page: str, marker: str) -> list[str] | None:
    """The elements that enclose `marker` in the page (["p"] for a paragraph at the top), or None if it is absent."""
    reader = _OpenAt(marker)
    reader.feed(page)
    reader.close()
    return reader.open


_TAGS: Final = re.compile(r"<[^>]*>")


def diagrams(content: str, text: str, starts: list[int]) -> list[Unsafe]:
    """What each Mermaid diagram of the rendered text holds that it may not, at the line where the source has it."""
    found: list[Unsafe] = []
    seen: set[tuple[str, int]] = set()
    for block in DIAGRAM_BLOCK.finditer(content):
        for line in html.unescape(_TAGS.sub("", block.group(2))).split("\n"):
            for what in diagram_line_problems(line):
                at = text.find(line.strip()) if line.strip() else -1
                number = bisect.bisect_right(starts, max(at, 0)) - 1
                if (what, number) not in seen:
                    seen.add((what, number))
                    found.append(Unsafe(what, number, DIAGRAM))
    return found


def unclosed(text: str, lowered: str, code: bytearray, starts: list[int], around: list[str]) -> Unsafe:
    """The block or element that encloses what follows the text, at the line where it most likely opens."""
    fence = markup.unclosed_fence(text)
    if fence is not None and (not around or around[0] in ("pre", "code", "div")):
        return Unsafe(
            f"a code block with the fence {text.split(chr(10))[fence].strip()[:20]}", fence, "markdown.unclosed"
        )
    name = around[0] if around else ""
    at = lowered.rfind("<" + name) if name else lowered.rfind("<")
    while at > 0 and code[at]:
        at = lowered.rfind("<" + name, 0, at)
    return Unsafe(
        f"an HTML element <{name}>" if name else "an HTML element",
        bisect.bisect_right(starts, max(at, 0)) - 1,
        "markdown.unclosed",
    )
