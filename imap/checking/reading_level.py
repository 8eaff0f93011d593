"""How hard a patient handout is to read: the Flesch-Kincaid grade level of its text.

The grade is computed by the `readability` package (a reference implementation of the standard formulas), from the
sentences and words that `syntok` finds in the text as a reader sees it: the handout's Markdown is rendered with the
site's own extensions, and each paragraph, list item, table cell and heading counts as its own unit, so a list of
short items is not read as one long sentence. Cross-references and citations are left out (they are links to the
pages a handout's content comes from, not words the patient reads).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Final

import readability
import syntok.segmenter

from imap.model import markup, sanitize

# Elements whose end ends a unit of text (a sentence, whether or not it ends with a full stop).
_BLOCKS: Final = frozenset(
    {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "blockquote", "div", "br", "tr"}
)
# Elements whose text a reader does not read as prose: code, scripts and drawings.
_SKIPPED: Final = frozenset({"code", "pre", "kbd", "samp", "script", "style", "svg", "textarea"})


class _Text(HTMLParser):
    """The prose of HTML, a blank line after each block; what is skipped leaves `marker` in its place."""

    def __init__(self, marker: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._marker = marker

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            if not self._skipping and self._marker:
                self.parts.append(self._marker)
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(page: str, marker: str = "") -> str:
    """The prose a reader sees in HTML, one blank line after each block; code, scripts and drawings are left out, each
    replaced by `marker`."""
    parser = _Text(marker)
    parser.feed(page)
    parser.close()
    return "".join(parser.parts)


def plain_text(text: str) -> str:
    """What a reader reads of a Markdown text: its words, one blank line after each paragraph, item or cell."""
    return visible_text(sanitize.markdown_html(markup.replace(text, lambda mark: "")))


def _tokenised(text: str) -> str:
    """One sentence per line, tokens separated by spaces: the input `readability` expects."""
    return "\n".join(
        " ".join(token.value for token in sentence)
        for paragraph in syntok.segmenter.process(text)
        for sentence in paragraph
    )


def grade(text: str) -> float | None:
    """The Flesch-Kincaid grade level of a Markdown text, or None if it has no words."""
    tokens = _tokenised(plain_text(text))
    if not any(character.isalpha() for character in tokens):
        return None
    measures = readability.getmeasures(tokens, lang="en")
    return float(measures["readability grades"]["Kincaid"])
