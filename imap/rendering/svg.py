"""The drawing primitives of the figures: boxes with wrapped labels that are links, curves between them,
headings, and the accessible <svg> and <figure> around a drawing."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

FONT: Final = 12  # px in the drawing's own units; the stylesheet sets the same size


LINE: Final = 15  # line height


PAD: Final = 8
# After a drawing's caption, said on a narrow screen only (imap.css), where the drawing scrolls sideways.
SCROLL_HINT: Final = (
    ' <span class="imap-scroll-hint" data-search-exclude>On a narrow screen it scrolls sideways.</span>'
)


@dataclass(frozen=True)
class Node:
    key: str  # an item or hypothesis ID
    css: str  # theory, principle, intervention, hypothesis
    lines: tuple[str, ...]
    name: str  # the accessible name and tooltip: the full label
    href: str  # "" for the node of the page itself
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> tuple[float, float]:
        return self.x + self.width, self.y + self.height / 2

    @property
    def left(self) -> tuple[float, float]:
        return self.x, self.y + self.height / 2

    @property
    def bottom(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height

    @property
    def top(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y


def _count(number: int, noun: str, plural: str) -> str:
    return f"{number} {noun if number == 1 else plural}"


def _a(value: str) -> str:
    return html.escape(value, quote=True)


def _n(value: float) -> str:
    """A coordinate, printed the same way on every build."""
    return f"{value:.1f}".removesuffix(".0")


def _wrap(text: str, width: int, lines: int) -> tuple[str, ...]:
    return tuple(textwrap.wrap(text, width=width, max_lines=lines, placeholder=" …")) or ("",)


def _node_height(lines: int) -> float:
    return lines * LINE + 2 * PAD - (LINE - FONT)


def _node(node: Node) -> str:
    text_x = node.x + PAD
    first = node.y + PAD + FONT - 2
    # Each line but the last ends in a space, so the text read from the drawing is the label's words, not run together.
    spans = "".join(
        f'<tspan x="{_n(text_x)}" y="{_n(first + index * LINE)}">{html.escape(line)}'
        f"{' ' if index < len(node.lines) - 1 else ''}</tspan>"
        for index, line in enumerate(node.lines)
    )
    shape = (
        f'<rect x="{_n(node.x)}" y="{_n(node.y)}" width="{_n(node.width)}" height="{_n(node.height)}" rx="4"/>'
        f"<text>{spans}</text>"
    )
    css = f"imap-node imap-node--{node.css}"
    if not node.href:
        return f'<g class="{css} imap-node--here"><title>{html.escape(node.name)}</title>{shape}</g>'
    # The accessible name is the text the box shows (WCAG 2.5.3); a label cut short keeps its full text in the title.
    shown = " ".join(node.lines) if node.lines[-1].endswith("…") else node.name
    return (
        f'<a class="{css}" href="{_a(node.href)}" aria-label="{_a(shown)}">'
        f"<title>{html.escape(node.name)}</title>{shape}</a>"
    )


def _curve(start: tuple[float, float], end: tuple[float, float], vertical: bool = False) -> str:
    (x1, y1), (x2, y2) = start, end
    if vertical:
        middle = (y1 + y2) / 2
        control = f"{_n(x1)} {_n(middle)}, {_n(x2)} {_n(middle)}"
    else:
        middle = (x1 + x2) / 2
        control = f"{_n(middle)} {_n(y1)}, {_n(middle)} {_n(y2)}"
    return f'<path d="M {_n(x1)} {_n(y1)} C {control}, {_n(x2)} {_n(y2)}"/>'


def _heading(x: float, y: float, text: str) -> str:
    return f'<text class="imap-map__heading" x="{_n(x)}" y="{_n(y)}">{html.escape(text)}</text>'


def _svg(width: float, height: float, label: str, css: str, body: Sequence[str]) -> str:
    return (
        f'<svg class="imap-map {css}" role="group" aria-label="{_a(label)}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>"
    )


def _figure(svg: str, caption: str) -> str:
    """An HTML block (no blank lines, so Markdown passes it through whole) with a scrollable drawing."""
    return (
        f'<figure class="imap-figure">\n<div class="imap-figure__drawing">{svg}</div>\n'
        f"<figcaption>{caption}{SCROLL_HINT}</figcaption>\n</figure>\n"
    )
