"""Read references.bib (BibTeX or BibLaTeX) with bibtexparser v2 into Reference objects and CSL-JSON.

Blocks that bibtexparser cannot parse are reported with their line, never dropped silently.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Final

from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ImplicitComment,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import get_default_latex_context_db as get_default_parser_context_db

from imap.model.diagnostics import Diagnostic, Location, error, warning
from imap.model.items import Reference
from imap.reading import bib_strings, bib_values, bibrules, title_names
from imap.reading.bib_values import short
from imap.reading.parsecache import ParseCache, digest

_NAME_ROLES: Final = {"author", "editor"}


@contextlib.contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """bibtexparser logs its own parse errors; the project reports them as diagnostics instead."""
    logger = logging.getLogger("bibtexparser.splitter")
    disabled = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = disabled


# Text without these needs no LaTeX parser (slow: pylatexenc reads it a character at a time): its only markup is
# braces, which are dropped, and dashes, which become typographic dashes, exactly as pylatexenc converts them.
_LATEX_MARKUP: Final = re.compile(r"[\\$%&~`]|''")


class _FastLatex(LatexNodes2Text):  # type: ignore[misc]  # pylatexenc ships no types
    """pylatexenc's conversion, done without the parser for text whose only markup is braces and dashes (most of a
    bibliography), and with the parser's table of LaTeX macros built once (pylatexenc rebuilds it for every string)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._parser_context = get_default_parser_context_db()

    def latex_to_text(self, latex: str, **kwargs: Any) -> str:
        if not _LATEX_MARKUP.search(latex):
            return latex.replace("---", "\u2014").replace("--", "\u2013").replace("{", "").replace("}", "")
        return str(super().latex_to_text(latex, **{"latex_context": self._parser_context, **kwargs}))


def field_decoder() -> LatexNodes2Text:
    """The decoder bibtexparser's LatexDecodingMiddleware builds by default, with the fast path for plain text."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "bibtexparse-default-context", prepend=True, macros=[MacroTextSpec("url", simplify_repl="%s")]
    )
    return _FastLatex(latex_context=context, keep_braced_groups=False, math_mode="verbatim")


def name_decoder() -> LatexNodes2Text:
    return _FastLatex()


def _latex(text: str, decoder: LatexNodes2Text) -> str:
    """Decode LaTeX in a name part ({\\"u} -> ü); bibtexparser decodes fields but not names."""
    try:
        return " ".join(decoder.latex_to_text(text).split())
    except Exception:  # noqa: BLE001 -- pylatexenc raises various errors on malformed LaTeX; keep the raw text
        return bib_values.plain(text)


def _names(raw: str, latex: LatexNodes2Text) -> tuple[tuple[str, str], ...]:
    """(family, given) pairs, in the order written; a corporate author written in braces has an empty given name.
    A name that cannot be split is kept whole as a family name (bibrules reports why)."""
    names: list[tuple[str, str]] = []
    for written in bib_values.split_names(raw):
        if not written:
            continue
        try:
            part = parse_single_name_into_parts(written)
        except InvalidNameError:
            names.append((_latex(written, latex), ""))
            continue
        family = _latex(" ".join([*part.von, *part.last]), latex)
        given = _latex(" ".join(part.first), latex)
        if part.jr:
            given = f"{given}, {_latex(' '.join(part.jr), latex)}".strip(", ")
        names.append((family, given))
    return tuple(names)


_ENTRY_START: Final = re.compile(r"^[ \t]*@", re.MULTILINE)
_SHARED_BLOCK: Final = re.compile(r"@\s*(?:string|preamble)\b", re.IGNORECASE)


def pieces(text: str) -> list[tuple[int, str]]:
    """The text cut before every line that opens an entry outside braces, with the 0-based line each piece starts
    on. A piece parses on its own as it does in the whole file, so one that has not changed since the last run is not
    parsed again. Text with @string or @preamble blocks, which other entries may use, is kept whole."""
    if _SHARED_BLOCK.search(text):
        return [(0, text)]
    found: list[tuple[int, str]] = []
    start = start_line = depth = line = last = 0
    for match in _ENTRY_START.finditer(text):
        at = match.start()
        depth += text.count("{", last, at) - text.count("}", last, at)
        line += text.count("\n", last, at)
        last = at
        if depth == 0 and at > start:
            found.append((start_line, text[start:at]))
            start, start_line = at, line
    found.append((start_line, text[start:]))
    return found


@dataclass(frozen=True)
class ParsedBlock:
    """One block of a piece of the file as parsed, with lines counted from the piece's first line."""

    key: str  # "" for a block that is not an entry
    line: int
    reference: Reference | None  # None: not an entry (a block that failed, or a duplicate)
    problems: tuple[Diagnostic, ...] = ()
    duplicate: bool = False  # a second entry with a key already used in the same piece


class _Decoders:
    """The LaTeX decoders, built when the first piece is parsed (building one is expensive; most runs reuse every
    piece and need none)."""

    @cached_property
    def fields(self) -> LatexNodes2Text:
        return field_decoder()

    @cached_property
    def names(self) -> LatexNodes2Text:
        return name_decoder()


def load(
    path: str, text: str, cache: ParseCache[tuple[ParsedBlock, ...]] | None = None
) -> tuple[dict[str, Reference], list[Diagnostic]]:
    """The references of the file and every problem in it. With a cache, only pieces not parsed before are parsed."""
    diagnostics: list[Diagnostic] = []
    decoders = _Decoders()
    first_seen: dict[str, int] = {}
    references: dict[str, Reference] = {}
    for offset, piece in pieces(text):
        key = digest(path, piece)
        parsed = cache.get(key) if cache is not None else None
        if parsed is None:
            parsed = _parse(path, piece, decoders)
            if cache is not None:
                cache.put(key, parsed)
        for block in parsed:
            line = block.line + offset
            if block.duplicate or (block.reference is not None and block.key in first_seen):
                diagnostics.append(
                    error(
                        Location(path, line),
                        "bib.duplicate-key",
                        f"entry key '{block.key}' is used twice",
                        f"the first entry with this key is on line {first_seen.get(block.key, '?')}",
                    )
                )
                continue
            if block.reference is not None:
                first_seen[block.key] = line
                references[block.key] = replace(
                    block.reference,
                    location=Location(path, line),
                    lines={name: at + offset for name, at in block.reference.lines.items()},
                )
            diagnostics.extend(_shifted(p, offset) for p in block.problems)
    diagnostics.extend(crossref_problems(references))
    diagnostics.extend(title_names.problems(references))
    return references, diagnostics


def _shifted(diagnostic: Diagnostic, offset: int) -> Diagnostic:
    where = diagnostic.location
    return replace(diagnostic, location=Location(where.path, where.line + offset)) if where.line else diagnostic


def _parse(path: str, text: str, decoders: _Decoders) -> tuple[ParsedBlock, ...]:
    with _quiet_bibtexparser():
        library = parse_string(text, parse_stack=[])  # values as written: bib_strings reads them as BibTeX does
    strings = bib_strings.definitions([(str(block.key), str(block.value)) for block in library.strings])
    found: list[ParsedBlock] = []
    for block in library.blocks:
        if isinstance(block, Entry) and not str(block.key).strip():
            found.append(ParsedBlock("", 0, None, (_keyless(path, block),)))
        elif isinstance(block, Entry):
            reference, problems = _entry(path, block, decoders, strings)
            found.append(ParsedBlock(block.key, _line(block), reference, tuple(problems)))
        elif isinstance(block, DuplicateBlockKeyBlock):
            found.append(ParsedBlock(block.key, _line(block), None, duplicate=True))
        elif isinstance(block, DuplicateFieldKeyBlock):
            fields = ", ".join(sorted(f"'{k}'" for k in block.duplicate_keys))
            key = getattr(block.ignore_error_block, "key", "?")
            found.append(
                ParsedBlock(
                    "",
                    0,
                    None,
                    (
                        error(
                            Location(path, _line(block)),
                            "bib.parse",
                            f"entry '{key}' has a field more than once: {fields}",
                            "keep one of each field",
                        ),
                    ),
                )
            )
        elif isinstance(block, ParsingFailedBlock):
            found.append(ParsedBlock("", 0, None, (_failed(path, block),)))
        elif isinstance(block, ImplicitComment) and "@" in (block.raw or ""):
            found.extend(ParsedBlock("", 0, None, (problem,)) for problem in _unread(path, block))
    return tuple(found)


def _line(block: Block) -> int:
    """bibtexparser counts lines from 0."""
    return (block.start_line or 0) + 1


_ENTRY_HEAD: Final = re.compile(r"(?m)^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(]")


def _unread(path: str, block: Block) -> Iterator[Diagnostic]:
    """Text outside entries (a comment, to BibTeX) that looks like an entry the reader could not take for one, such
    as `@ misc{` with a space after @: named, since it would otherwise be dropped without a word."""
    raw = block.raw or ""
    line, counted = _line(block), 0
    for head in _ENTRY_HEAD.finditer(raw):
        line, counted = line + raw.count("\n", counted, head.start()), head.start()  # each line counted once
        yield error(
            Location(path, line),
            "bib.parse",
            f"'{short(head.group(0).strip())}' looks like the start of an @{head.group(1).lower()} entry but could "
            "not be read as one, so it was not loaded",
            "write @type{key, with no space after @ and a key before the first comma",
        )


def _keyless(path: str, block: Entry) -> Diagnostic:
    title = next((str(f.value).strip('{}" ') for f in block.fields if f.key.lower() == "title"), "")
    return error(
        Location(path, _line(block)),
        "bib.parse",
        f"an @{block.entry_type.lower()} entry has no key{f' ({title[:60]})' if title else ''}, so it was not loaded",
        "give it a key after the opening brace, as in @manual{rcoreteam2023, which citations name it by",
    )


def _failed(path: str, block: Block) -> Diagnostic:
    raw = (block.raw or "").strip()
    head = raw.split("\n", 1)[0][:60]
    match = re.match(r"@\s*\w+\s*\{\s*([^,\s]+)", raw)
    what = f"entry '{match.group(1)}'" if match else f"block '{head}'"
    return error(
        Location(path, _line(block)),
        "bib.parse",
        f"{what} could not be parsed and was not loaded",
        "check for unbalanced braces, a missing comma between fields, or a missing closing brace",
    )


def _entry(
    path: str, entry: Entry, decoders: _Decoders, strings: Mapping[str, str]
) -> tuple[Reference, list[Diagnostic]]:
    raw: dict[str, str] = {}
    lines: dict[str, int] = {}
    undefined: list[Diagnostic] = []
    for field in entry.fields:
        key = field.key.lower()  # exports write Author, TITLE or author alike
        lines[key] = (field.start_line if field.start_line is not None else entry.start_line or 0) + 1
        raw[key], macros = bib_strings.resolved(str(field.value), strings)
        undefined.extend(
            warning(
                Location(path, lines[key]),
                "bib.string",
                f"the {key} of '{entry.key}' uses the string '{macro[:40]}', which no @string defines: the reference "
                "prints its name",
                "define it with @string, or write the text in braces",
            )
            for macro in macros
        )
    location = Location(path, _line(entry))
    entry_type = entry.entry_type.lower()
    written = bibrules.Raw(path, entry.key, entry_type, raw, lines, location.line)
    diagnostics = [*undefined, *bibrules.check(written)]
    fields: dict[str, str] = {}
    for key, value in raw.items():
        if key in _NAME_ROLES:
            continue
        if key == "url":
            fields[key] = bib_values.url_of(value)
        elif key == "doi":
            doi = bib_values.normalised_doi(value)
            if bib_values.is_doi(doi):
                fields[key] = doi
        elif key in bib_values.VERBATIM:
            fields[key] = value.strip()
        else:
            fields[key] = bib_values.plain(_latex(value, decoders.fields) if "\\" in value or "$" in value else value)
    # A field written with only a command the checks do not know reads as empty; bib.latex names it already.
    unknown = {name for name in ("title", "journal", "journaltitle") if raw.get(name, "").strip().startswith("\\")}
    if not fields.get("title") and "title" not in unknown and entry_type != "xdata":  # xdata: fields for others
        diagnostics.append(error(location, "bib.missing-field", f"entry '{entry.key}' has no title"))
    if entry_type == "article" and not (fields.get("journal") or fields.get("journaltitle") or unknown - {"title"}):
        diagnostics.append(
            error(location, "bib.missing-field", f"article '{entry.key}' has no journal (or journaltitle)")
        )
    return (
        Reference(
            key=entry.key,
            entry_type=entry_type,
            fields=fields,
            authors=_names(raw.get("author", ""), decoders.names),
            editors=_names(raw.get("editor", ""), decoders.names),
            location=location,
            raw=raw,
            lines=lines,
        ),
        diagnostics,
    )


def issued(reference: Reference) -> list[int] | None:
    """Date parts [year, month?, day?] from `date` (BibLaTeX) or `year` (BibTeX); None for no date or a status."""
    date = reference.fields.get("date", "")
    if date and bib_values.valid_date(date):
        parts = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date)
        if parts:
            return [int(p) for p in parts.groups() if p]
    year = reference.fields.get("year", "").strip()
    return [int(year)] if year.isdigit() and bib_values.valid_year(year) else None


def crossref_problems(references: dict[str, Reference]) -> list[Diagnostic]:
    """A crossref or xdata that names an entry the file does not have."""
    found: list[Diagnostic] = []
    for reference in references.values():
        for name in ("crossref", "xdata"):
            for target in (t.strip() for t in reference.raw.get(name, "").split(",") if t.strip()):
                if target not in references:
                    found.append(
                        error(
                            Location(reference.location.path, reference.lines.get(name, reference.location.line)),
                            "bib.crossref",
                            f"the {name} of '{reference.key}' names '{target}', which is not in the bibliography",
                            "add that entry, or write its fields into this one",
                        )
                    )
    return found
