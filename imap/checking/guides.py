"""Decision guides written as data (a chapter's `decision_guides`): their checks, and what the page shows for each,
a numbered list in plain language first and then a drawing of it.

The drawing is inline SVG made at build time, with no script and no diagram library: the steps top to bottom in the
order of the list, each numbered as in the list; the way on to the next step is an arrow straight down, and every
other way (an answer that skips ahead or goes back) runs in a lane of its own on the right, labelled with its answer.
A step that names an item links to it. The list says everything the drawing says, so the drawing is a group of links
for assistive technology, not an image that needs describing.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable, Iterator
from typing import Final

from imap.model import markup, vocab
from imap.model.diagnostics import Diagnostic, Location, error
from imap.model.items import DecisionGuide, Item

END: Final = "end"
WIDTH: Final = 340  # a step's box
LEFT: Final = 8
FONT: Final = 14
LINE: Final = 17
PAD: Final = 8
GAP: Final = 34  # between boxes: room for an arrow and its answer
LANE: Final = 14  # between the lanes of the arrows that skip or go back
LABEL_ROOM: Final = 96  # between the boxes and the first lane: an answer's words
CHARS: Final = 46  # per line of a box (14 px text in a box 340 wide)


# ---------------------------------------------------------------------------------------------------------------
# Checks


def check(item: Item) -> list[Diagnostic]:
    """Every problem of an item's decision guides and of where its text places them."""
    found: list[Diagnostic] = []
    guide_ids = [g.id for g in item.decision_guides]
    for guide in item.decision_guides:
        if guide_ids.count(guide.id) > 1:
            found.append(error(guide.location, "guide.step", f"decision guide id '{guide.id}' is used twice"))
        found.extend(_guide(guide))
    placed = [m for m in item.marks if m.kind == "guide"]
    for mark in placed:
        if mark.values[0] not in guide_ids:
            found.append(
                error(
                    Location(item.path, item.body_line + mark.line),
                    "guide.placement",
                    f"[[guide:{mark.values[0]}]] names no decision guide of this item",
                    f"the item's guides: {', '.join(guide_ids) or 'none'}",
                )
            )
    for guide in item.decision_guides:
        count = sum(mark.values[0] == guide.id for mark in placed)
        if count != 1:
            found.append(
                error(
                    guide.location,
                    "guide.placement",
                    f"decision guide '{guide.id}' is placed {count} times in the text",
                    f"write [[guide:{guide.id}]] on a line of its own, once, where the guide belongs",
                )
            )
    return found


def _guide(guide: DecisionGuide) -> Iterator[Diagnostic]:
    ids = [step.id for step in guide.steps]
    if not vocab.GUIDE_STEP_ID.fullmatch(guide.id):
        yield error(guide.location, "guide.step", f"decision guide id '{guide.id}' is not a short name", _ID_HINT)
    for step in guide.steps:
        if not vocab.GUIDE_STEP_ID.fullmatch(step.id):
            yield error(step.location, "guide.step", f"step id '{step.id}' is not a short name", _ID_HINT)
        if ids.count(step.id) > 1:
            yield error(step.location, "guide.step", f"step id '{step.id}' is used twice in guide '{guide.id}'")
        if len(step.label) > vocab.GUIDE_LABEL:
            yield error(
                step.location,
                "guide.label",
                f"the label of step '{step.id}' has {len(step.label)} characters",
                f"at most {vocab.GUIDE_LABEL}: the drawing shows it in three short lines; the text says the rest",
            )
        if step.branches and step.next:
            yield error(step.location, "guide.branches", f"step '{step.id}' has both answers and a next step")
        if len(step.branches) == 1:
            yield error(
                step.location,
                "guide.branches",
                f"step '{step.id}' has one answer",
                "a question has at least two answers; a step that always goes on uses 'next'",
            )
        targets = [b.go for b in step.branches] + ([step.next] if step.next and step.next != END else [])
        for target in targets:
            if target not in ids:
                yield error(
                    step.location,
                    "guide.step",
                    f"step '{step.id}' leads to '{target}', which is not a step of guide '{guide.id}'",
                    f"the steps: {', '.join(ids)}" + ("" if step.branches else f"; or '{END}'"),
                )
    if guide.steps and len(set(ids)) == len(ids):
        reached = _reachable(guide)
        for index, step in enumerate(guide.steps):
            if index not in reached:
                yield error(
                    step.location,
                    "guide.unreachable",
                    f"no way through guide '{guide.id}' leads to step '{step.id}'",
                    "every step must be reached from the first: check the 'next' and 'go' before it",
                )


_ID_HINT: Final = "lower-case letters, digits and '-', such as danger-now"


def _reachable(guide: DecisionGuide) -> set[int]:
    seen = {0}
    todo = [0]
    while todo:
        for _, target in guide.successors(todo.pop()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def marks(item: Item) -> Iterator[tuple[markup.Mark, Location]]:
    """The citations and cross-references in the steps' texts, each with where its step is written."""
    for guide in item.decision_guides:
        for step in guide.steps:
            for mark in markup.scan(step.text):
                yield mark, step.location


# ---------------------------------------------------------------------------------------------------------------
# The numbered list


def numbered_list(guide: DecisionGuide) -> str:
    """The guide in plain language: one numbered line per step, saying where each answer leads (Markdown with the
    steps' own [[ID]] and [@key] marks, which the page resolves)."""
    positions = {step.id: index + 1 for index, step in enumerate(guide.steps)}
    lines: list[str] = []
    for index, step in enumerate(guide.steps):
        text = step.text.rstrip()
        if step.branches:
            answers = "; ".join(f"*{b.when}:* go to step {positions.get(b.go, '?')}" for b in step.branches)
            text += f" {answers}."
        elif step.next and step.next != END and positions.get(step.next) != index + 2:
            text += f" Then go to step {positions.get(step.next, '?')}."
        elif step.next == END and index + 1 < len(guide.steps):
            text += " This ends the guide."
        lines.append(f"{index + 1}. {text}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# The drawing

Box = tuple[float, float, tuple[str, ...]]  # top, height, the label's lines


def drawing(guide: DecisionGuide, link: Callable[[str], str]) -> str:
    """The guide as inline SVG; `link(ID)` is the address of an item's page from the page the guide is on."""
    boxes: list[Box] = []
    top = 8.0
    for index, step in enumerate(guide.steps):
        lines = tuple(textwrap.wrap(f"{index + 1}. {step.label}", width=CHARS, max_lines=3, placeholder=" …"))
        box_height = len(lines) * LINE + 2 * PAD - (LINE - FONT)
        boxes.append((top, box_height, lines))
        top += box_height + GAP
    edges = [(index, target, label) for index in range(len(guide.steps)) for label, target in guide.successors(index)]
    jumps = [edge for edge in edges if edge[1] != edge[0] + 1]
    right = LEFT + WIDTH
    width: float = right + LABEL_ROOM + LANE * (len(jumps) + 1)
    height = top - GAP + 8
    body: list[str] = []
    for index, target, label in edges:
        if target == index + 1:
            body.append(_down(boxes[index], boxes[target], label))
    for lane, (index, target, label) in enumerate(jumps):
        body.append(_jump(boxes[index], boxes[target], right + LABEL_ROOM + LANE * (lane + 1), label))
    for index, step in enumerate(guide.steps):
        named = _first_item(step.text)
        shown = " ".join(boxes[index][2])  # the accessible name is the text the box shows
        body.append(_box(boxes[index], bool(step.branches), link(named) if named else "", shown))
    return (
        f'<svg class="imap-map imap-guide" role="group" aria-label="{_a("Drawing of the guide: " + guide.title)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
        f'xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>"
    )


def _first_item(text: str) -> str:
    for mark in markup.scan(text):
        if mark.kind == "xref" and vocab.is_id(mark.values[0]):
            return mark.values[0]
    return ""


def _box(box: Box, question: bool, href: str, name: str) -> str:
    top, height, lines = box
    spans = "".join(
        f'<tspan x="{_n(LEFT + PAD)}" y="{_n(top + PAD + FONT - 2 + i * LINE)}">{html.escape(line)}'
        f"{' ' if i < len(lines) - 1 else ''}</tspan>"
        for i, line in enumerate(lines)
    )
    shape = (
        f'<rect x="{_n(LEFT)}" y="{_n(top)}" width="{WIDTH}" height="{_n(height)}" rx="{12 if question else 3}"/>'
        f"<text>{spans}</text>"
    )
    css = "imap-node imap-node--" + ("question" if question else "step")
    if not href:
        return f'<g class="{css}">{shape}</g>'
    return f'<a class="{css}" href="{_a(href)}" aria-label="{_a(name)}"><title>{html.escape(name)}</title>{shape}</a>'


def _down(source: Box, target: Box, label: str) -> str:
    x = LEFT + WIDTH / 2
    start, end = source[0] + source[1], target[0]
    parts = [f'<path class="imap-guide__edge" d="M {_n(x)} {_n(start)} L {_n(x)} {_n(end - 6)}"/>', _head(x, end)]
    if label:
        parts.append(_label(x + 6, (start + end) / 2 + 4, label))
    return "".join(parts)


def _jump(source: Box, target: Box, lane: float, label: str) -> str:
    right = LEFT + WIDTH
    y1 = source[0] + source[1] / 2
    y2 = target[0] + target[1] / 2 + 4
    d = f"M {_n(right)} {_n(y1)} L {_n(lane)} {_n(y1)} L {_n(lane)} {_n(y2)} L {_n(right + 6)} {_n(y2)}"
    parts = [f'<path class="imap-guide__edge" d="{d}"/>', _head_left(right, y2)]
    if label:
        parts.append(_label(right + 4, y1 - 4, label))
    return "".join(parts)


def _head(x: float, y: float) -> str:
    return _polygon(f"{_n(x - 5)},{_n(y - 7)} {_n(x + 5)},{_n(y - 7)} {_n(x)},{_n(y)}")


def _head_left(x: float, y: float) -> str:
    return _polygon(f"{_n(x + 7)},{_n(y - 5)} {_n(x + 7)},{_n(y + 5)} {_n(x)},{_n(y)}")


def _polygon(points: str) -> str:
    return f'<polygon class="imap-guide__head" points="{points}"/>'


def _label(x: float, y: float, text: str) -> str:
    shown = text if len(text) <= 24 else text[:23] + "…"
    return f'<text class="imap-guide__answer" x="{_n(x)}" y="{_n(y)}">{html.escape(shown)}</text>'


def _a(value: str) -> str:
    return html.escape(value, quote=True)


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
