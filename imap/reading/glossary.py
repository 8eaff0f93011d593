"""The glossary (glossary.yml): terms and abbreviations with plain definitions, shown on the glossary page and as
hover definitions wherever the term appears."""

from __future__ import annotations

import re
from collections.abc import Container
from pathlib import Path
from typing import Final

from imap.model import schema
from imap.model.diagnostics import Diagnostic, Location, error
from imap.model.items import Term
from imap.reading import frontmatter, inputs, item_reader
from imap.reading.parsecache import ParseCache, digest

GLOSSARY_FILE = "glossary.yml"

# A term is words: letters and digits, joined by single spaces, hyphens, apostrophes, full stops or slashes, at most
# 80 characters. It is written into every page's Markdown as an abbreviation definition (`*[term]: ...`), so
# Markdown punctuation (brackets, backslashes, asterisks, backticks, angle brackets) is refused, not escaped.
TERM_GRAMMAR: Final = "letters and digits, separated by single spaces, hyphens, apostrophes, full stops or slashes"
_TERM: Final = re.compile(r"[^\W_]+(?:[ \-'’./][^\W_]+)*[.]?")
_TERM_LENGTH: Final = 80


GlossaryResult = tuple[tuple[Term, ...], tuple[Diagnostic, ...]]


def load(root: Path, cache: ParseCache[GlossaryResult] | None = None) -> tuple[tuple[Term, ...], list[Diagnostic]]:
    """The glossary, sorted case-insensitively by term, with every problem in the file. No file: no glossary (but a
    folder or a file that cannot be read in its place is an error). With a cache, a glossary parsed before is not
    parsed again."""
    data, unreadable = inputs.read_input(root, GLOSSARY_FILE)
    if data is None:
        return (), unreadable
    key = digest(GLOSSARY_FILE, data)
    stored = cache.get(key) if cache is not None else None
    if stored is None:
        terms, problems = _parse(data)
        stored = (terms, tuple(problems))
        if cache is not None:
            cache.put(key, stored)
    return stored[0], list(stored[1])


def _parse(data: bytes) -> tuple[tuple[Term, ...], list[Diagnostic]]:
    text, problems = frontmatter.decode(GLOSSARY_FILE, data)
    if text is None:
        return (), problems
    node, problems = frontmatter.parse_yaml(GLOSSARY_FILE, text, 1, "the glossary")
    if node is None:
        return (), problems
    records, problems = item_reader.read_records(GLOSSARY_FILE, node, schema.GLOSSARY_FIELDS, "glossary entry")
    terms: list[Term] = []
    seen: dict[str, Location] = {}
    for values, location in records:
        term = Term(
            term=values["term"],
            definition=values["definition"],
            location=location,
            expansion=values.get("expansion", ""),
            see=values.get("see", ()),
        )
        if len(term.term) > _TERM_LENGTH or not _TERM.fullmatch(term.term):
            problems.append(
                error(
                    location,
                    "glossary.term",
                    f"the term {term.term[:_TERM_LENGTH]!r} is not a term this glossary can show",
                    f"a term is {TERM_GRAMMAR}, at most {_TERM_LENGTH} characters",
                )
            )
            continue
        if term.term in seen:
            problems.append(
                error(
                    location,
                    "glossary.duplicate",
                    f"the term '{term.term}' is defined twice",
                    f"first defined at line {seen[term.term].line}",
                )
            )
            continue
        seen[term.term] = location
        terms.append(term)
    return tuple(sorted(terms, key=lambda t: (t.term.casefold(), t.term))), problems


def check_links(terms: tuple[Term, ...], known: Container[str]) -> list[Diagnostic]:
    """Glossary links to items not `known` (by ID)."""
    return [
        error(
            ref.location, "link.unknown-item", f"glossary entry '{t.term}' refers to {ref.target}, which does not exist"
        )
        for t in terms
        for ref in t.see
        if ref.target not in known
    ]
