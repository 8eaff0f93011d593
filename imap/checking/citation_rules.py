"""Citations and the site's own pages: which references the manual cites (items and pages), cite() and xref()
calls in pages under docs/, references nobody cites, and markup the sanitiser would remove."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from imap.checking import guides
from imap.model import sanitize
from imap.model.diagnostics import Diagnostic, Location, did_you_mean, error, warning
from imap.model.items import Citation, Item, Reference


def uncited(references: Mapping[str, Reference], citations: Iterable[Citation]) -> list[Diagnostic]:
    return uncited_keys({key: ref.location for key, ref in references.items()}, {c.key for c in citations})


def uncited_keys(references: Mapping[str, Location], cited: Iterable[str]) -> list[Diagnostic]:
    """References (by key, where each is written) that no item cites."""
    keys = set(cited)
    return [
        warning(location, "bib.uncited", f"reference '{key}' is not cited by any item")
        for key, location in sorted(references.items())
        if key not in keys
    ]


def collect_citations(items: Iterable[Item]) -> tuple[Citation, ...]:
    """Every place an item cites a reference: its evidence links and the [@key] marks in its text."""
    found: list[Citation] = []
    for item in items:
        found.extend(Citation(link.source, item.id, link.location) for link in item.all_evidence())
        for mark in item.marks:
            if mark.kind == "cite":
                location = Location(item.path, item.body_line + mark.line)
                found.extend(Citation(key, item.id, location) for key in mark.values)
        for mark, location in guides.marks(item):
            if mark.kind == "cite":
                found.extend(Citation(key, item.id, location) for key in mark.values)
    return tuple(found)


def cited_keys(item: Item) -> frozenset[str]:
    """The reference keys an item cites (the keys of its citations in `collect_citations`)."""
    marks = [*item.marks, *(mark for mark, _ in guides.marks(item))]
    keys = (key for mark in marks if mark.kind == "cite" for key in mark.values)
    return frozenset(link.source for link in item.all_evidence()).union(keys)


_MACRO_CITE = re.compile(r"\bcite\(([^)]*)\)")


def page_citations(path: str, text: str) -> tuple[Citation, ...]:
    """Citations made with the cite() macro in the site's own pages (docs/), which render Jinja by opting in."""
    found: list[Citation] = []
    for number, line in enumerate(text.split("\n"), start=1):
        for call in _MACRO_CITE.finditer(line):
            for key in re.findall(r"""['"]([^'"]+)['"]""", call.group(1)):
                found.append(Citation(key, "", Location(path, number)))
    return tuple(found)


_MACRO_XREF = re.compile(r"""\bxref\(\s*['"]([^'"]+)['"]\s*\)""")


def page_xrefs(path: str, text: str, known_ids: Iterable[str]) -> list[Diagnostic]:
    """xref() macro calls in the site's own pages (docs/) that name an item that does not exist."""
    known = set(known_ids)
    return [
        error(
            Location(path, number),
            "xref.unknown-item",
            f"cross-reference to unknown item '{call.group(1)}'",
            did_you_mean(call.group(1), known),
        )
        for number, line in enumerate(text.split("\n"), start=1)
        for call in _MACRO_XREF.finditer(line)
        if call.group(1) not in known
    ]


def unknown_page_citations(citations: Iterable[Citation], references: Mapping[str, object]) -> list[Diagnostic]:
    return [
        error(c.location, "citation.unknown-key", f"citation of unknown key '{c.key}'", did_you_mean(c.key, references))
        for c in citations
        if not c.item_id and c.key not in references
    ]


def unsafe_html(items: Sequence[Item]) -> list[Diagnostic]:
    return [
        error(
            Location(item.path, item.body_line + found.line),
            found.code,
            found.message("the page"),
            found.hint,
        )
        for item in items
        for found in item.unsafe_html
    ]


def page_unsafe_html(path: str, text: str) -> list[Diagnostic]:
    """What the sanitiser would remove from a site page under docs/ (its front matter aside)."""
    lines = text.split("\n")
    end = 0
    if lines and lines[0].rstrip() == "---":
        end = next((n for n in range(1, len(lines)) if lines[n].rstrip() in ("---", "...")), 0)
    body = "\n".join(lines[end + 1 :]) if end else text
    first = end + 2 if end else 1
    return [
        error(
            Location(path, first + found.line),
            found.code,
            found.message("the page"),
            found.hint,
        )
        for found in sanitize.unsafe_markup(body)
    ]
