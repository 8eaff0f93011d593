"""The markup the manual adds to Markdown: [@key] citations and [[ID]] cross-references in prose, [[guide:<id>]]
where one of the item's decision guides goes, and `click <node> <ID>` lines inside Mermaid diagrams.

Citations and cross-references are found only in prose: never inside fenced code blocks or inline code spans.
Diagram links are found only inside ```mermaid fences.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

_CITE: Final = re.compile(r"\[(@[\w:.\-/]+(?:\s*;\s*@[\w:.\-/]+)*)\]")
_XREF: Final = re.compile(r"\[\[([^\[\]\s]+)\]\]")
_NEWLINE: Final = re.compile(r"\n")
_FENCE: Final = re.compile(r"^\s*(`{3,}|~{3,})")
_BACKTICKS: Final = re.compile(r"`+")
_HEADING: Final = re.compile(r"(#{1,6})[ \t]+(.*)")  # then trimmed in Python: a pattern that trims takes cubic time
_MERMAID_FENCE: Final = re.compile(r"^\s*(`{3,}|~{3,})\s*mermaid\s*$")
GUIDE_PREFIX: Final = "guide:"
_DIAGRAM_LINK: Final = re.compile(r"^(\s*click\s+)([A-Za-z_][\w-]*)\s+([A-Z][0-9]+[a-z]?)\s*$")


@dataclass(frozen=True)
class Mark:
    kind: Literal["cite", "xref", "guide", "diagram-link"]
    values: tuple[str, ...]
    start: int
    end: int
    line: int  # 0-based line within the text


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int  # 0-based line within the text


def _code_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of fenced code blocks and inline code spans."""
    ranges: list[tuple[int, int]] = []
    if "`" not in text and "~~~" not in text:
        return ranges
    offset = 0
    fence: str | None = None
    fence_start = 0
    for line in text.split("\n") if "```" in text or "~~~" in text else ():
        match = _FENCE.match(line)
        if fence is None and match:
            fence, fence_start = match.group(1), offset
        elif fence is not None and match and match.group(1).startswith(fence[0] * len(fence)):
            ranges.append((fence_start, offset + len(line)))
            fence = None
        offset += len(line) + 1
    if fence is not None:
        ranges.append((fence_start, len(text)))
    ranges.extend(_code_spans(text))
    return ranges


def unclosed_fence(text: str) -> int | None:
    """The line (0-based) of a fenced code block that the text opens and never closes, or None: everything after it
    would be code, and so would whatever the build puts after the text (an item's evidence, its history)."""
    if "```" not in text and "~~~" not in text:
        return None
    fence: str | None = None
    opened = 0
    for number, line in enumerate(text.split("\n")):
        match = _FENCE.match(line)
        if fence is None and match:
            fence, opened = match.group(1), number
        elif fence is not None and match and match.group(1).startswith(fence[0] * len(fence)):
            fence = None
    return opened if fence is not None else None


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Inline code spans, as CommonMark reads them: a run of backticks opens a span that the next run of exactly as
    many backticks closes; a run that nothing closes is text. One pass over the runs (linear in the text: each
    length keeps a pointer into its own runs, which only moves forward)."""
    runs = [(match.start(), match.end()) for match in _BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    pointer = dict.fromkeys(by_length, 0)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        at = pointer[end - start]
        while at < len(same) and same[at] <= index:
            at += 1
        pointer[end - start] = at
        if at < len(same):
            closing = same[at]
            spans.append((start, runs[closing][1]))
            index = closing + 1
        else:
            index += 1
    return spans


def scan(text: str) -> list[Mark]:
    code = code_mask(text)
    starts = line_starts(text)
    marks: list[Mark] = []
    for match in _CITE.finditer(text):
        if not code[match.start()]:
            keys = tuple(part.strip().lstrip("@") for part in match.group(1).split(";"))
            line = bisect.bisect_right(starts, match.start()) - 1
            marks.append(Mark("cite", keys, match.start(), match.end(), line))
    for match in _XREF.finditer(text):
        if not code[match.start()]:
            line = bisect.bisect_right(starts, match.start()) - 1
            target = match.group(1)
            if target.startswith(GUIDE_PREFIX):  # [[guide:<id>]]: where a decision guide of the item is placed
                marks.append(Mark("guide", (target[len(GUIDE_PREFIX) :],), match.start(), match.end(), line))
            else:
                marks.append(Mark("xref", (target,), match.start(), match.end(), line))
    marks.extend(_diagram_links(text))
    return sorted(marks, key=lambda m: m.start)


def mermaid_lines(text: str) -> list[tuple[int, str]]:
    """The lines (0-based numbers and text) inside ```mermaid fences."""
    lines: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(text.split("\n")):
        if fence is None:
            opening = _MERMAID_FENCE.match(line)
            if opening:
                fence = opening.group(1)
        elif line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
            fence = None
        else:
            lines.append((number, line))
    return lines


def diagram_link(line: str) -> bool:
    """Whether a diagram line is the project's own link form, `click <node> <ID>`."""
    return _DIAGRAM_LINK.match(line) is not None


def _diagram_links(text: str) -> list[Mark]:
    """`click <node> <ID>` lines inside ```mermaid fences; values are (node, ID) and the mark spans the line."""
    starts = line_starts(text)
    marks: list[Mark] = []
    for number, line in mermaid_lines(text):
        match = _DIAGRAM_LINK.match(line)
        if match:
            offset = starts[number]
            marks.append(Mark("diagram-link", (match.group(2), match.group(3)), offset, offset + len(line), number))
    return marks


def line_starts(text: str) -> list[int]:
    """The offset of each line's first character."""
    return [0, *(match.end() for match in _NEWLINE.finditer(text))]


def code_mask(text: str) -> bytearray:
    """One flag per character: 1 inside code (fenced blocks, inline spans)."""
    mask = bytearray(len(text) + 1)
    for a, b in _code_ranges(text):
        mask[a:b] = b"\x01" * (b - a)
    return mask


def replace(text: str, render: Callable[[Mark], str]) -> str:
    pieces: list[str] = []
    position = 0
    for mark in scan(text):
        pieces.append(text[position : mark.start])
        pieces.append(render(mark))
        position = mark.end
    pieces.append(text[position:])
    return "".join(pieces)


def headings(text: str) -> list[Heading]:
    """ATX headings outside code blocks, with any trailing attribute list removed."""
    code = code_mask(text)
    result: list[Heading] = []
    offset = 0
    for number, line in enumerate(text.split("\n")):
        match = _HEADING.fullmatch(line)
        if match and not code[offset]:
            result.append(Heading(len(match.group(1)), _without_attributes(_heading_text(match.group(2))), number))
        offset += len(line) + 1
    return result


def _heading_text(written: str) -> str:
    """A heading's text without its closing hashes and the spaces around them (at least its first character)."""
    return written.rstrip(" \t").rstrip("#").rstrip(" \t") or written[:1]


def _without_attributes(text: str) -> str:
    """The text without an attribute list at its end (`{ #id .class }`), in linear time."""
    text = text.strip()
    if not text.endswith("}"):
        return text
    opening = text.find("{", text.rfind("}", 0, len(text) - 1) + 1)
    return text[:opening].strip() if 0 <= opening < len(text) - 1 else text


def section(text: str, title: str) -> str:
    """The text under the second-level heading `title`, up to the next second- or first-level heading."""
    lines = text.split("\n")
    marks = [h for h in headings(text) if h.level <= 2]
    for index, heading in enumerate(marks):
        if heading.level == 2 and heading.text == title:
            end = marks[index + 1].line if index + 1 < len(marks) else len(lines)
            return "\n".join(lines[heading.line + 1 : end]).strip()
    return ""
