"""MkDocs hook: a linear-time replacement for one method of Python-Markdown's `abbr` extension (pinned at 3.11.3).

The extension wraps each abbreviation the glossary defines (the hover definitions) in an `<abbr>` element. When it
finds one in the text that follows a child element (its tail), `AbbrTreeprocessor.iter_element` finds where to
insert the new element with `list(parent).index(child)`, a scan of the parent, once for every child with a tail.
After Markdown's prettify step every block element has one, so a page whose list, table or definition list grows
with the manual (the changes page, the hypotheses registry, the evidence tables) cost time quadratic in its length,
and the build stopped scaling linearly.

This version passes each child's position down from the loop over its parent. The loop runs from the last child to
the first, and an abbreviation is inserted only after the child being processed, so the position of every child
still to be processed stays what it was. tests/test_abbr_hook.py checks that it gives the same HTML as the
extension's own method, so an upgrade that changes the method is noticed.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from markdown.extensions.abbr import AbbrTreeprocessor
from markdown.util import AtomicString


def iter_element(self: AbbrTreeprocessor, el: Element, parent: Element | None = None, position: int = 0) -> None:
    """The extension's method, with the child's `position` in `parent` given instead of searched for."""
    for index, child in reversed(list(enumerate(el))):
        iter_element(self, child, el, index)
    if (text := el.text) and not isinstance(text, AtomicString):
        for m in reversed(list(self.RE.finditer(text))):
            if self.abbrs[m.group(0)]:
                abbr = self.create_element(self.abbrs[m.group(0)], m.group(0), text[m.end() :])
                el.insert(0, abbr)
                text = text[: m.start()]
        el.text = text
    if parent is not None and (tail := el.tail) and not isinstance(tail, AtomicString):
        for m in reversed(list(self.RE.finditer(tail))):
            if self.abbrs[m.group(0)]:
                abbr = self.create_element(self.abbrs[m.group(0)], m.group(0), tail[m.end() :])
                parent.insert(position + 1, abbr)
                tail = tail[: m.start()]
        el.tail = tail


ORIGINAL = AbbrTreeprocessor.iter_element
AbbrTreeprocessor.iter_element = iter_element
