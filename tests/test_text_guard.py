"""What a reader sees is text, not formatting debris: no LaTeX left from the bibliography, no markup escaped twice,
no backslashes left from escaping, no punctuation doubled by formatting, on any page of the built site."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Final

# Code, scripts and drawings are not prose; their place is kept by a marker, so the text around them stays apart.
_NOT_PROSE: Final = frozenset({"code", "pre", "kbd", "samp", "script", "style", "svg", "textarea"})
DEBRIS: Final = {
    "LaTeX left in the text": re.compile(r"\$\\|\{\\|\\(?:pm|alpha|beta|textit|emph|url)\b"),
    "a backslash left from escaping": re.compile(r"\\[=~^|<>*_#+!\[\]{}`]"),
    "markup escaped twice": re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);"),
    "a full stop after a question or exclamation mark": re.compile(r"[?!]\.(?=\s|$)"),
    "doubled punctuation": re.compile(r"(?<![.])\.\.(?![./])|,,|;;|\w \.(?=[\s,;)]|$)"),
}


class _Prose(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _NOT_PROSE:
            if not self._skipping:
                self.parts.append(" ⟨code⟩ ")
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_PROSE and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def debris(page: str) -> list[str]:
    """Each piece of formatting debris in a page's visible text, with what it is and its context."""
    parser = _Prose()
    parser.feed(page)
    parser.close()
    text = "".join(parser.parts)
    return [
        f"{what}: …{text[max(0, m.start() - 40) : m.end() + 20]}…".replace("\n", " ")
        for what, pattern in DEBRIS.items()
        for m in pattern.finditer(text)
    ]


def test_the_guard_finds_what_it_is_for() -> None:
    assert debris("<p>Effects of $\\pm$3,4-MDMA</p>")
    assert debris("<p>r \\= .278</p>")
    assert debris("<p>P03-&amp;lt;words&gt;.md</p>")
    assert debris("<p>Do They Work?. Brief Treatment</p>")
    assert debris("<p>Ahn, H.-. nie ., &amp; Wampold</p>")
    assert not debris("<p>Mitchell et al., 2021. See ../manual and <code>$\\pm \\= ?.</code> e.g. ...</p>")


def test_no_page_shows_formatting_debris(built_site: Path) -> None:
    found = {
        str(page.relative_to(built_site)): problems
        for page in sorted(built_site.rglob("*.html"))
        if (problems := debris(page.read_text(encoding="utf-8")))
    }
    assert found == {}
